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
  /** The `protect` option. */
  protect?: boolean;
  /** The `ignoreChanges` option: property paths whose old input values are kept. */
  ignoreChanges?: string[];
  /** The `aliases` option, as the SDK sends it (a urn or a spec). */
  aliases?: AliasSpec[];
}

/** One alias as sent in RegisterResourceRequest.aliases (pulumi/alias.proto): a urn, or a spec. */
export interface AliasSpec {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
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
  /** Inputs including `__provider`, secrets unwrapped; unknown values appear as {@link unknownValue}. */
  inputs: PropertyMap;
  /** The same inputs with secrets still wrapped (`{4dabf…: 1b47…, value}`) at any depth. */
  wireInputs?: PropertyMap;
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
  /** add, delete or update (absent in results from older drivers). */
  kind?: "add" | "delete" | "update";
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
  /** The engine's property diff for the printout (secret leaves masked). */
  diff?: import("./propertyDiff").ObjectDiff;
  /** True for a refresh step (op "read" or "drop"); `refreshResult` is what it counts as in `pulumi refresh`. */
  refresh?: boolean;
  refreshResult?: StepOp;
}

/** A diagnostic the program logged (`pulumi.log.*`) or the engine issued. */
export interface Diagnostic {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn?: string;
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
  /** Diagnostics: `pulumi.log.error` lands here and does not fail the run (rules.ts `programFailed`). */
  diagnostics: Diagnostic[];
  /** Steps by op as the engine's summary counts them (rules.ts `countsAsChange`), `same` included. */
  changes: Partial<Record<StepOp, number>>;
  /** Which operation produced the result. */
  operation?: "preview" | "update" | "refresh" | "destroy";
}
