import type { JsonValue, Metadata } from "./types";

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Metadata {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets an own enumerable property, even for keys such as `__proto__` that plain assignment mishandles. */
function setOwn(target: Metadata, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of a JSON value; the result shares nothing with the input. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isJsonObject(value)) {
    const out: Metadata = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, cloneJson(item));
    return out as T;
  }
  return value;
}

/**
 * Clerk's metadata merge (`PATCH …/metadata`), RFC 7396 style: objects merge recursively, `null`
 * removes a key at any depth (a `null` under a container that is absent or not an object yields an
 * empty container), arrays and scalars replace whatever was there. Pure: never mutates `before` or
 * `patch`, and the result shares no objects with either.
 */
export function mergeMetadata(
  before: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Metadata {
  const out = cloneJson(before as Metadata);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else if (isJsonObject(value)) {
      const existing = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
      setOwn(out, key, mergeMetadata(isJsonObject(existing) ? existing : {}, value));
    } else {
      setOwn(out, key, cloneJson(value as JsonValue));
    }
  }
  return out;
}
