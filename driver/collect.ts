import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type { AliasSpec, Diagnostic, PropertyMap, Registration, ResourceOptions } from "./types";
import { containsSecret, unknownValue, unwrapSecrets, wireSecret } from "./values";

// Internal runtime modules: the driver needs the raw RegisterResourceRequest (the public mocks unwrap secrets).
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: new (mocks: pulumi.runtime.Mocks) => MockMonitorBase;
};
const runtimeState = require("@pulumi/pulumi/runtime/state") as {
  getStore(): { settings: { monitor: unknown }; leakCandidates: Set<unknown> };
};
const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
const resproto = require("@pulumi/pulumi/proto/resource_pb");

interface MockMonitorBase {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  newUrn(parent: string, type: string, name: string): string;
}

/** What the engine answers to one registration: the resource's id and its (plain) output properties. */
export interface RegisterAnswer {
  /** The id; "" means unknown (preview of a create). */
  id: string;
  /** Output properties; in preview a value equal to `unknownValue` is unknown to the program. */
  outputs: PropertyMap;
  /** Top-level output names to hand back to the program as secrets. */
  secretOutputs: string[];
}

/** A Pulumi program: a module path (resolved from the cwd) or an in-process function. */
export type Program = string | (() => unknown);

/** One stack config value: a plain string or a secret. */
export type ConfigValue = string | { value: string; secret: true };

/** Options for {@link collect}. */
export interface CollectOptions {
  /** Run as a preview (dry run): unresolved outputs are unknown. */
  preview: boolean;
  /** Stack config visible to the program through `pulumi.Config` (keys like `clerk:secretKey`). */
  config?: Record<string, ConfigValue>;
  project?: string;
  stack?: string;
  /**
   * Called once per custom-resource registration, in registration order, possibly concurrently.
   * Its answer is what the program sees as the resource's id and outputs. Default: echo the inputs
   * (id "" in preview, `<name>-id` otherwise).
   */
  onRegister?: (reg: Registration) => Promise<RegisterAnswer>;
}

/** Result of {@link collect}. */
export interface CollectResult {
  /** Custom-resource registrations in the order the program made them. */
  registrations: Registration[];
  /** Stack exports, plain (secrets unwrapped); unknown values are undefined. */
  outputs: PropertyMap;
  /** Program or registration failure, if any (this fails the operation: rules.ts `programFailed`). */
  error?: string;
  /** What the program logged with `pulumi.log.*` (errors included; they do not fail the operation). */
  diagnostics: Diagnostic[];
}

type Callback = (err: unknown, resp?: unknown) => void;

interface RawRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): structproto.Struct | undefined;
  getDependenciesList(): string[];
  getImportid(): string;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  hasRetainondelete?(): boolean;
  getProtect?(): boolean | undefined;
  getIgnorechangesList?(): string[];
  getAliasesList?(): RawAlias[];
}

interface RawAlias {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

/** RegisterResourceRequest.aliases (pulumi/alias.proto) as the SDK 3.248 sends them to a monitor with aliasSpecs. */
function toAliases(list: RawAlias[]): AliasSpec[] {
  return list.map((a) => {
    const spec = a.getSpec();
    if (!spec) return { urn: a.getUrn() };
    const out: AliasSpec = {};
    if (spec.getName()) out.name = spec.getName();
    if (spec.getType()) out.type = spec.getType();
    if (spec.getStack()) out.stack = spec.getStack();
    if (spec.getProject()) out.project = spec.getProject();
    if (spec.getParenturn()) out.parentUrn = spec.getParenturn();
    if (spec.getNoparent()) out.noParent = true;
    return out;
  });
}

/** Reads a registration off the raw request; secrets are recorded by name and unwrapped. */
function toRegistration(urn: string, req: RawRegisterRequest): Registration {
  const raw = (req.getObject()?.toJavaScript() ?? {}) as PropertyMap;
  const secretInputs = Object.keys(raw).filter((k) => containsSecret(raw[k]));
  const options: ResourceOptions = {};
  if (req.getImportid()) options.import = req.getImportid();
  if (req.getRetainondelete()) options.retainOnDelete = true;
  if (req.getDeletebeforereplacedefined()) options.deleteBeforeReplace = req.getDeletebeforereplace();
  const aso = req.getAdditionalsecretoutputsList();
  if (aso.length > 0) options.additionalSecretOutputs = [...aso];
  if (req.getProtect?.()) options.protect = true;
  const ignore = req.getIgnorechangesList?.() ?? [];
  if (ignore.length > 0) options.ignoreChanges = [...ignore];
  const aliases = toAliases(req.getAliasesList?.() ?? []);
  if (aliases.length > 0) options.aliases = aliases;
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent(),
    inputs: unwrapSecrets(raw) as PropertyMap,
    wireInputs: raw,
    secretInputs,
    dependencies: [...new Set(req.getDependenciesList())],
    options,
  };
}

