/*
 * The engine's rules, one pure function each. Every rule names the file and function of Pulumi's engine
 * (github.com/pulumi/pulumi, tag v3.248.0) it mirrors; `engine.ts` only executes what these decide.
 * The table in driver/README.md maps each rule to its conformance test in test/driver/rules.spec.ts.
 */
import * as os from "os";
import type { AliasSpec, PropertyMap, Registration, ResourceOptions, StepOp } from "./types";
import { deepEqual, isPlainObject, isWireSecret, makeSecret, wireSecret } from "./values";

/** DiffResponse.DiffChanges, as the provider answered (values from @pulumi/pulumi/proto/provider_pb.d.ts). */
export type DiffChanges = "unknown" | "none" | "some";

// ---- import ---------------------------------------------------------------------------------------------

/**
 * Whether a registration is an import: a custom resource with an `import` id and no old state (or an old
 * state with another id). Mirrors pkg/resource/deploy/step_generator.go `continueStepsFromRefresh`
 * (`isImport := goal.Custom && goal.ID != "" && (old == nil || old.External || oldImportID != goal.ID)`).
 */
export function isImport(reg: Registration, old: { id: string; importId?: string } | undefined): boolean {
  const importId = reg.options.import;
  if (!reg.custom || !importId) return false;
  if (!old) return true;
  return (old.importId || old.id) !== importId;
}

/**
 * The Read an import sends: the id alone, no inputs and no state, and no Check or Diff before it.
 * Mirrors pkg/resource/deploy/step.go `ImportStep.Apply` (`prov.Read(ReadRequest{URN, Name, Type, ID:
 * ImportID})`). Pulumi's Node dynamic-provider host then fails, because it finds no `__provider` in
 * the (empty) properties (sdk/nodejs/cmd/dynamic-provider/index.ts `read` → `getProvider`; pulumi/pulumi#3550).
 */
export function importRead(importId: string): { id: string; properties: PropertyMap; inputs: PropertyMap } {
  return { id: importId, properties: {}, inputs: {} };
}

/**
 * What an import's Read answer means. Mirrors step.go `ImportStep.Apply`: no outputs → "resource '<id>'
 * does not exist"; no inputs → "provider does not support importing resources"; otherwise the imported
 * state is the old state the rest of the registration is diffed against (step_generator.go
 * `continueStepsFromImport`), so a difference with the program becomes an ordinary update in the same run.
 */
export function importOutcome(
  importId: string,
  pkg: string,
  read: { id: string; properties?: PropertyMap; inputs?: PropertyMap },
): { error: string } | { id: string; inputs: PropertyMap; outputs: PropertyMap } {
  if (!read.properties || !read.id) return { error: `resource '${importId}' does not exist` };
  if (!read.inputs) {
    return {
      error: `provider does not support importing resources; please try updating the '${pkg}' plugin`,
    };
  }
  return { id: read.id || importId, inputs: read.inputs, outputs: read.properties };
}

// ---- check / diff / step choice ----------------------------------------------------------------------------

/**
 * The olds Check receives: none for a create (or a re-create), the old inputs otherwise.
 * Mirrors step_generator.go `continueStepsFromImport` (`if recreating || wasExternal || ... || old == nil`).
 */
export function checkOlds(old: { inputs: PropertyMap } | undefined): PropertyMap {
  return old ? old.inputs : {};
}

/**
 * Puts the old inputs' values back at each `ignoreChanges` path before Check.
 * Mirrors step_generator.go `processIgnoreChanges` and sdk/go/common/resource/properties_path.go
 * `PropertyPath.Reset` (a path missing in old is deleted from new; intermediate locations are never created;
 * `*` resets every element). Paths that cannot be reset are returned in `invalid` (the engine logs them).
 */
export function applyIgnoreChanges(
  inputs: PropertyMap,
  oldInputs: PropertyMap,
  paths: string[],
): { inputs: PropertyMap; invalid: string[] } {
  const result = structuredClone(inputs) as PropertyMap;
  const invalid: string[] = [];
  for (const text of paths) {
    const path = parsePropertyPath(text);
    if (!path) continue;
    if (!resetPath(path, oldInputs, result, false, false)) invalid.push(text);
  }
  return { inputs: result, invalid };
}

