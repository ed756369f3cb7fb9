import * as crypto from "crypto";
import { collect, type ConfigValue, type Program, type RegisterAnswer } from "./collect";
import { ProviderHost, type HostOptions } from "./host";
import { Limiter, runOrdered } from "./limiter";
import { flattenDiff, objectDiff } from "./propertyDiff";
import { stepSymbols } from "./print";
import { annotateSecrets, clone, deepEqual, unwrapSecrets } from "./values";
import * as rules from "./rules";
import {
  loadState,
  publicState,
  saveState,
  type ProviderState,
  type ResourceState,
  type SaveCache,
  type StackState,
} from "./state";
import type { Diagnostic, OperationResult, PropertyMap, Registration, StepOp, StepResult } from "./types";

/** Options for {@link createStack}. */
export interface StackOptions {
  /** Path of the JSON state file (created on the first successful step). */
  stateFile: string;
  /** Stack config, e.g. `{ "clerk:secretKey": { value: "sk_…", secret: true } }`. */
  config?: Record<string, ConfigValue>;
  /** Passphrase for secrets in the state file (default: env `PULUMI_CONFIG_PASSPHRASE`, else the test default). */
  passphrase?: string;
  /** Maximum number of provider steps in flight (default: the CLI's, rules.ts `defaultParallel`). */
  parallel?: number;
  /** Run Diff in parallel like PULUMI_PARALLEL_DIFF=true (default: env PULUMI_PARALLEL_DIFF, else false). */
  parallelDiff?: boolean;
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
  /** Refresh (Read every resource) before planning, like `--refresh`. */
  refresh?: boolean;
  /** Fail the operation when it counts any change, like `--expect-no-changes` (rules.ts `countsAsChange`). */
  expectNoChanges?: boolean;
  /** `up` only: skip the preview the CLI runs first (default false, like the CLI). */
  skipPreview?: boolean;
}

/** Options for refresh and destroy. */
export interface StateOperationOptions {
  expectNoChanges?: boolean;
}

/** A stack driven by the driver engine. Operations on one stack run one at a time. */
export interface Stack {
  /** Plans the program: Check/Diff (and Read for refresh/import) only; state is never written. */
  preview(program: Program, options?: PlanOptions): Promise<OperationResult>;
  /**
   * Applies the program. Like `pulumi up`, runs a preview first unless `skipPreview` (each phase with its own
   * refresh when `refresh` is set); a failed preview stops it. The result is the update's (`preview` holds the
   * preview's result).
   */
  up(program: Program, options?: PlanOptions): Promise<OperationResult & { preview?: OperationResult }>;
  /** Reads every resource with the recorded provider config and stores what it reports. */
  refresh(options?: StateOperationOptions): Promise<OperationResult>;
  /** Deletes every resource in reverse dependency order, with the recorded provider config. */
  destroy(options?: StateOperationOptions): Promise<OperationResult>;
  /** The current state (values plain, secret names listed). */
  state(): StackState;
  /** stdout+stderr of the host the last operation started itself ("" when using `options.host`). */
  lastHostOutput(): string;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The shortest time between two state writes (rewriting a large state after every step is quadratic). */
const saveIntervalMs = 100;

const providerType = "pulumi:providers:pulumi-nodejs";

/** A planned step for one registration: the generator's decision, executed later (step_generator.go → step_executor.go). */
type Plan =
  | { op: "create"; inputs: PropertyMap }
  | { op: "same"; old: ResourceState; inputs: PropertyMap }
  | { op: "update"; old: ResourceState; inputs: PropertyMap }
  | { op: "replace"; old: ResourceState; inputs: PropertyMap; deleteFirst: boolean };

class StepError extends Error {}

/** One operation's mutable world: the working state, the host, and the steps taken. */
class Deployment {
  private lastSave = 0;
  private pendingSave: NodeJS.Timeout | undefined;
  readonly steps: StepResult[] = [];
  readonly errors: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  failed = false;
  /** The old state by urn (what the program's registrations are matched against). */
  readonly olds = new Map<string, ResourceState>();
  /** The working state: old resources not yet touched and new ones, by urn. */
  readonly current = new Map<string, ResourceState>();
  pending: (ResourceState & { fromEarlierRun?: boolean })[] = [];
  readonly registered: string[] = [];
  private readonly registeredSet = new Set<string>();
  /** old urn → new urn, for old urns claimed through an alias (step_generator.go `aliased`). */
  private readonly claimed = new Map<string, string>();
  /** new urn → old urn it continues (step_generator.go `aliases`). */
  private readonly aliasOf = new Map<string, string>();
  readonly limiter: Limiter;
  readonly generator: Limiter;
  private readonly saveCache: SaveCache = new WeakMap();
  providers: ProviderState[];

