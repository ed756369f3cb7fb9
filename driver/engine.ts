import { collect, type ConfigValue, type Program, type RegisterAnswer } from "./collect";
import { ProviderHost, type HostOptions } from "./host";
import { Limiter, runOrdered } from "./limiter";
import { diffProperties } from "./propertyDiff";
import { stepSymbols } from "./print";
import { loadState, saveState, type ResourceState, type SaveCache, type StackState } from "./state";
import type { OperationResult, PropertyMap, Registration, StepResult } from "./types";
import { clone, deepEqual } from "./values";

/** Options for {@link createStack}. */
export interface StackOptions {
  /** Path of the JSON state file (created on the first successful step). */
  stateFile: string;
  /** Stack config, e.g. `{ "clerk:secretKey": { value: "sk_…", secret: true } }`. */
  config?: Record<string, ConfigValue>;
  /** Passphrase for secrets in the state file (default: env `PULUMI_CONFIG_PASSPHRASE`, else the test default). */
  passphrase?: string;
  /** Maximum number of provider steps in flight (default 10). */
  parallel?: number;
  /** Receives one line per finished step or error. */
  log?: (line: string) => void;
  /** A running host to reuse (the caller stops it). Without it each operation starts and stops its own. */
  host?: ProviderHost;
  /** Options for hosts the stack starts itself. */
  hostOptions?: HostOptions;
  project?: string;
  stack?: string;
}

/** Options for preview and up. */
export interface PlanOptions {
  /** Refresh (Read every resource) before planning. */
  refresh?: boolean;
}