/** Parses `a.b[0]["c.d"]` into keys; mirrors properties_path.go `ParsePropertyPath` (lenient). */
export function parsePropertyPath(text: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ".") i++;
    if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = text.slice(i + 1, close);
      if (inner.startsWith('"')) {
        // Quoted keys may contain "]"; find the closing quote.
        let j = i + 2;
        let key = "";
        while (j < text.length && text[j] !== '"') {
          if (text[j] === "\\") j++;
          key += text[j++];
        }
        if (text[j + 1] !== "]") return undefined;
        out.push(key);
        i = j + 2;
      } else if (inner === "*") {
        out.push("*");
        i = close + 1;
      } else {
        const n = Number(inner);
        if (!Number.isInteger(n)) return undefined;
        out.push(n);
        i = close + 1;
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== "." && text[j] !== "[") j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out.length > 0 ? out : undefined;
}

function unwrap(v: unknown): [unknown, boolean] {
  let secret = false;
  while (isWireSecret(v)) {
    v = v.value;
    secret = true;
  }
  return [v, secret];
}

/** properties_path.go `PropertyPath.reset`, over plain values with wire secrets. Mutates `newRoot`. */
function resetPath(
  path: (string | number)[],
  oldRoot: unknown,
  newRoot: unknown,
  oldSecret: boolean,
  newSecret: boolean,
): boolean {
  if (path.length === 0) return false;
  const [old, os] = unwrap(oldRoot);
  const [nu, ns] = unwrap(newRoot);
  oldSecret ||= os;
  newSecret ||= ns;
  const keep = (v: unknown) => (oldSecret && !newSecret ? makeSecret(v) : v);
  const key = path[0]!;
  const rest = path.slice(1);
  if (typeof key === "number") {
    if (key < 0) return false;
    const oa = Array.isArray(old);
    const na = Array.isArray(nu);
    if (rest.length === 0) {
      if (!oa && !na) return true;
      if (!oa || !na) return false;
      const o = old as unknown[];
      const n = nu as unknown[];
      if (key >= o.length && key >= n.length) return true;
      if (key >= o.length || key >= n.length) return false;
      n[key] = keep(o[key]);
      return true;
    }
    if (!oa || !na) return !oa && !na;
    const o = old as unknown[];
    const n = nu as unknown[];
    if (key >= o.length || key >= n.length) return false;
    return resetPath(rest, o[key], n[key], oldSecret, newSecret);
  }
  if (key === "*") {
    if (rest.length === 0) {
      if (isPlainObject(nu)) {
        if (isPlainObject(old)) {
          for (const k of Object.keys(old)) nu[k] = keep(old[k]);
          for (const k of Object.keys(nu)) if (!(k in old)) delete nu[k];
        }
        return true;
      }
      if (Array.isArray(nu)) {
        if (Array.isArray(old)) {
          for (let i = 0; i < old.length && i < nu.length; i++) nu[i] = keep(old[i]);
          if (old.length !== nu.length) return false;
        }
        return true;
      }
      return false;
    }
    if (isPlainObject(old) && isPlainObject(nu)) {
      for (const k of Object.keys(old)) {
        if (!(k in nu)) return false;
        if (!resetPath(rest, old[k], nu[k], oldSecret, newSecret)) return false;
      }
      return true;
    }
    if (Array.isArray(old) && Array.isArray(nu)) {
      for (let i = 0; i < old.length && i < nu.length; i++) {
        if (!resetPath(rest, old[i], nu[i], oldSecret, newSecret)) return false;
      }
      return old.length === nu.length;
    }
    return false;
  }
  if (rest.length === 0) {
    const has = isPlainObject(old) && key in old;
    if (has) {
      if (!isPlainObject(nu)) return false;
      nu[key] = keep((old as Record<string, unknown>)[key]);
    } else if (isPlainObject(nu)) {
      delete nu[key];
    }
    return true;
  }
  if (!isPlainObject(old) || !isPlainObject(nu)) return !isPlainObject(old) && !isPlainObject(nu);
  const hasOld = key in old;
  const hasNew = key in nu;
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return resetPath(rest, old[key], nu[key], oldSecret, newSecret);
}

/**
 * Whether the provider's Diff answer means a change. DIFF_UNKNOWN falls back to comparing old inputs with
 * the new (ignoreChanges-processed) inputs. Mirrors step_generator.go `diffResource`.
 */
export function diffHasChanges(
  changes: DiffChanges,
  oldInputs: PropertyMap,
  newInputs: PropertyMap,
): boolean {
  if (changes === "unknown") return !deepEqual(oldInputs, newInputs);
  return changes === "some";
}

/**
 * Whether the resource is replaced delete-first: the `deleteBeforeReplace` option, when set (true or an
 * explicit false), overrides the provider's answer. Mirrors step_generator.go `continueStepsFromDiff`
 * (`deleteBeforeReplace := diff.DeleteBeforeReplace; if goal.DeleteBeforeReplace != nil {...}`).
 */