  constructor(
    public host: ProviderHost,
    readonly dryRun: boolean,
    readonly opts: StackOptions,
    initial: StackState,
    readonly operation: "preview" | "update" | "refresh" | "destroy",
  ) {
    const parallel = this.parallel;
    this.limiter = new Limiter(parallel);
    const parallelDiff = opts.parallelDiff ?? /^(1|true)$/i.test(process.env.PULUMI_PARALLEL_DIFF ?? "");
    this.generator = new Limiter(rules.generatorConcurrency(parallelDiff, parallel));
    this.providers = initial.providers ?? [];
    for (const r of initial.resources) {
      if (r.pendingDelete) this.pending.push({ ...r, fromEarlierRun: true });
      else {
        this.olds.set(r.urn, r);
        this.current.set(r.urn, r);
      }
    }
  }

  get parallel(): number {
    return rules.degreeOfParallelism(this.opts.parallel ?? rules.defaultParallel());
  }

  get project(): string {
    return this.opts.project ?? "project";
  }

  get stackName(): string {
    return this.opts.stack ?? "stack";
  }

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
    const providers = resources.length > 0 ? this.providers : [];
    return { resources, providers };
  }

  save(): void {
    if (this.dryRun) return;
    const wait = this.lastSave + saveIntervalMs - Date.now();
    if (wait <= 0) this.writeNow();
    else this.pendingSave ??= setTimeout(() => this.writeNow(), wait);
  }

  flush(): void {
    if (this.pendingSave) this.writeNow();
  }

  writeNow(): void {
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    this.lastSave = Date.now();
    saveState(this.opts.stateFile, this.snapshot(), this.opts.passphrase, this.saveCache);
  }

  record(step: StepResult, stops = true): void {
    this.steps.push(step);
    if (step.error) {
      this.errors.push(`${step.urn}: ${step.error}`);
      if (stops) this.failed = true;
    }
    const line = `${stepSymbols[step.op]} ${step.op} ${step.urn}${step.detail ? ` (${step.detail})` : ""}`;
    this.opts.log?.(step.error ? `${line} failed: ${step.error}` : line);
  }

  /** The default provider's reference, recording it (with the current config as inputs) when it is new or changed. */
  providerRef(config: PropertyMap): string {
    const urn = rules.defaultProviderUrn(this.project, this.stackName);
    let p = this.providers.find((x) => x.urn === urn);
    if (!p || !deepEqual(p.inputs, config)) {
      p = { urn, id: p?.id ?? crypto.randomUUID(), type: providerType, inputs: config };
      this.providers = [...this.providers.filter((x) => x.urn !== urn), p];
    }
    return `${p.urn}::${p.id}`;
  }

  // ---- refresh ----

