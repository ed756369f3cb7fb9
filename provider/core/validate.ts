import {
  containsUnknown,
  isPlainObject,
  isUnknown,
  setOwn,
  unknownValue,
  type JsonObject,
  type JsonValue,
} from "./json";
import { declarationErrorOf } from "./declarationError";
import { isWellFormedId, type KindSpec } from "./kinds";
import { formatPath } from "./keyPaths";

/** A rejected input: the full property path and what is wrong with it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * The limits every metadata field must fit. `maxBytes` is Clerk's ("Metadata is limited to 8KB
 * maximum", applied here per field, the reading that is certain to hold); `maxDepth` is this
 * provider's own, not Clerk's: it bounds the provider's recursive walks, far beyond any real
 * declaration.
 */
export const metadataLimits = {
  /** Clerk's limit on the JSON of one metadata field, in bytes. */
  maxBytes: 8192,
  /** The deepest nesting the provider accepts (its own limit): the field object itself is level 1. */
  maxDepth: 64,
} as const;

/** Checks one identity input; returns the failures (none when it is a well-formed id or unknown). */
export function validateId(property: string, value: unknown, prefix: string): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (value === undefined || value === null || value === "")
    return [{ property, reason: `is required: the ${prefix}… id of the entity` }];
  if (typeof value !== "string")
    return [{ property, reason: `must be a string, got ${describeValue(value)}` }];
  if (!/^[A-Za-z0-9_]+$/.test(value))
    return [{ property, reason: `must contain only letters, digits and "_", got ${JSON.stringify(value)}` }];
  if (!isWellFormedId(value, prefix))
    return [{ property, reason: `must be an id that starts with "${prefix}", got ${JSON.stringify(value)}` }];
  return [];
}

/**
 * Checks one metadata field and returns its normalized value (object keys whose value is
 * `undefined` dropped, as JSON drops them) with every failure found. `undefined` means the
 * field is not declared. Unknown values pass through anywhere.
 */
export function validateMetadata(
  property: string,
  value: unknown,
): { value: JsonObject | undefined; failures: CheckFailure[] } {
  if (value === undefined || isUnknown(value)) return { value: value as undefined, failures: [] };
  if (!isPlainObject(value)) {
    return {
      value: undefined,
      failures: [{ property, reason: `must be a plain JSON object, got ${describeValue(value)}` }],
    };
  }
  const scan: Scan = {
    root: property,
    failures: [],
    ancestors: new Set(),
    isDeferred: () => false,
    shape: true,
  };
  const normalized = normalize(value, [], scan) as JsonObject;
  if (scan.failures.length === 0 && !containsUnknown(normalized)) {
    const bytes = Buffer.byteLength(JSON.stringify(normalized), "utf8");
    if (bytes > metadataLimits.maxBytes) {
      scan.failures.push({
        property,
        reason:
          `is ${bytes} bytes of JSON, over this provider's check of at most ${metadataLimits.maxBytes} bytes per field: ` +
          'Clerk documents only "Metadata is limited to 8KB maximum", not whether per field or for all fields together',
      });
    }
  }
  return { value: normalized, failures: scan.failures };
}

/**
 * The values inside a declared metadata field that are not JSON at all (`NaN`, `Infinity`,
 * `BigInt`, functions, symbols, `undefined` in arrays, `Date`s and other class instances,
 * cycles), with the same paths and reasons as `validateMetadata`. Pulumi's serialization would
 * change or drop these before `check` could see them; everything else (the field's shape, keys,
 * depth, size) is left to `check`. Values for which `isDeferred` is true (a program's Outputs and
 * promises) are skipped.
 */
export function findNonJsonValues(
  property: string,
  value: unknown,
  isDeferred: (value: unknown) => boolean,
): CheckFailure[] {
  if (!isPlainObject(value)) return [];
  const scan: Scan = { root: property, failures: [], ancestors: new Set(), isDeferred, shape: false };
  normalize(value, [], scan);
  return scan.failures;
}

/** One walk over a metadata field: where it is, what was found, and which rules apply. */
interface Scan {
  root: string;
  failures: CheckFailure[];
  ancestors: Set<object>;
  isDeferred: (value: unknown) => boolean;
  /** Also apply the shape rule (depth), not only "is this JSON". */
  shape: boolean;
}

