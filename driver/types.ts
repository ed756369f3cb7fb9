/** A plain JSON-like property bag as exchanged with the provider host (secrets unwrapped). */
export type PropertyMap = Record<string, unknown>;

/** Resource options the driver honours, as captured from a RegisterResourceRequest. */
export interface ResourceOptions {
  /** The `import` option: an existing id to adopt instead of creating. */
  import?: string;
  /** The `retainOnDelete` option: drop from state instead of calling Delete. */
  retainOnDelete?: boolean;
  /** The `deleteBeforeReplace` option. */
  deleteBeforeReplace?: boolean;
  /** The `additionalSecretOutputs` option. */
  additionalSecretOutputs?: string[];
}

/** One resource registration made by a program, with Outputs resolved and secrets unwrapped. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** True for custom resources (the only kind the driver sends to the provider host). */
  custom: boolean;
  /** Parent urn ("" for none). */
  parent: string;
  /** Inputs including `__provider`; unknown values appear as {@link unknownValue}. */
  inputs: PropertyMap;
  /** Top-level input property names the program marked secret. */
  secretInputs: string[];
  /** Urns of resources this one depends on. */
  dependencies: string[];
  options: ResourceOptions;
}

/** The operation a step performed (or would perform in preview). */
export type StepOp = "create" | "update" | "delete" | "replace" | "same" | "read" | "drop" | "import";

/** One changed key path: values are already masked (`[secret]`) where secret. */
export interface ChangedPath {
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
  /** For update/replace (and refresh reads that changed something): what changed, masked. */
  changedPaths?: ChangedPath[];
  /** For replace: the property names that forced the replacement. */
  replaces?: string[];
  /** For replace: true when the old resource was (or would be) deleted first. */
  deleteBeforeReplace?: boolean;
  /** Extra human-readable detail, e.g. "retained" or "not found". */
  detail?: string;
  /** Error message when the step failed. */
  error?: string;
}

/** The structured result of preview/up/refresh/destroy. */
export interface OperationResult {
  steps: StepResult[];
  /** All error messages (step errors and program errors). */
  errors: string[];
  /** True when no error occurred. */
  ok: boolean;
  /** The program's stack exports (plain values, secrets unwrapped), when a program ran. */
  outputs?: PropertyMap;
}