export function deleteBeforeReplace(providerAnswer: boolean, option: boolean | undefined): boolean {
  return option === undefined ? providerAnswer : option;
}

/**
 * A replacement of a resource protected in both the old state and the program is refused.
 * Mirrors step_generator.go `continueStepsFromDiff` (`if new.Protect && old.Protect`).
 */
export function replaceRefusal(urn: string, oldProtect: boolean, newProtect: boolean): string | undefined {
  if (!(oldProtect && newProtect)) return undefined;
  return (
    `unable to replace resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
    "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`"
  );
}

/** What the engine does with one resource it deletes. */
export type DeletePlan = { kind: "refuse"; error: string } | { kind: "retain" } | { kind: "delete" };

/**
 * A protected resource is never deleted (outside a replacement); `retainOnDelete` drops it from state without
 * calling Delete. Mirrors pkg/resource/deploy/step.go `DeleteStep.Apply` (`deleteProtectedError`, `RetainOnDelete`).
 */
export function planDelete(
  urn: string,
  options: Pick<ResourceOptions, "protect" | "retainOnDelete">,
  replacing: boolean,
): DeletePlan {
  if (!replacing && options.protect) {
    return {
      kind: "refuse",
      error:
        `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, ` +
        "either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, " +
        `or use the command:\n\`pulumi state unprotect '${urn}'\``,
    };
  }
  if (options.retainOnDelete) return { kind: "retain" };
  return { kind: "delete" };
}

/**
 * A refused delete of a protected resource does not stop the other steps (the operation still fails).
 * Mirrors pkg/resource/deploy/step_executor.go `cancelDueToError` (`errors.As(err, &deleteProtectedError{})`).
 */
export function errorStopsDeployment(kind: "protected-delete" | "step"): boolean {
  return kind !== "protected-delete";
}

// ---- aliases --------------------------------------------------------------------------------------------------

/**
 * The urn an alias stands for. Mirrors step_generator.go `collapseAliasToUrn` (a urn alias as is; otherwise
 * name/type/parent/project/stack default to the resource's own; a parent that was itself aliased stands for
 * its old urn; `noParent` or a root-stack parent means none).
 */
export function collapseAlias(
  alias: AliasSpec,
  reg: { name: string; type: string; parent: string },
  project: string,
  stack: string,
  parentAliases: ReadonlyMap<string, string>,
): string {
  if (alias.urn) return alias.urn;
  const name = alias.name || reg.name;
  const type = alias.type || reg.type;
  let parent = alias.parentUrn || reg.parent;
  if (alias.parentUrn && parentAliases.has(alias.parentUrn)) parent = parentAliases.get(alias.parentUrn)!;
  if (alias.noParent || qualifiedType(parent) === "pulumi:pulumi:Stack") parent = "";
  return createUrn(name, type, parent, alias.project || project, alias.stack || stack);
}

/** The qualified type of a urn (`Parent$Child` for children of components). */
export function qualifiedType(urn: string): string {
  return urn ? (urn.split("::")[2] ?? "") : "";
}

