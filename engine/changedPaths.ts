/**
 * The changed leaf paths between two property bags as the engine's events carry them (secrets
 * already `[secret]`): the same comparison Pulumi's display makes when a provider returns no
 * detailed diff (sdk/go/common/resource/properties_diff.go `PropertyMap.Diff`, internal keys such
 * as `__provider` ignored via `IsInternalPropertyKey`). Pure.
 */
import type { ChangedPath } from "./types";

/** Shown as the old value of a path that did not exist before. */
export const absentMarker = "(none)";

/** Shown as the new value of a path that no longer exists. */
export const removedMarker = "(removed)";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${safe}` : safe;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

function walk(path: string, a: unknown, b: unknown, out: ChangedPath[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) out.push({ kind: "add", path, old: absentMarker, new: b });
  else if (b === undefined) out.push({ kind: "delete", path, old: a, new: removedMarker });
  else if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(join(path, key), a[key], b[key], out);
    }
  } else if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(join(path, i), a[i], b[i], out);
  } else if (!same(a, b)) out.push({ kind: "update", path, old: a, new: b });
}

/**
 * Every changed leaf path from `olds` to `news`, sorted by path, ignoring keys that start with `__`
 * and key order. Added paths have old `(none)`, removed paths new `(removed)`.
 */
export function changedPaths(olds: Record<string, unknown>, news: Record<string, unknown>): ChangedPath[] {
  const out: ChangedPath[] = [];
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => !k.startsWith("__"))
    .sort();
  for (const key of keys) walk(join("", key), olds[key], news[key], out);
  return out;
}