  /** Refreshes every resource of the old state (deployment_executor.go `refresh`; step.go `RefreshStep.Apply`). */
  async refreshAll(persist: boolean): Promise<void> {
    const items = [...this.current.values()];
    await runOrdered(
      items,
      () => [],
      this.parallel,
      async (r) => {
        if (this.failed) return;
        const step: StepResult = { urn: r.urn, name: r.name, type: r.type, op: "read", refresh: true };
        try {
          const read = await this.host.read(
            r.urn,
            r.id,
            unwrapSecrets(r.outputs) as PropertyMap,
            unwrapSecrets(r.inputs) as PropertyMap,
          );
          // provider_plugin.go `Read`: annotateSecrets(newInputs, req.Inputs); annotateSecrets(newState, req.State).
          const answer = {
            id: read.id,
            properties: annotateSecrets(read.properties, r.outputs),
            inputs: read.inputs ? annotateSecrets(read.inputs, r.inputs) : undefined,
          };
          const next = rules.refreshedState(r, answer);
          if (next.deleted) {
            this.current.delete(r.urn);
            this.olds.delete(r.urn);
            step.op = "drop";
            step.detail = "not found; removed from state";
            step.refreshResult = rules.refreshResultOp(true, false);
          } else {
            // RefreshStep.Apply: diffResource(new inputs/outputs as olds, old inputs as news), inverted.
            const diff = await this.host.diff(
              r.urn,
              next.id,
              unwrapSecrets(next.outputs) as PropertyMap,
              unwrapSecrets(r.inputs) as PropertyMap,
              unwrapSecrets(next.inputs) as PropertyMap,
            );
            const changed = rules.diffHasChanges(
              diff.changes,
              unwrapSecrets(next.inputs) as PropertyMap,
              unwrapSecrets(r.inputs) as PropertyMap,
            );
            step.refreshResult = rules.refreshResultOp(false, changed);
            // object_diff.go getResourcePropertiesDetails: a refresh step (new outputs present) shows old vs new outputs.
            step.diff = objectDiff(r.outputs, next.outputs);
            const paths = flattenDiff(step.diff);
            if (paths.length > 0) step.changedPaths = paths;
            if (!deepEqual(next.inputs, r.inputs)) step.detail = "inputs updated";
            const state: ResourceState = { ...r, id: next.id, inputs: next.inputs, outputs: next.outputs };
            this.current.set(r.urn, state);
            this.olds.set(r.urn, state);
          }
          if (persist) this.save();
        } catch (err) {
          step.error = errorText(err);
        }
        this.record(step);
      },
    );
  }

  // ---- registrations ----

  private answer(state: ResourceState): RegisterAnswer {
    return { id: state.id, outputs: state.outputs, secretOutputs: [] };
  }

  /** What the program sees when no step ran for it (after a failure). */
  private passthrough(reg: Registration): RegisterAnswer {
    const old = this.current.get(reg.urn) ?? this.olds.get(this.aliasOf.get(reg.urn) ?? "");
    if (old) return this.answer(old);
    return { id: "", outputs: reg.wireInputs ?? reg.inputs, secretOutputs: [] };
  }

  private aliasUrns(reg: Registration): string[] {
    const out = new Set<string>();
    for (const a of reg.options.aliases ?? []) {
      out.add(rules.collapseAlias(a, reg, this.project, this.stackName, this.aliasOf));
    }
    const parentAlias = reg.parent ? this.aliasOf.get(reg.parent) : undefined;
    if (parentAlias) {
      const parentName = rules.urnName(reg.parent);
      out.add(
        rules.inheritedChildAlias(reg.type, reg.name, parentName, parentAlias, this.project, this.stackName),
      );
      for (const a of reg.options.aliases ?? []) {
        const child = rules.collapseAlias(a, reg, this.project, this.stackName, this.aliasOf);
        const childType = rules.qualifiedType(child).split("$").pop() ?? reg.type;
        out.add(
          rules.inheritedChildAlias(
            childType,
            rules.urnName(child),
            parentName,
            parentAlias,
            this.project,
            this.stackName,
          ),
        );
      }
    }
    return [...out];
  }

  async register(reg: Registration, config: PropertyMap): Promise<RegisterAnswer> {
    if (this.registeredSet.has(reg.urn)) {
      this.errors.push(`${reg.urn}: Duplicate resource URN '${reg.urn}'; try giving it a unique name`);
      this.failed = true;
      return this.passthrough(reg);
    }
    this.registeredSet.add(reg.urn);
    this.registered.push(reg.urn);
    if (this.failed) return this.passthrough(reg);
    const step: StepResult = { urn: reg.urn, name: reg.name, type: reg.type, op: "create" };
    try {
      const answer = await this.registerStep(reg, step, config);
      if (answer === undefined) return this.passthrough(reg);
      this.record(step);
      return answer;
    } catch (err) {
      step.error = errorText(err);
      this.record(step);
      return this.passthrough(reg);
    }
  }