function normalize(value: unknown, path: (string | number)[], scan: Scan): JsonValue | undefined {
  if (scan.isDeferred(value)) return unknownValue;
  const fail = (reason: string) => {
    scan.failures.push({ property: formatPath(scan.root, path), reason });
    return undefined;
  };
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : fail(`must be a finite number, got ${String(value)}`);
    case "bigint":
      return fail("must be a JSON number; BigInt is not allowed");
    case "function":
      return fail("must be a JSON value; functions are not allowed");
    case "symbol":
      return fail("must be a JSON value; symbols are not allowed");
    case "undefined":
      return fail("must not be undefined inside an array; use null");
  }
  if (value === null) return null;
  const object = value as object;
  const { ancestors } = scan;
  if (ancestors.has(object)) return fail("contains a cycle: it refers to one of its own parents");
  if (scan.shape && path.length + 1 > metadataLimits.maxDepth)
    return fail(
      `is nested deeper than ${metadataLimits.maxDepth} levels, this provider's own limit (Clerk states none)`,
    );
  if (Array.isArray(object)) {
    ancestors.add(object);
    const items = object.map((item, i) => normalize(item, [...path, i], scan));
    ancestors.delete(object);
    return items as JsonValue[];
  }
  if (!isPlainObject(object)) return fail(`must be a plain JSON value, got ${describeValue(object)}`);
  ancestors.add(object);
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === undefined) continue;
    const normalized = normalize(item, [...path, key], scan);
    if (normalized !== undefined) setOwn(result, key, normalized);
  }
  ancestors.delete(object);
  return result;
}

/**
 * Names the type of a rejected value for a failure message, never its content (it may be secret).
 * Not called `describe`: when Pulumi serializes the provider by value it skips free variables
 * whose name is a global of the serializing process, and test runners (mocha, jest) make
 * `describe` a global, so the host would see `describe is not defined`.
 */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : "an object with a custom prototype";
  }
  if (typeof value === "bigint") return "a BigInt";
  return `a ${typeof value}`;
}

/** The inputs every kind takes that are true or false. */
const booleanInputs = ["authoritative", "adopt"] as const;

/**
 * Validates and normalizes the inputs of a resource of kind `spec` without any network call:
 * ids well-formed with the right prefix, metadata fields plain JSON objects within Clerk's
 * limits, `authoritative` and `adopt` booleans, no unknown properties. `__provider` passes through. A
 * failure the program process found (a conflict, a failed lookup), carried by `__provider` (see
 * `declarationError.ts`), is the one failure reported, on the resource as a whole.
 */
export function checkInputs(
  spec: KindSpec,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const declarationError = declarationErrorOf(news.__provider);
  if (declarationError !== undefined)
    return { inputs: {}, failures: [{ property: "", reason: declarationError }] };
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = {};
  const known = new Set<string>([
    "__provider",
    ...booleanInputs,
    ...spec.idFields.map((f) => f.name),
    ...spec.metadataFields,
  ]);
  for (const key of Object.keys(news)) {
    if (!known.has(key) && news[key] !== undefined) {
      failures.push({
        property: key,
        reason: `is not an input of ${spec.resourceType}; expected one of ${[...known].filter((k) => k !== "__provider").join(", ")}`,
      });
    }
  }
  if ("__provider" in news) inputs.__provider = news.__provider;
  for (const field of spec.idFields) {
    failures.push(...validateId(field.name, news[field.name], field.prefix));
    inputs[field.name] = news[field.name];
  }
  for (const field of spec.metadataFields) {
    const checked = validateMetadata(field, news[field]);
    failures.push(...checked.failures);
    if (checked.value !== undefined) inputs[field] = checked.value;
  }
  for (const name of booleanInputs) {
    const value = news[name];
    if (value === undefined) continue;
    if (typeof value !== "boolean" && !isUnknown(value))
      failures.push({ property: name, reason: `must be true or false, got ${describeValue(value)}` });
    inputs[name] = value;
  }
  return { inputs, failures: failures.map(withoutPrintedValue) };
}

/**
 * A failure on the whole of `privateMetadata`, or on an input the resource does not take, named on
 * the resource instead: the engine prints the named top-level input's value beside the reason
 * (pkg/resource/deploy/step_generator.go `issueCheckFailures`, v3.248.0), and a secret prints as its
 * plaintext there. Deeper paths are not top-level inputs, so nothing is printed for them.
 */
function withoutPrintedValue(failure: CheckFailure): CheckFailure {
  const { property, reason } = failure;
  const secretOrUnknown = property === "privateMetadata" || reason.startsWith("is not an input of");
  return secretOrUnknown ? { property: "", reason: `${property}: ${reason}` } : failure;
}
