/** What a lifecycle operation run through the real Pulumi CLI reports, in the shape tests assert on. */

/** A plain JSON-like property bag (secrets unwrapped where the caller asked for them). */
export type PropertyMap = Record<string, unknown>;

/**
 * A step as the engine reported it (`resourcePreEvent`): Pulumi's own op names, with two folds:
 * a refresh step is `read`, or `drop` when the refresh found the resource gone; and a replacement
 * is one `replace` step (the engine's `create-replacement`/`replace`/`delete-replaced` triple).
 */
export type StepOp = "create" | "update" | "delete" | "replace" | "same" | "read" | "drop" | "import";

/** One changed key path, from the engine's detailed diff; secret values are `[secret]` as the engine shows them. */
export interface ChangedPath {
  kind: string;
  path: string;
  old: unknown;
  new: unknown;
}

/** The outcome of one engine step. */
export interface StepResult {
  urn: string;
  name: string;
  type: string;
  op: StepOp;
  /** For update/replace and refresh reads that changed something: the engine's detailed diff. */
  changedPaths?: ChangedPath[];
  /** For replace: the property names that forced the replacement. */
  replaces?: string[];
  /** The error the engine reported for this step, when it failed. */
  error?: string;
}

/** A diagnostic the engine printed (a program's `pulumi.log.*`, a provider's message or the engine's own). */
export interface Diagnostic {
  severity: "debug" | "info" | "info#err" | "warning" | "error";
  message: string;
  urn?: string;
}

/** The structured result of one CLI operation. */
export interface OperationResult {
  operation: "preview" | "update" | "refresh" | "destroy";
  /** True when the CLI exited 0. */
  ok: boolean;
  steps: StepResult[];
  /** Error diagnostics, step failures and, when the CLI failed without one, its stderr. */
  errors: string[];
  diagnostics: Diagnostic[];
  /** The engine's summary: steps by op, `same` included. */
  changes: Record<string, number>;
  /** What the CLI printed on stdout: Pulumi's own display. */
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds the CLI ran. */
  elapsedMs: number;
}

/** A resource of the stack as `pulumi stack export --show-secrets` holds it. */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  /** Top-level output names that are secrets in state (ciphertext in the backend's files). */
  secretOutputs: string[];
  protect: boolean;
  /** The provider reference (`urn::id`). */
  provider?: string;
}

/** The stack's state: resources of the program and the default providers, and pending operations. */
export interface StackState {
  resources: ResourceState[];
  providers: ResourceState[];
  pendingOperations: { type: string; urn: string }[];
  /** The untouched export, as the CLI printed it (secrets in plaintext: tests only). */
  raw: unknown;
}
