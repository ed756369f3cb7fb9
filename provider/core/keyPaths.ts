import { getOwn, isPlainObject, setOwn } from "./json";

/** A path to a key inside a metadata field: one object key per level (arrays are leaves). */
export type KeyPath = readonly string[];

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a property path the way people read it: `publicMetadata.limits.seats`,
 * `publicMetadata.tags[1]`, and `publicMetadata["a.b"]` for keys that are not identifiers.
 */
export function formatPath(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (identifier.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The value at `path` inside `root`, or `undefined` when some key on the way is missing or not an object. */
export function getAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Sets `value` at `path` inside `root`, creating (or replacing non-object values by) containers on
 * the way. Every key, `"__proto__"` included, is set as an own property.
 */
export function setAt<T>(root: { [key: string]: T | object }, path: KeyPath, value: T): void {
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(getOwn(node, key))) setOwn(node, key, {});
    node = getOwn(node, key) as Record<string, unknown>;
  }
  setOwn(node, path[path.length - 1], value);
}

/** True when one path equals the other or lies inside it (the empty path overlaps every path). */
export function pathsOverlap(a: KeyPath, b: KeyPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