/** Builds the monitor that answers registrations through `onRegister`. */
function makeMonitor(
  onRegister: (reg: Registration) => Promise<RegisterAnswer>,
  registrations: Registration[],
  failures: string[],
): MockMonitorBase {
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: args.id || `${args.name}-id`, state: args.inputs }),
    call: (args) => {
      throw new Error(`invoke ${args.token} is not supported by the driver`);
    },
  };
  const monitor = new MockMonitor(mocks) as MockMonitorBase & {
    registerResource(req: RawRegisterRequest, callback: Callback): Promise<void>;
  };
  // The mock monitor prefixes the root Stack's type to every child urn; the engine does not.
  monitor.newUrn = (parent: string, type: string, name: string) => {
    const parentType = parent ? (parent.split("::")[2] ?? "").split("$").pop() : undefined;
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
  };
  monitor.registerResource = async (req: RawRegisterRequest, callback: Callback) => {
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    try {
      let id = "";
      let object: PropertyMap = {};
      if (req.getCustom()) {
        const reg = toRegistration(urn, req);
        registrations.push(reg);
        const answer = await onRegister(reg);
        id = answer.id;
        for (const [k, v] of Object.entries(answer.outputs)) {
          object[k] = answer.secretOutputs.includes(k) ? wireSecret(v) : v;
        }
      } else {
        object = (req.getObject()?.toJavaScript() ?? {}) as PropertyMap;
      }
      object = JSON.parse(JSON.stringify(object)) as PropertyMap;
      monitor.resources.set(urn, { urn, id, state: object });
      const resp = new resproto.RegisterResourceResponse();
      resp.setUrn(urn);
      resp.setId(id);
      resp.setObject(
        structproto.Struct.fromJavaScript(object as Record<string, structproto.JavaScriptValue>),
      );
      callback(null, resp);
    } catch (err) {
      failures.push(`${urn}: ${err instanceof Error ? err.message : String(err)}`);
      callback(err, undefined);
    }
  };
  return monitor;
}

/**
 * The Pulumi runtime captures `new Error().stack` for every promise it creates (runtime/debuggable.ts
 * `debuggablePromise`, several per resource) and reads it only to print leaked promises when
 * PULUMI_DEBUG_PROMISE_LEAKS is set. Reading `.stack` formats it at once through whatever
 * `Error.prepareStackTrace` is installed; in this process that is usually ts-node's source-map-support,
 * which maps every frame through source maps: about half of the driver's CPU per resource
 * (bench/README.md, "Driver cost (issue 9)"). While a program runs, those captures get one plain
 * frame instead (with PULUMI_DEBUG_PROMISE_LEAKS set, nothing changes); every other stack is
 * formatted by the installed hook as before. Returns the undo.
 */
