import { getOwn, isPlainObject, jsonEqual, type JsonObject } from "./json";
import { getAt, pathsOverlap, setAt, type KeyPath } from "./keyPaths";
import { collectLeaves, listOwned, type Leaf, type OwnershipTree } from "./ownership";

/**
 * Builds the body of one deep-merge PATCH that sets every leaf of `set` and sends `null` for
 * every path of `remove`. A removal that overlaps a set leaf (the same path, inside it, or
 * around it) is left out: setting that leaf already replaces whatever was there.
 */
export function buildPatch(set: readonly Leaf[], remove: readonly KeyPath[]): JsonObject {
  const patch: JsonObject = {};
  for (const leaf of set) setAt(patch, leaf.path, leaf.value);
  for (const path of remove) if (!reachesValue(patch, path)) setAt(patch, path, null);
  return patch;
}

/**
 * True when the patch already holds a value at `path`, around it (a leaf on the way) or inside
 * it: one walk down the path, so building a patch stays linear in the size of its paths.
 */
function reachesValue(patch: JsonObject, path: KeyPath): boolean {
  let node: JsonObject = patch;
  for (const key of path.slice(0, -1)) {
    const child = getOwn(node, key);
    if (child === undefined) return false;
    if (!isPlainObject(child)) return true;
    node = child as JsonObject;
  }
  return getOwn(node, path[path.length - 1]) !== undefined;
}

/** The patch that makes Clerk hold every declared leaf; declared `null` leaves send `null`. */
export function createPatch(declared: JsonObject): JsonObject {
  return buildPatch(collectLeaves(declared), []);
}

/**
 * The patch that moves a field from what a resource owned (`previouslyOwned`) to a new
 * declaration: every declared leaf is set again (so drift is corrected), and every leaf owned
 * before but no longer declared is removed with `null`, at any depth, except where it overlaps
 * a path in `keep` (a leaf another resource has written).
 */
export function updatePatch(
  previouslyOwned: OwnershipTree,
  declared: JsonObject,
  keep: readonly KeyPath[] = [],
): JsonObject {
  return buildPatch(collectLeaves(declared), removable(previouslyOwned, keep));
}

/** The patch that gives up a field: `null` for every owned leaf that does not overlap `keep`, nothing for anything else. */
export function deletePatch(owned: OwnershipTree, keep: readonly KeyPath[] = []): JsonObject {
  return buildPatch([], removable(owned, keep));
}

/** The owned paths of a tree that overlap no path of `keep`: what a patch may remove. */
export function removable(owned: OwnershipTree, keep: readonly KeyPath[]): KeyPath[] {
  return listOwned(owned)
    .map((leaf) => leaf.path)
    .filter((path) => !keep.some((kept) => pathsOverlap(kept, path)));
}

/**
 * The patch that makes a field hold exactly `declared` when Clerk holds `remote` and offers no
 * replace: every declared leaf Clerk does not already hold is set and every remote key that the declaration does not
 * contain is removed, at any depth (a declared empty object keeps its container), except the
 * paths in `keep` and what lies on the way to them or inside them.
 */
export function exactPatch(
  remote: JsonObject,
  declared: JsonObject,
  keep: readonly KeyPath[] = [],
): JsonObject {
  const changed = collectLeaves(declared).filter((leaf) => !jsonEqual(getAt(remote, leaf.path), leaf.value));
  const patch = buildPatch(changed, undeclaredPaths(remote, declared, keep));
  for (const path of emptyContainers(declared)) {
    if (!isPlainObject(getAt(remote, path)) && getAt(patch, path) === undefined) setAt(patch, path, {});
  }
  return patch;
}

/** The paths of the empty objects inside a declaration: containers that hold no leaf. */
function emptyContainers(declared: JsonObject, prefix: KeyPath = []): KeyPath[] {
  const paths: KeyPath[] = [];
  for (const [key, value] of Object.entries(declared)) {
    if (!isPlainObject(value)) continue;
    const path = [...prefix, key];
    if (Object.keys(value).length === 0) paths.push(path);
    else paths.push(...emptyContainers(value as JsonObject, path));
  }
  return paths;
}

function undeclaredPaths(
  remote: JsonObject,
  declared: JsonObject,
  keep: readonly KeyPath[],
  prefix: KeyPath = [],
): KeyPath[] {
  const paths: KeyPath[] = [];
  for (const [key, value] of Object.entries(remote)) {
    const path = [...prefix, key];
    const wanted = Object.prototype.hasOwnProperty.call(declared, key) ? declared[key] : undefined;
    const kept = keep.filter((k) => pathsOverlap(k, path));
    const undeclared = wanted === undefined || wanted === null;
    if (undeclared && kept.length === 0) paths.push(path);
    else if (undeclared && isPlainObject(value) && kept.every((k) => k.length > path.length))
      paths.push(...undeclaredPaths(value as JsonObject, {}, kept, path));
    else if (isPlainObject(wanted) && isPlainObject(value))
      paths.push(...undeclaredPaths(value as JsonObject, wanted as JsonObject, kept, path));
  }
  return paths;
}

/**
 * True when a patch would change nothing. Patches hold containers only on the way to a leaf,
 * except the empty containers `exactPatch` sends on purpose, so an empty body is the only case.
 */
export function isEmptyPatch(patch: JsonObject): boolean {
  return Object.keys(patch).length === 0;
}
