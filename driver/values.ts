/** The sentinel Pulumi uses on the wire for a value that is not known during preview (one definition, tested against Pulumi's). */
export { unknownValue } from "../provider/core/json";

/** The special-signature key Pulumi uses to tag wire objects (secrets, assets, resource refs). */
export const specialSigKey = "4dabf18193072939515e22adb298388d";

/** The signature value marking a secret. */
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** The input that carries the serialized dynamic provider. */
export const providerKey = "__provider";

/** True iff `v` is a Pulumi wire-format secret wrapper `{sig: secretSig, value}`. */
export function isWireSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === secretSig;
}

/** Wraps `value` in Pulumi's wire-format secret envelope. */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: secretSig, value };
}

/**
 * Recursively removes wire-format secret envelopes, returning plain values.
 * The result never contains a secret wrapper; the input is not modified.
 */
export function unwrapSecrets(v: unknown): unknown {
  if (isWireSecret(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrapSecrets(x);
    return out;
  }
  return v;
}

/** True iff `v` contains a wire-format secret anywhere. */
export function containsSecret(v: unknown): boolean {
  if (isWireSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

/** Structural equality of JSON-like values, ignoring object key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A deep copy of a JSON-like value (undefined properties dropped). */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A value of the JSON-like object kind (not an array, not null, not a secret envelope). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isWireSecret(v);
}

/**
 * Marks outputs secret where the provider was sent secret inputs: the engine strips secrets before a
 * provider that answered acceptSecrets=false sees them, and re-marks the answer by property name, at any
 * depth (objects are walked; any other value whose input contains a secret becomes secret as a whole).
 * Mirrors sdk/go/common/resource/plugin/provider_plugin.go `annotateSecrets` (applied after Check,
 * Create, Read and Update). Returns a new map; `outs` is not modified.
 */
export function annotateSecrets(
  outs: Record<string, unknown>,
  ins: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...outs };
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in result)) continue;
    const outValue = result[key];
    if (isPlainObject(outValue) && isPlainObject(inValue)) {
      result[key] = annotateSecrets(outValue, inValue);
    } else if (!isWireSecret(outValue) && containsSecret(inValue)) {
      result[key] = wireSecret(outValue);
    }
  }
  return result;
}

/** Wraps `v` as a secret unless it already is one (resource.MakeSecret on a non-secret value). */
export function makeSecret(v: unknown): unknown {
  return isWireSecret(v) ? v : wireSecret(v);
}