function plainPromiseStacks(): () => void {
  const installed = Error.prepareStackTrace;
  if (typeof installed !== "function" || process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
  const hook = function (this: unknown, error: Error, frames: NodeJS.CallSite[]): unknown {
    const top = frames[0];
    if (
      top?.getFunctionName() === "debuggablePromise" &&
      /[\\/]runtime[\\/]debuggable\.js$/.test(top.getFileName() ?? "")
    ) {
      // Never read (see above): the caller's frame is kept, unformatted, and nothing else.
      return `${Error.prototype.toString.call(error)}\n    at ${String(frames[1] ?? top)}`;
    }
    return installed.call(this, error, frames);
  };
  Error.prepareStackTrace = hook;
  return () => {
    if (Error.prepareStackTrace === hook) Error.prepareStackTrace = installed;
  };
}

/** Forgets the cached modules of a program so the next `require` re-runs it. */
function clearProgramCache(programPath: string): void {
  const dir = path.dirname(programPath) + path.sep;
  for (const key of Object.keys(require.cache)) {
    if ((key === programPath || key.startsWith(dir)) && !key.includes(`${path.sep}node_modules${path.sep}`)) {
      delete require.cache[key];
    }
  }
}

/** Runs a program's body the way the Pulumi Node.js language host does (CommonJS flavour). */
async function runProgramBody(program: Program): Promise<unknown> {
  if (typeof program === "function") return program();
  const resolved = require.resolve(path.resolve(program));
  clearProgramCache(resolved);
  let exported: unknown = require(resolved);
  const mod = exported as { default?: unknown; __esModule?: boolean };
  if (mod && mod.__esModule && typeof mod.default === "function") exported = mod.default;
  if (typeof exported === "function") exported = await (exported as () => unknown)();
  if (exported && typeof exported === "object" && (exported as { __esModule?: boolean }).__esModule) {
    const copy: PropertyMap = {};
    for (const [k, v] of Object.entries(exported)) if (k !== "default") copy[k] = v;
    exported = copy;
  }
  return exported;
}

/** Default `onRegister`: echo inputs as outputs. */
function echo(preview: boolean): (reg: Registration) => Promise<RegisterAnswer> {
  return async (reg) => ({
    id: preview ? "" : reg.options.import || `${reg.name}-id`,
    outputs: reg.inputs,
    secretOutputs: [...reg.secretInputs, ...(reg.options.additionalSecretOutputs ?? [])],
  });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under Pulumi's mock runtime and returns every custom-resource registration
 * (Outputs resolved, secrets unwrapped and listed in `secretInputs`, unknowns as `unknownValue`)
 * plus the stack exports. Calls are serialized process-wide (the Pulumi runtime is global state),
 * module programs are re-required on every call, and the function never throws: failures are in `error`.
 */
export function collect(program: Program, options: CollectOptions): Promise<CollectResult> {
  const run = queue.then(() => collectNow(program, options));
  queue = run.catch(() => undefined);
  return run;
}

async function collectNow(program: Program, options: CollectOptions): Promise<CollectResult> {
  const registrations: Registration[] = [];
  const failures: string[] = [];
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  await pulumi.runtime.setMocks(
    { newResource: () => ({ id: "", state: {} }), call: () => ({}) },
    project,
    stack,
    options.preview,
  );
  // Registrations the engine is still answering: a failed program is over once none is left.
  let answering = 0;
  const onRegister = options.onRegister ?? echo(options.preview);
  const counted = (reg: Registration) => {
    answering++;
    return onRegister(reg).finally(() => answering--);
  };
  const monitor = makeMonitor(counted, registrations, failures);
  runtimeState.getStore().settings.monitor = monitor;
  const plain: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(options.config ?? {})) {
    plain[k] = typeof v === "string" ? v : v.value;
    if (typeof v !== "string") secretKeys.push(k);
  }
  pulumi.runtime.setAllConfig(plain, secretKeys);
  let outputs: PropertyMap = {};
  let error: string | undefined;
  // What the program logs is kept as diagnostics. `pulumi.log.error` does NOT fail the run: the Node language
  // host's exit code reflects only uncaught errors (sdk/nodejs/cmd/run/index.ts), and the engine only displays
  // error diagnostics (pulumi/pulumi#5085). See rules.ts `programFailed`.
  const diagnostics: Diagnostic[] = [];
  const log = pulumi.log as Record<
    "debug" | "info" | "warn" | "error",
    (msg: string, ...rest: unknown[]) => Promise<void>
  >;
  const originals = { debug: log.debug, info: log.info, warn: log.warn, error: log.error };
  const severities = { debug: "debug", info: "info", warn: "warning", error: "error" } as const;
  // Debug lines are the runtime's own chatter; the engine hides them by default.
  // They go to the result, not to this process's console: the engine sends diagnostics to its display
  // (driver/print.ts shows them), never to the program's stderr.
  for (const level of ["info", "warn", "error"] as const) {
    log[level] = (message: string) => {
      diagnostics.push({ severity: severities[level], message });
      return Promise.resolve();
    };
  }
  // An unhandled rejection or uncaught exception while the program runs fails it, as the Node language host's
  // `uncaughtHandler` does (sdk/nodejs/cmd/run/run.ts: it logs the error and `reportLoggedError` sets the exit
  // code). A rejected resource input reaches it this way: `runAsyncResourceOp` re-raises the failed
  // registration as an unhandled rejection (sdk/nodejs/runtime/resource.ts). Other listeners (a test runner's)
  // are set aside while the program runs, so the failure belongs to the program, not to the caller.
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => {
    if (!uncaught.includes(err)) uncaught.push(err);
  };
  // A program that failed this way may also wait forever (an export of a resource whose input
  // rejected never resolves). The language host does not wait for it: the process ends when its event
  // loop is empty, with a non-zero code (sdk/nodejs/cmd/run/index.ts `uncaughtErrors`, `beforeExitHandler`).
  // The driver's equivalent: once an error is uncaught and no registration is being answered, the program
  // is over.
  let collected = false;
  const overOnceFailed = async (): Promise<undefined> => {
    for (let quiet = 0; quiet < 2 && !collected;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      quiet = uncaught.length > 0 && answering === 0 ? quiet + 1 : 0;
    }
    return undefined;
  };
  const restoreStacks = plainPromiseStacks();
  const events = ["unhandledRejection", "uncaughtException"];
  const emitter = process as unknown as NodeJS.EventEmitter;
  const setAside = events.map((event) => emitter.listeners(event) as ((...args: unknown[]) => void)[]);
  for (const event of events) {
    emitter.removeAllListeners(event);
    emitter.on(event, onUncaught);
  }
  try {
    // Errors are caught inside the stack's init: a rejected Stack initialization also surfaces as an
    // unhandled rejection inside the runtime, which kills a plain Node process.
    let programError: unknown;
    const result = await Promise.race([
      overOnceFailed(),
      pulumi.runtime.runInPulumiStack(async () => {
        try {
          const exported = await runProgramBody(program);
          // `promise()` is internal to @pulumi/pulumi (runInPulumiStack uses it); it rejects if any export does.
          await (
            pulumi.output(exported as pulumi.Input<unknown>) as unknown as { promise(): Promise<unknown> }
          ).promise();
          return exported;
        } catch (err) {
          programError = err;
          return {};
        }
      }),
    ]);
    if (programError !== undefined) throw programError;
    outputs = (unwrapSecrets(result ?? {}) as PropertyMap) ?? {};
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  await Promise.race([overOnceFailed(), runtimeSettings.waitForRPCs()]).catch((err: unknown) => {
    error ??= err instanceof Error ? err.message : String(err);
  });
  collected = true;
  // A failed program leaves promises that will never settle. The language host's process ends there, so
  // the runtime's leak check at exit (sdk/nodejs/runtime/debuggable.ts) belongs to it; in the driver's
  // process it would fail whoever runs next, so this run's leak candidates end with it.
  if (uncaught.length > 0 || error !== undefined) runtimeState.getStore().leakCandidates.clear();
  // Rejections are reported once the microtask queue drains: give them one turn before judging.
  await new Promise((resolve) => setImmediate(resolve));
  events.forEach((event, i) => {
    emitter.removeListener(event, onUncaught);
    for (const listener of setAside[i]) emitter.on(event, listener);
  });
  if (uncaught.length > 0) {
    const messages = uncaught.map((err) => (err instanceof Error ? err.message : String(err)));
    error ??= [...new Set(messages)].join("; ");
  }
  Object.assign(log, originals);
  restoreStacks();
  if (!error && failures.length > 0) error = failures.join("; ");
  for (const [k, v] of Object.entries(outputs)) if (v === unknownValue) outputs[k] = undefined;
  return { registrations, outputs, error, diagnostics };
}
