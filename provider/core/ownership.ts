import { isPlainObject, type JsonObject, type JsonValue } from "./json";
import { setAt, type KeyPath } from "./keyPaths";

/** How a resource owns a leaf: it sets a value there (`"set"`) or requires the key to be absent (`"absent"`). */
export type LeafMark = "set" | "absent";

/**
 * The leaf paths a resource owns in one metadata field, as a tree: containers are objects,
 * owned leaves are marks. Empty containers own nothing and are never present.
 */
export interface OwnershipTree {
  [key: string]: OwnershipTree | LeafMark;
}

/** One declared leaf: its path inside the field and the value it must hold (`null` = absent). */
export interface Leaf {
  path: KeyPath;
  value: JsonValue;
}

/** Every leaf of a declared metadata object, depth first; plain objects are containers, never leaves. */
export function collectLeaves(declared: JsonObject, prefix: KeyPath = []): Leaf[] {
  const leaves: Leaf[] = [];
  for (const [key, value] of Object.entries(declared)) {
    const path = [...prefix, key];
    if (isPlainObject(value)) leaves.push(...collectLeaves(value as JsonObject, path));
    else leaves.push({ path, value });
  }
  return leaves;
}

/** The ownership tree of a declaration: every leaf it declares, marked `"absent"` where it declares `null`. */
export function ownershipOf(declared: JsonObject): OwnershipTree {
  const tree: OwnershipTree = {};
  for (const leaf of collectLeaves(declared)) {
    setAt(tree, leaf.path, leaf.value === null ? "absent" : "set");
  }
  return tree;
}

/** The owned leaf paths of a tree with their marks, depth first. */
export function listOwned(tree: OwnershipTree, prefix: KeyPath = []): { path: KeyPath; mark: LeafMark }[] {
  const owned: { path: KeyPath; mark: LeafMark }[] = [];
  for (const [key, node] of Object.entries(tree)) {
    const path = [...prefix, key];
    if (typeof node === "string") owned.push({ path, mark: node });
    else owned.push(...listOwned(node, path));
  }
  return owned;
}