/** A stack driven by the driver engine. Operations on one stack run one at a time. */
export interface Stack {
  /** Plans the program: only Check/Diff (and Read for refresh/import) are called; state is never written. */
  preview(program: Program, options?: PlanOptions): Promise<OperationResult>;
  /** Applies the program: creates, updates, replaces and deletes, saving state after every step. */
  up(program: Program, options?: PlanOptions): Promise<OperationResult>;
  /** Reads every resource and stores what the provider reports; an empty id drops the resource. */
  refresh(): Promise<OperationResult>;
  /** Deletes every resource in reverse dependency order (retainOnDelete ones are only dropped). */
  destroy(): Promise<OperationResult>;
  /** The current state (secrets decrypted). */
  state(): StackState;
  /** stdout+stderr of the host the last operation started itself ("" when using `options.host`). */
  lastHostOutput(): string;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function union(...lists: (string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

/**
 * The shortest time between two state writes. Rewriting the whole file after every step made a
 * 1,000-resource `up` spend more time writing state than talking to the provider.
 */
const saveIntervalMs = 100;

/** One operation's mutable world: the working state, the host, and the steps taken. */
class Deployment {
  private lastSave = 0;
  private pendingSave: NodeJS.Timeout | undefined;
  readonly steps: StepResult[] = [];
  readonly errors: string[] = [];
  failed = false;
  readonly current = new Map<string, ResourceState>();
  pending: (ResourceState & { fromEarlierRun?: boolean })[] = [];
  readonly registered: string[] = [];
  readonly limiter: Limiter;
  /** Resources are replaced, never mutated, once in `current`: their saved text can be reused. */
  private readonly saveCache: SaveCache = new WeakMap();

  constructor(
    readonly host: ProviderHost,
    readonly dryRun: boolean,
    readonly opts: StackOptions,
    initial: StackState,
  ) {
    this.limiter = new Limiter(opts.parallel ?? 10);
    for (const r of initial.resources) {
      if (r.pendingDelete) this.pending.push({ ...r, fromEarlierRun: true });
      else this.current.set(r.urn, r);
    }
  }

  get parallel(): number {
    return this.opts.parallel ?? 10;
  }

  /** The working state in dependency order: this run's registrations first, then the rest, then pending deletes. */
  snapshot(): StackState {
    const seen = new Set<string>();
    const resources: ResourceState[] = [];
    for (const urn of this.registered) {
      const r = this.current.get(urn);
      if (r && !seen.has(urn)) resources.push(r);
      seen.add(urn);
    }
    for (const r of this.current.values()) if (!seen.has(r.urn)) resources.push(r);
    for (const r of this.pending) {
      const copy: ResourceState & { fromEarlierRun?: boolean } = { ...r, pendingDelete: true };
      delete copy.fromEarlierRun;
      resources.push(copy);
    }
    return { resources };
  }

  /**
   * Persists the working state after a step: at once when the last write is older than
   * `saveIntervalMs`, otherwise when that interval has passed (one write then covers every step
   * finished meanwhile). `flush()` writes whatever is still pending; every operation ends with it.
   */
  save(): void {
    if (this.dryRun) return;
    const wait = this.lastSave + saveIntervalMs - Date.now();
    if (wait <= 0) this.writeNow();
    else this.pendingSave ??= setTimeout(() => this.writeNow(), wait);
  }

  /** Writes the pending state, if a write is waiting. */
  flush(): void {
    if (this.pendingSave) this.writeNow();
  }

  private writeNow(): void {
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    this.lastSave = Date.now();
    saveState(this.opts.stateFile, this.snapshot(), this.opts.passphrase, this.saveCache);
  }

  record(step: StepResult): void {
    this.steps.push(step);
    if (step.error) {
      this.errors.push(`${step.urn}: ${step.error}`);
      this.failed = true;
    }
    const line = `${stepSymbols[step.op]} ${step.op} ${step.urn}${step.detail ? ` (${step.detail})` : ""}`;
    this.opts.log?.(step.error ? `${line} failed: ${step.error}` : line);
  }

  // ---- refresh ----

  async refreshAll(): Promise<void> {
    const items = [...this.current.values()];
    await runOrdered(
      items,
      () => [],
      this.parallel,
      async (r) => {
        const step: StepResult = { urn: r.urn, name: r.name, type: r.type, op: "read" };
        try {
          const res = await this.host.read(r.urn, r.id, r.outputs, r.inputs);
          if (!res.id) {
            this.current.delete(r.urn);
            step.op = "drop";
            step.detail = "not found; removed from state";
          } else {
            const changed = diffProperties(r.outputs, res.properties, r.secretOutputs);
            if (changed.length > 0) step.changedPaths = changed;
            const inputs = res.inputs ?? r.inputs;
            if (res.inputs && !deepEqual(res.inputs, r.inputs)) step.detail = "inputs updated";
            this.current.set(r.urn, { ...r, id: res.id, outputs: res.properties, inputs });
          }
          this.save();
        } catch (err) {
          step.error = errorText(err);
        }
        this.record(step);
      },
    );
  }

  // ---- registration steps ----

  private secretOutputsFor(reg: Registration, outputs: PropertyMap, extra: string[] = []): string[] {
    const names = union(reg.secretInputs, reg.options.additionalSecretOutputs, extra);
    return names.filter((k) => k in outputs);
  }

  private async check(reg: Registration, olds: PropertyMap): Promise<PropertyMap> {
    const res = await this.host.check(reg.urn, olds, reg.inputs);
    if (res.failures.length > 0) {
      throw new Error(`check failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    return res.inputs;
  }

  private newState(reg: Registration, id: string, inputs: PropertyMap, outputs: PropertyMap): ResourceState {
    return {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      id,
      parent: reg.parent || undefined,
      inputs,
      outputs,
      // Stricter than the engine (pulumi/pulumi#7910): additionalSecretOutputs also encrypt the same-named input.
      secretInputs: union(reg.secretInputs, reg.options.additionalSecretOutputs).filter((k) => k in inputs),
      secretOutputs: this.secretOutputsFor(reg, outputs),
      dependencies: reg.dependencies,
      options: reg.options,
    };
  }

  private answer(state: ResourceState): RegisterAnswer {
    return { id: state.id, outputs: state.outputs, secretOutputs: state.secretOutputs };
  }

  /** What the program sees when no step ran for it (after a failure). */
  private passthrough(reg: Registration): RegisterAnswer {
    const old = this.current.get(reg.urn);
    if (old) return this.answer(old);
    return { id: "", outputs: reg.inputs, secretOutputs: this.secretOutputsFor(reg, reg.inputs) };
  }

  async register(reg: Registration): Promise<RegisterAnswer> {
    if (this.registered.includes(reg.urn)) {
      this.errors.push(`${reg.urn}: duplicate resource URN`);
      this.failed = true;
      return this.passthrough(reg);
    }
    this.registered.push(reg.urn);
    if (this.failed) return this.passthrough(reg);
    return this.limiter.run(async () => {
      if (this.failed) return this.passthrough(reg);
      const step: StepResult = { urn: reg.urn, name: reg.name, type: reg.type, op: "create" };
      try {
        const answer = await this.stepFor(reg, step);
        this.record(step);
        return answer;
      } catch (err) {
        step.error = errorText(err);
        this.record(step);
        return this.passthrough(reg);
      }
    });
  }

  private async stepFor(reg: Registration, step: StepResult): Promise<RegisterAnswer> {
    const old = this.current.get(reg.urn);
    if (!old) {
      if (reg.options.import) return this.importStep(reg, step, reg.options.import);
      const checked = await this.check(reg, {});
      return this.createStep(reg, checked);
    }
    step.op = "update";
    const checked = await this.check(reg, old.inputs);
    const diff = await this.host.diff(reg.urn, old.id, old.outputs, checked, old.inputs);
    const oldView: PropertyMap = {};
    for (const k of union(Object.keys(old.inputs), Object.keys(checked))) {
      oldView[k] = k in old.outputs ? old.outputs[k] : old.inputs[k];
    }
    const secrets = union(
      old.secretInputs,
      old.secretOutputs,
      reg.secretInputs,
      reg.options.additionalSecretOutputs,
    );
    const changedPaths = diffProperties(oldView, checked, secrets);

    if (diff.replaces.length > 0) {
      step.op = "replace";
      step.replaces = diff.replaces;
      step.changedPaths = changedPaths;
      const dbr = reg.options.deleteBeforeReplace === true || diff.deleteBeforeReplace;
      if (dbr) step.deleteBeforeReplace = true;
      // Like the engine, re-check the replacement without olds so defaults are recomputed.
      const fresh = await this.check(reg, {});
      if (this.dryRun) {
        return { id: "", outputs: fresh, secretOutputs: this.secretOutputsFor(reg, fresh) };
      }
      if (dbr) {
        if (!old.options.retainOnDelete) {
          await this.host.delete(reg.urn, old.id, old.outputs, old.inputs);
        }
        this.current.delete(reg.urn);
        this.save();
        const created = await this.host.create(reg.urn, fresh);
        const state = this.newState(reg, created.id, fresh, created.properties);
        this.current.set(reg.urn, state);
        this.save();
        return this.answer(state);
      }
      const created = await this.host.create(reg.urn, fresh);
      const state = this.newState(reg, created.id, fresh, created.properties);
      this.pending.push({ ...old, pendingDelete: true });
      this.current.set(reg.urn, state);
      this.save();
      return this.answer(state);
    }

    const changed =
      diff.changes === "some" || (diff.changes === "unknown" && !deepEqual(old.inputs, checked));
    if (changed) {
      step.changedPaths = changedPaths;
      if (this.dryRun) {
        const outputs = { ...old.outputs, ...checked };
        return { id: old.id, outputs, secretOutputs: this.secretOutputsFor(reg, outputs, old.secretOutputs) };
      }
      const res = await this.host.update(reg.urn, old.id, old.outputs, checked, old.inputs);
      const state = this.newState(reg, old.id, checked, res.properties);
      this.current.set(reg.urn, state);
      this.save();
      return this.answer(state);
    }

    step.op = "same";
    const state: ResourceState = {
      ...this.newState(reg, old.id, checked, old.outputs),
      secretOutputs: this.secretOutputsFor(reg, old.outputs, old.secretOutputs),
    };
    // Nothing to write when nothing changed (rewriting a large state per unchanged resource is quadratic).
    if (deepEqual(state, old)) return this.answer(old);
    this.current.set(reg.urn, state);
    this.save();
    return this.answer(state);
  }

  private async createStep(reg: Registration, checked: PropertyMap): Promise<RegisterAnswer> {
    if (this.dryRun) {
      return { id: "", outputs: checked, secretOutputs: this.secretOutputsFor(reg, checked) };
    }
    const created = await this.host.create(reg.urn, checked);
    const state = this.newState(reg, created.id, checked, created.properties);
    this.current.set(reg.urn, state);
    this.save();
    return this.answer(state);
  }

  private async importStep(reg: Registration, step: StepResult, importId: string): Promise<RegisterAnswer> {
    step.op = "import";
    const checked = await this.check(reg, {});
    const read = await this.host.read(reg.urn, importId, checked, checked);
    if (!read.id) throw new Error(`resource '${importId}' does not exist`);
    const diff = await this.host.diff(reg.urn, read.id, read.properties, checked, read.inputs ?? checked);
    const changed =
      diff.replaces.length > 0 ||
      diff.changes === "some" ||
      (diff.changes === "unknown" && !deepEqual(read.inputs ?? read.properties, checked));
    if (changed) {
      const secrets = union(reg.secretInputs, reg.options.additionalSecretOutputs);
      step.changedPaths = diffProperties(read.properties, checked, secrets, Object.keys(checked));
      const paths = step.changedPaths.map((c) => c.path).join(", ");
      throw new Error(`inputs to import do not match the existing resource${paths ? `: ${paths}` : ""}`);
    }
    const state = this.newState(reg, read.id, checked, read.properties);
    if (!this.dryRun) {
      this.current.set(reg.urn, state);
      this.save();
    }
    return this.answer(state);
  }

  // ---- deletions ----

  /** Deletes `items` dependents-first; `withStep(r)` decides whether a successful delete is reported. */
  async deleteAll(items: ResourceState[], withStep: (r: ResourceState) => boolean): Promise<void> {
    const dependents = (r: ResourceState) => items.filter((x) => x !== r && x.dependencies.includes(r.urn));
    await runOrdered(items, dependents, this.parallel, async (r) => {
      const step: StepResult = { urn: r.urn, name: r.name, type: r.type, op: "delete" };
      if (r.pendingDelete) step.detail = "replaced resource";
      try {
        if (r.options.retainOnDelete) {
          step.op = "drop";
          step.detail = "retained: removed from state without deleting";
        } else if (!this.dryRun) {
          await this.host.delete(r.urn, r.id, r.outputs, r.inputs);
        }
        if (r.pendingDelete) this.pending = this.pending.filter((p) => p !== r);
        else this.current.delete(r.urn);
        this.save();
      } catch (err) {
        step.error = errorText(err);
      }
      if (step.error || withStep(r)) this.record(step);
    });
  }

  result(outputs?: PropertyMap): OperationResult {
    return { steps: this.steps, errors: this.errors, ok: this.errors.length === 0, outputs };
  }
}

/**
 * Creates a stack bound to a state file. The returned operations play the Pulumi engine's part against
 * the real dynamic-provider host; they never throw for provider or program errors (see `result.ok`).
 */
export function createStack(options: StackOptions): Stack {
  let queue: Promise<unknown> = Promise.resolve();
  let hostOutput = "";
  const plainConfig: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.config ?? {}))
    plainConfig[k] = typeof v === "string" ? v : v.value;

  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const withDeployment = (dryRun: boolean, fn: (d: Deployment) => Promise<OperationResult>) =>
    serialized(async () => {
      const initial = loadState(options.stateFile, options.passphrase);
      const host =
        options.host ?? (await ProviderHost.start({ project: options.project, ...options.hostOptions }));
      const deployment = new Deployment(host, dryRun, options, clone(initial));
      try {
        await host.configure(plainConfig);
        return await fn(deployment);
      } finally {
        deployment.flush();
        if (!options.host) {
          await host.stop();
          hostOutput = host.output();
        }
      }
    });

  const plan =
    (dryRun: boolean) =>
    (program: Program, planOptions: PlanOptions = {}) =>
      withDeployment(dryRun, async (d) => {
        if (planOptions.refresh) {
          await d.refreshAll();
          if (d.failed) return d.result();
        }
        const collected = await collect(program, {
          preview: dryRun,
          config: options.config,
          project: options.project,
          stack: options.stack,
          onRegister: (reg) => d.register(reg),
        });
        if (collected.error) {
          d.errors.push(`program failed: ${collected.error}`);
          d.failed = true;
        }
        if (!d.failed) {
          const registered = new Set(d.registered);
          const gone = [...d.current.values()].filter((r) => !registered.has(r.urn)).reverse();
          await d.deleteAll(
            [...gone, ...d.pending],
            (r) => !r.pendingDelete || (r as { fromEarlierRun?: boolean }).fromEarlierRun === true,
          );
        }
        d.save();
        return d.result(collected.outputs);
      });

  return {
    preview: plan(true),
    up: plan(false),
    refresh: () =>
      withDeployment(false, async (d) => {
        await d.refreshAll();
        return d.result();
      }),
    destroy: () =>
      withDeployment(false, async (d) => {
        const all = [...d.current.values()].reverse();
        await d.deleteAll([...all, ...d.pending], () => true);
        return d.result();
      }),
    state: () => loadState(options.stateFile, options.passphrase),
    lastHostOutput: () => hostOutput,
  };
}