  private async registerStep(
    reg: Registration,
    step: StepResult,
    config: PropertyMap,
  ): Promise<RegisterAnswer | undefined> {
    const wireNews = reg.wireInputs ?? reg.inputs;
    const provider = this.providerRef(config);
    const resolved = rules.resolveOld(
      reg.urn,
      this.aliasUrns(reg),
      this.olds,
      this.claimed,
      this.registeredSet,
    );
    if (resolved.error) throw new StepError(resolved.error);
    let old = resolved.old;
    if (old && resolved.oldUrn && resolved.oldUrn !== reg.urn) {
      this.claimed.set(resolved.oldUrn, reg.urn);
      this.aliasOf.set(reg.urn, resolved.oldUrn);
    }

    if (rules.isImport(reg, old)) {
      step.op = "import";
      // ImportStep is executed by the step executor, in preview too.
      const imported = await this.limiter.run(async () => {
        if (this.failed) return undefined;
        const req = rules.importRead(reg.options.import!);
        const read = await this.host.read(reg.urn, req.id, req.properties, req.inputs);
        const outcome = rules.importOutcome(req.id, "pulumi-nodejs", {
          ...read,
          properties: read.id ? read.properties : undefined,
        });
        if ("error" in outcome) throw new StepError(outcome.error);
        return outcome;
      });
      if (!imported) return undefined;
      old = this.newState(reg, imported.id, imported.inputs, imported.outputs, provider);
      old.importId = reg.options.import;
      if (!this.dryRun) {
        this.current.set(reg.urn, old);
        this.save();
      }
    }

    const plan = await this.generator.run(() => this.planStep(reg, step, old, wireNews));
    if (plan === undefined) return undefined;
    if (plan.op === "same") {
      const prev = plan.old;
      if (step.op !== "import") step.op = "same";
      const state: ResourceState = {
        ...this.newState(reg, prev.id, plan.inputs, prev.outputs, provider),
        importId: prev.importId,
      };
      if (this.dryRun) return this.answer(state);
      this.replaceCurrent(reg.urn, state);
      return this.answer(state);
    }
    if (this.dryRun) {
      if (plan.op === "create" || plan.op === "replace")
        return { id: "", outputs: plan.inputs, secretOutputs: [] };
      return { id: plan.old.id, outputs: { ...plan.old.outputs, ...plan.inputs }, secretOutputs: [] };
    }
    return this.limiter.run(async () => {
      if (this.failed) return undefined;
      return this.execute(reg, plan, provider);
    });
  }

  /** The step generator's part for one registration: Check, Diff and the choice of step (no side effects). */
  private async planStep(
    reg: Registration,
    step: StepResult,
    old: ResourceState | undefined,
    wireNews: PropertyMap,
  ): Promise<Plan | undefined> {
    if (this.failed) return undefined;
    let news = wireNews;
    if (old && reg.options.ignoreChanges?.length) {
      const ignored = rules.applyIgnoreChanges(news, old.inputs, reg.options.ignoreChanges);
      news = ignored.inputs;
      if (ignored.invalid.length > 0) {
        this.diagnostics.push({
          severity: "info",
          urn: reg.urn,
          message: `cannot ignore changes in added or removed elements of the path: ${JSON.stringify(ignored.invalid.join(", "))}`,
        });
      }
    }
    const checked = await this.check(reg, rules.checkOlds(old), news);
    if (!old) return { op: "create", inputs: checked };

    const diff = await this.host.diff(
      reg.urn,
      old.id,
      unwrapSecrets(old.outputs) as PropertyMap,
      unwrapSecrets(checked) as PropertyMap,
      unwrapSecrets(old.inputs) as PropertyMap,
    );
    const importing = step.op === "import";
    const changed =
      diff.replaces.length > 0 ||
      rules.diffHasChanges(
        diff.changes,
        unwrapSecrets(old.inputs) as PropertyMap,
        unwrapSecrets(checked) as PropertyMap,
      );
    if (!changed) return { op: "same", old, inputs: checked };

    // object_diff.go: no detailedDiff from the dynamic host, so the display compares old inputs with new inputs.
    step.diff = objectDiff(old.inputs, checked);
    step.changedPaths = flattenDiff(step.diff);
    if (!importing) step.op = "update";
    if (diff.replaces.length > 0) {
      step.op = "replace";
      step.replaces = diff.replaces;
      const refusal = rules.replaceRefusal(
        reg.urn,
        old.options.protect === true,
        reg.options.protect === true,
      );
      if (refusal) throw new StepError(refusal);
      if (reg.options.import) {
        throw new StepError(
          "previously-imported resources that still specify an ID may not be replaced; please remove the `import` declaration from your program",
        );
      }
      const deleteFirst = rules.deleteBeforeReplace(
        diff.deleteBeforeReplace,
        reg.options.deleteBeforeReplace,
      );
      if (deleteFirst) step.deleteBeforeReplace = true;
      // continueStepsFromDiff: a replacement re-checks without olds so defaults are recomputed.
      const fresh = await this.check(reg, {}, wireNews);
      return { op: "replace", old, inputs: fresh, deleteFirst };
    }
    return { op: "update", old, inputs: checked };
  }

