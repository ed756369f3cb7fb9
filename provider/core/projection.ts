import { setOwn, type JsonObject, type JsonValue } from "./json";
import { getAt, setAt } from "./keyPaths";
import { listOwned, type OwnershipTree } from "./ownership";

/**
 * What Clerk holds at the paths a resource owns, and nothing else: a path missing in Clerk is
 * left out, except an `"absent"` leaf, which reads as `null` (the declared state). Foreign keys
 * never appear, so they can never show as drift.
 */
export function projectOwned(remote: JsonObject, owned: OwnershipTree): JsonObject {
  const projection: JsonObject = {};
  for (const { path, mark } of listOwned(owned)) {
    const value = getAt(remote, path) as JsonValue | undefined;
    if (value !== undefined) setAt(projection, path, value);
    else if (mark === "absent") setAt(projection, path, null);
  }
  return projection;
}

/** A declaration with its `null` leaves removed: what a field holds once the declaration is applied whole. */
export function withoutNulls(declared: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(declared)) {
    if (value === null) continue;
    setOwn(
      result,
      key,
      typeof value === "object" && !Array.isArray(value) ? withoutNulls(value as JsonObject) : value,
    );
  }
  return result;
}