/** Mirrors sdk/go/common/resource/urn.go `CreateURN`. */
export function createUrn(
  name: string,
  type: string,
  parent: string,
  project: string,
  stack: string,
): string {
  const parentType = parent ? qualifiedType(parent) : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Finds the old state a registration continues: by its urn first, then by each alias (including the alias
 * inherited from an aliased parent, `inheritedChildAlias`). Mirrors step_generator.go `getOldResource` and
 * `generateAliases`. An old urn claimed twice is an error (`GetDuplicateResourceAliasError`).
 */
export function resolveOld<T>(
  urn: string,
  aliasUrns: string[],
  olds: ReadonlyMap<string, T>,
  claimed: ReadonlyMap<string, string>,
  seen: { has(urn: string): boolean },
): { old?: T; oldUrn?: string; error?: string } {
  const direct = olds.get(urn);
  if (direct) return { old: direct, oldUrn: urn };
  for (const alias of aliasUrns) {
    const old = olds.get(alias);
    if (!old) continue;
    if (seen.has(alias) || claimed.has(alias)) {
      return {
        error: `Duplicate resource alias '${alias}' applied to resource with URN '${urn}' conflicting with resource with URN '${claimed.get(alias) ?? alias}'`,
      };
    }
    return { old, oldUrn: alias };
  }
  return {};
}

/**
 * The alias a child inherits from its parent's alias. Mirrors step_generator.go `inheritedChildAlias`
 * (a child name prefixed by the parent's name gets the parent's old name as prefix).
 */
export function inheritedChildAlias(
  childType: string,
  childName: string,
  parentName: string,
  parentAlias: string,
  project: string,
  stack: string,
): string {
  const aliasName = childName.startsWith(parentName)
    ? urnName(parentAlias) + childName.slice(parentName.length)
    : childName;
  const parentType = qualifiedType(parentAlias);
  const qualified =
    parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${childType}` : childType;
  return `urn:pulumi:${stack}::${project}::${qualified}::${aliasName}`;
}

/** The name part of a urn. */
export function urnName(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

// ---- refresh ------------------------------------------------------------------------------------------------

/**
 * The state a refresh keeps. Read receives the id, the old inputs and the old outputs; the old inputs stay
 * unless Read returned inputs; the outputs are replaced; an empty id means the resource is gone.
 * Mirrors pkg/resource/deploy/step.go `RefreshStep.Apply`.
 */
export function refreshedState(
  old: { id: string; inputs: PropertyMap; outputs: PropertyMap },
  read: { id: string; properties: PropertyMap; inputs?: PropertyMap },
): { deleted: true } | { deleted: false; id: string; inputs: PropertyMap; outputs: PropertyMap } {
  if (!read.id) return { deleted: true };
  return { deleted: false, id: read.id, inputs: read.inputs ?? old.inputs, outputs: read.properties };
}

/**
 * The op a refresh step counts as in `pulumi refresh`: delete when gone, same when the provider's Diff (with
 * the refreshed inputs/outputs as olds and the old inputs as news, then inverted) finds nothing, update
 * otherwise. Mirrors step.go `RefreshStep.ResultOp` and the `diffResource` call in `RefreshStep.Apply`.
 */
export function refreshResultOp(deleted: boolean, diffChanged: boolean): StepOp {
  if (deleted) return "delete";
  return diffChanged ? "update" : "same";
}

/**
 * Whether a step counts as a change for `--expect-no-changes` and the summary. Refresh steps are not
 * logical steps outside `pulumi refresh`, so `preview --refresh` / `up --refresh` never count them; in
 * `pulumi refresh` they count as their result op. Same and read steps never count.
 * Mirrors pkg/engine/update.go (`op, record := step.Op(), step.Logical()`; `isRefresh`) and `HasChanges`.
 */
export function countsAsChange(
  step: { op: StepOp; refresh?: boolean; refreshResult?: StepOp },
  isRefreshOperation: boolean,
): boolean {
  let op: StepOp = step.op;
  if (step.refresh) {
    if (!isRefreshOperation) return false;
    op = step.refreshResult ?? "same";
  }
  return op !== "same" && op !== "read";
}

/**
 * `--expect-no-changes` fails an operation whose counted changes are not empty.
 * Mirrors pkg/cmd/pulumi/operations/{preview,up,refresh}.go (`expectNop && changes != nil && engine.HasChanges(changes)`,
 * `backenderr.NoChangesExpectedError`).
 */
export function expectNoChangesError(
  operation: "preview" | "update" | "refresh" | "destroy",
  changed: number,
): string | undefined {
  return changed > 0 ? `no changes were expected but changes were proposed (${operation})` : undefined;
}

/**
 * The phases `up` runs: without `--skip-preview`, a preview and then the update, each with its own refresh
 * when `--refresh` is set. Mirrors pkg/cmd/pulumi/operations/up.go and pkg/backend/apply.go `PreviewThenPromptThenExecute`.
 */
export function upPhases(skipPreview: boolean): ("preview" | "update")[] {
  return skipPreview ? ["update"] : ["preview", "update"];
}

// ---- config and the default provider -------------------------------------------------------------------------

/** One stack config value as the driver is given it. */
export type ConfigInput = string | { value: string; secret: true };

/** The default provider of dynamic resources: its urn (pkg/resource/deploy/default_providers.go). */
export function defaultProviderUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`;
}

/**
 * The default `pulumi-nodejs` provider's inputs: the whole stack config, keys kept namespaced, secrets marked
 * secret. Mirrors pkg/resource/deploy/target.go `GetPackageConfig` (`isDynamicProvider(pkg)`: full config,
 * `result[k.String()]`, `WithSecret(c.Secure())`) called from default_providers.go `newRegisterDefaultProviderEvent`.
 */
export function packageConfig(config: Record<string, ConfigInput>): PropertyMap {
  const out: PropertyMap = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" ? v : wireSecret(v.value);
  return out;
}

/**
 * Which provider config an operation configures the provider with: a program run (preview/up) registers the
 * default provider from the current config; refresh and destroy (and the refresh before an up) load the
 * provider recorded in the state. Mirrors pkg/resource/deploy/deployment.go `EnsureProvider` (loads the old
 * provider resource from `d.prev` and `SameProvider`s it with its recorded inputs) and
 * deployment_executor.go `refresh`.
 */
export function configSource(phase: "program" | "refresh" | "destroy"): "current" | "recorded" {
  return phase === "program" ? "current" : "recorded";
}

// ---- program outcome -----------------------------------------------------------------------------------------

/**
 * Whether the program failed the operation: an exception, a rejected output or a failed registration does;
 * `pulumi.log.error` alone does not (the Node language host's exit code only reflects uncaught errors:
 * sdk/nodejs/cmd/run/index.ts `uncaughtErrors`; the engine only displays error diagnostics, pulumi/pulumi#5085).
 */
export function programFailed(outcome: { error?: string; loggedErrors: string[] }): boolean {
  return outcome.error !== undefined;
}

// ---- parallelism -----------------------------------------------------------------------------------------------

/**
 * The CLI's default `--parallel`: `PULUMI_PARALLEL` when set, else 4 × GOMAXPROCS (the CPU count).
 * Mirrors pkg/cmd/pulumi/operations/up.go `defaultParallel`; pkg/resource/deploy/deployment.go
 * `DegreeOfParallelism` treats values ≤ 1 as 1.
 */
export function defaultParallel(env: NodeJS.ProcessEnv = process.env): number {
  const p = Number(env.PULUMI_PARALLEL);
  if (Number.isInteger(p) && p > 0) return Math.min(p, 2147483647);
  return (os.availableParallelism?.() ?? os.cpus().length) * 4;
}

/** Mirrors deployment.go `Options.DegreeOfParallelism`. */
export function degreeOfParallelism(parallel: number): number {
  return parallel <= 1 ? 1 : parallel;
}

/**
 * Check and Diff run in the step generator, which handles one registration event at a time, unless
 * PULUMI_PARALLEL_DIFF is set. Mirrors deployment_executor.go `Execute` (the single event loop calling
 * `handleSingleEvent`) and step_generator.go `diff` (`if !sg.deployment.opts.ParallelDiff`).
 */
export function generatorConcurrency(parallelDiff: boolean, parallel: number): number {
  return parallelDiff ? parallel : 1;
}

// ---- secrets -----------------------------------------------------------------------------------------------------

/**
 * After a step: each `additionalSecretOutputs` name becomes secret, and an output whose same-named input is
 * secret becomes secret (top level). Mirrors pkg/resource/deploy/step_executor.go `continueExecuteStep`.
 * (Deeper re-marking happens on the provider answer: values.ts `annotateSecrets`.)
 */
export function markSecretOutputs(
  outputs: PropertyMap,
  inputs: PropertyMap,
  additional: string[] = [],
): PropertyMap {
  const result: PropertyMap = { ...outputs };
  for (const k of additional) {
    if (k !== "id" && k in result && !isWireSecret(result[k])) result[k] = wireSecret(result[k]);
  }
  for (const [k, out] of Object.entries(result)) {
    if (!isWireSecret(out) && isWireSecret(inputs[k])) result[k] = wireSecret(out);
  }
  return result;
}

// ---- failures -------------------------------------------------------------------------------------------------

/**
 * What a failed step leaves in state: a failed create nothing, a failed update the old state, a failed delete
 * the resource. Mirrors step.go `CreateStep.Apply`/`UpdateStep.Apply`/`DeleteStep.Apply` (errors return
 * before the snapshot mutation) — partial-create init errors are not modelled.
 */
export function stateAfterFailure(op: "create" | "update" | "delete"): "nothing" | "old" {
  return op === "create" ? "nothing" : "old";
}

/**
 * After a step fails, no new step starts (in-flight ones finish), and the deletes of resources no longer in the
 * program never run (they are generated after the program's events, only when no error stopped the loop).
 * Mirrors step_executor.go `executeChain` (`case <-se.ctx.Done()`) / `cancelDueToError` and
 * deployment_executor.go `Execute` (`performPostSteps` after the main loop).
 */
export function runsAfterFailure(kind: "new-step" | "in-flight" | "deletes"): boolean {
  return kind === "in-flight";
}

/**
 * When deletes run: replaced resources (create-before-delete) and removed ones after every create and update,
 * dependents first. Mirrors step_generator.go `GenerateDeletes` / `ScheduleDeletes` (called from
 * deployment_executor.go `performPostSteps`).
 */
export function deletesRunLast(): true {
  return true;
}
