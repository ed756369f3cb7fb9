/** A JSON value as Clerk stores it in a metadata field. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object: the shape of every metadata field. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * The value Pulumi sends for an input that is not known yet (during preview). Equal to
 * `pulumi.runtime.unknownValue`; kept here as a literal so the pure core does not load Pulumi.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True exactly for Pulumi's unknown-value sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** True when `value` is a plain object (`{}` or `Object.create(null)`), not an array, class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `value` holds Pulumi's unknown-value sentinel anywhere inside it. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isPlainObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Deep equality of JSON values in which key order never matters and arrays compare
 * position by position.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Sets `object[key] = value` as an own, enumerable data property, even for the key `"__proto__"`
 * (a plain assignment would change the object's prototype instead).
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value of `object`'s own property `key`, or `undefined`; never an inherited one. */
export function getOwn(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