  private async check(reg: Registration, olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
    const res = await this.host.check(
      reg.urn,
      unwrapSecrets(olds) as PropertyMap,
      unwrapSecrets(news) as PropertyMap,
    );
    if (res.failures.length > 0) {
      throw new StepError(
        `check failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    // provider_plugin.go `Check`: annotateSecrets(inputs, req.News).
    return annotateSecrets(res.inputs, news);
  }

  /** The step executor's part: the provider call and the state it leaves (step.go `*Step.Apply`). */
  private async execute(reg: Registration, plan: Plan, provider: string): Promise<RegisterAnswer> {
    if (plan.op === "create") return this.answer(await this.create(reg, plan.inputs, provider));
    const old = plan.old;
    if (plan.op === "update") {
      const res = await this.host.update(
        reg.urn,
        old.id,
        unwrapSecrets(old.outputs) as PropertyMap,
        unwrapSecrets(plan.inputs) as PropertyMap,
        unwrapSecrets(old.inputs) as PropertyMap,
      );
      const state: ResourceState = {
        ...this.newState(reg, old.id, plan.inputs, annotateSecrets(res.properties, plan.inputs), provider),
        importId: old.importId,
      };
      this.replaceCurrent(reg.urn, state);
      return this.answer(state);
    }
    if (plan.op !== "replace") throw new Error(`unexpected plan ${plan.op}`);
    if (plan.deleteFirst) {
      const del = rules.planDelete(old.urn, old.options, true);
      if (del.kind === "delete") {
        await this.deleteInHost(old);
      }
      this.current.delete(old.urn);
      this.save();
      return this.answer(await this.create(reg, plan.inputs, provider));
    }
    const state = await this.create(reg, plan.inputs, provider, () =>
      this.pending.push({ ...old, pendingDelete: true }),
    );
    return this.answer(state);
  }

  /** Deletes the resource through the host, with its stored outputs and inputs unwrapped (step.go `DeleteStep.Apply`). */
  private deleteInHost(r: ResourceState): Promise<unknown> {
    return this.host.delete(
      r.urn,
      r.id,
      unwrapSecrets(r.outputs) as PropertyMap,
      unwrapSecrets(r.inputs) as PropertyMap,
    );
  }

  /**
   * Creates the resource (step.go `CreateStep.Apply`) and puts its state in place; `beforeRecord`
   * runs just before, for a create-before-delete replacement to keep the old copy as pending.
   */
  private async create(
    reg: Registration,
    inputs: PropertyMap,
    provider: string,
    beforeRecord?: () => void,
  ): Promise<ResourceState> {
    const created = await this.host.create(reg.urn, unwrapSecrets(inputs) as PropertyMap);
    const state = this.newState(
      reg,
      created.id,
      inputs,
      annotateSecrets(created.properties, inputs),
      provider,
    );
    beforeRecord?.();
    this.replaceCurrent(reg.urn, state);
    return state;
  }

  /** Puts a resource's new state in place of its old one (under its old urn when it came through an alias). */
  private replaceCurrent(urn: string, state: ResourceState): void {
    const oldUrn = this.aliasOf.get(urn);
    if (oldUrn && oldUrn !== urn) this.current.delete(oldUrn);
    const prev = this.current.get(urn);
    if (prev && deepEqual(prev, state)) return;
    this.current.set(urn, state);
    this.save();
  }

  private newState(
    reg: Registration,
    id: string,
    inputs: PropertyMap,
    outputs: PropertyMap,
    provider: string,
  ): ResourceState {
    const marked = rules.markSecretOutputs(outputs, inputs, reg.options.additionalSecretOutputs);
    return {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      id,
      parent: reg.parent || undefined,
      inputs,
      outputs: marked,
      secretInputs: [],
      secretOutputs: [],
      dependencies: reg.dependencies,
      options: reg.options,
      provider,
    };
  }

  // ---- deletions ----

  /** Deletes `items` dependents-first; `withStep(r)` decides whether a successful delete is reported. */
  async deleteAll(items: ResourceState[], withStep: (r: ResourceState) => boolean): Promise<void> {
    // Index dependents once (a scan per resource would be quadratic).
    const byUrn = new Map<string, ResourceState[]>();
    for (const r of items) for (const d of r.dependencies) (byUrn.get(d) ?? byUrn.set(d, []).get(d)!).push(r);
    const dependents = (r: ResourceState) => byUrn.get(r.urn)?.filter((x) => x !== r) ?? [];
    await runOrdered(items, dependents, this.parallel, async (r) => {
      if (this.failed) return;
      const step: StepResult = { urn: r.urn, name: r.name, type: r.type, op: "delete" };
      if (r.pendingDelete) step.detail = "replaced resource";
      const plan = rules.planDelete(r.urn, r.options, false);
      let stops = true;
      try {
        if (plan.kind === "refuse") {
          stops = rules.errorStopsDeployment("protected-delete");
          throw new StepError(plan.error);
        }
        if (plan.kind === "retain") {
          step.op = "drop";
          step.detail = "retained: removed from state without deleting";
        } else if (!this.dryRun) {
          await this.deleteInHost(r);
        }
        if (r.pendingDelete) this.pending = this.pending.filter((p) => p !== r);
        else this.current.delete(r.urn);
        this.save();
      } catch (err) {
        step.error = errorText(err);
      }
      if (step.error || withStep(r)) this.record(step, stops);
    });
  }

  /** Resources of the old state that no registration claimed (by urn or alias), newest first. */
  gone(): ResourceState[] {
    return [...this.current.values()]
      .filter((r) => !this.registeredSet.has(r.urn) && !this.claimed.has(r.urn))
      .reverse();
  }

  result(expectNoChanges: boolean, outputs?: PropertyMap): OperationResult {
    const changes: Partial<Record<StepOp, number>> = {};
    let changed = 0;
    const isRefresh = this.operation === "refresh";
    for (const s of this.steps) {
      if (s.error) continue;
      if (s.refresh && !isRefresh) continue; // not a logical step outside `pulumi refresh`
      let op: StepOp = s.refresh ? (s.refreshResult ?? "same") : s.op;
      if (op === "drop") op = "delete"; // a retained delete is still a DeleteStep
      if (op === "read") continue;
      changes[op] = (changes[op] ?? 0) + 1;
      if (rules.countsAsChange({ op }, isRefresh)) changed++;
    }
    if (expectNoChanges) {
      const err = rules.expectNoChangesError(this.operation, changed);
      if (err) this.errors.push(err);
    }
    return {
      steps: this.steps,
      errors: this.errors,
      ok: this.errors.length === 0,
      outputs,
      diagnostics: this.diagnostics,
      changes,
      operation: this.operation,
    };
  }
}

/**
 * Creates a stack bound to a state file. The returned operations play the Pulumi engine's part against
 * the real dynamic-provider host; they never throw for provider or program errors (see `result.ok`).
 */
export function createStack(options: StackOptions): Stack {
  let queue: Promise<unknown> = Promise.resolve();
  let hostOutput = "";
  const currentConfig = rules.packageConfig(options.config ?? {});

  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** The config the recorded default provider was configured with (rules.ts `configSource`). */
  const recordedConfig = (state: StackState): PropertyMap => {
    const urn = rules.defaultProviderUrn(options.project ?? "project", options.stack ?? "stack");
    return state.providers?.find((p) => p.urn === urn)?.inputs ?? currentConfig;
  };

  const withDeployment = (
    dryRun: boolean,
    operation: "preview" | "update" | "refresh" | "destroy",
    fn: (d: Deployment, useConfig: (config: PropertyMap) => Promise<void>) => Promise<OperationResult>,
  ) =>
    serialized(async () => {
      const initial = loadState(options.stateFile, options.passphrase);
      const started: ProviderHost[] = [];
      let configured: PropertyMap | undefined;
      const deployment = new Deployment(
        undefined as unknown as ProviderHost,
        dryRun,
        options,
        clone(initial),
        operation,
      );
      // The engine configures a provider from the config it is loaded with; the host configures each provider
      // once per process, so a different config needs a fresh host (when the stack owns its hosts).
      const useConfig = async (config: PropertyMap) => {
        if (configured && deepEqual(configured, config)) return;
        if (configured && !options.host) {
          const host = await ProviderHost.start({ project: options.project, ...options.hostOptions });
          started.push(host);
          deployment.host = host;
        } else if (!configured) {
          deployment.host =
            options.host ?? (await ProviderHost.start({ project: options.project, ...options.hostOptions }));
          if (!options.host) started.push(deployment.host);
        }
        configured = config;
        await deployment.host.configure(config);
      };
      try {
        return await fn(deployment, useConfig);
      } finally {
        deployment.flush();
        if (started.length > 0) {
          const outputs: string[] = [];
          for (const h of started) {
            await h.stop();
            outputs.push(h.output());
          }
          hostOutput = outputs.join("");
        }
      }
    });

  const plan =
    (dryRun: boolean) =>
    (program: Program, planOptions: PlanOptions = {}) =>
      withDeployment(dryRun, dryRun ? "preview" : "update", async (d, useConfig) => {
        const expect = planOptions.expectNoChanges === true;
        if (planOptions.refresh) {
          await useConfig(recordedConfig({ resources: [], providers: d.providers }));
          await d.refreshAll(!dryRun);
          if (d.failed) return d.result(expect);
        }
        await useConfig(currentConfig);
        const collected = await collect(program, {
          preview: dryRun,
          config: options.config,
          project: options.project,
          stack: options.stack,
          onRegister: (reg) => d.register(reg, currentConfig),
        });
        d.diagnostics.push(...collected.diagnostics);
        if (rules.programFailed({ error: collected.error, loggedErrors: [] })) {
          d.errors.push(`program failed: ${collected.error}`);
          d.failed = true;
        }
        if (!d.failed) {
          await d.deleteAll(
            [...d.gone(), ...d.pending],
            (r) => !r.pendingDelete || (r as { fromEarlierRun?: boolean }).fromEarlierRun === true,
          );
        }
        d.save();
        return d.result(expect, collected.outputs);
      });

  const preview = plan(true);
  const update = plan(false);

  return {
    preview,
    up: async (program, planOptions = {}) => {
      let previewResult: OperationResult | undefined;
      for (const phase of rules.upPhases(planOptions.skipPreview === true)) {
        if (phase === "preview") {
          // The CLI's preview before an update does not apply --expect-no-changes (up.go checks the update's changes).
          previewResult = await preview(program, { ...planOptions, expectNoChanges: false });
          if (!previewResult.ok) return { ...previewResult, preview: previewResult };
        } else {
          const result = await update(program, planOptions);
          return previewResult ? { ...result, preview: previewResult } : result;
        }
      }
      throw new Error("unreachable");
    },
    refresh: (opts = {}) =>
      withDeployment(false, "refresh", async (d, useConfig) => {
        await useConfig(recordedConfig({ resources: [], providers: d.providers }));
        await d.refreshAll(true);
        return d.result(opts.expectNoChanges === true);
      }),
    destroy: (opts = {}) =>
      withDeployment(false, "destroy", async (d, useConfig) => {
        await useConfig(recordedConfig({ resources: [], providers: d.providers }));
        const all = [...d.current.values()].reverse();
        await d.deleteAll([...all, ...d.pending], () => true);
        return d.result(opts.expectNoChanges === true);
      }),
    state: () => publicState(loadState(options.stateFile, options.passphrase)),
    lastHostOutput: () => hostOutput,
  };
}
