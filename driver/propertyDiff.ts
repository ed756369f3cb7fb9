import type { ChangedPath, PropertyMap } from "./types";
import { deepEqual, providerKey } from "./values";

/** The placeholder printed instead of a secret value. */
export const secretMask = "[secret]";

/** The placeholder for a path that no longer exists. */
export const removedMarker = "(removed)";

/** The placeholder for a path that did not exist before. */
export const absentMarker = "(none)";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function join(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${safe}` : safe;
}

function walk(base: string, a: unknown, b: unknown, out: ChangedPath[]): void {
  if (deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(join(base, k), a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = join(base, i);
      if (i >= b.length) out.push({ path: p, old: a[i], new: removedMarker });
      else if (i >= a.length) out.push({ path: p, old: absentMarker, new: b[i] });
      else walk(p, a[i], b[i], out);
    }
    return;
  }
  out.push({
    path: base,
    old: a === undefined ? absentMarker : a,
    new: b === undefined ? removedMarker : b,
  });
}

/**
 * Lists every changed leaf path between `olds` and `news` (e.g. `publicMetadata.limits.seats`,
 * `tags[1]`), ignoring `__provider` and key order. Only the top-level keys in `keys` are compared
 * (default: all keys of both). A top-level key listed in `secretKeys` is reported once as
 * `[secret] => [secret]` and its value never appears in the result. Added paths have old `(none)`,
 * removed paths new `(removed)`.
 */
export function diffProperties(
  olds: PropertyMap,
  news: PropertyMap,
  secretKeys: Iterable<string> = [],
  keys?: Iterable<string>,
): ChangedPath[] {
  const secret = new Set(secretKeys);
  const top = [...new Set(keys ?? [...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => k !== providerKey)
    .sort();
  const out: ChangedPath[] = [];
  for (const k of top) {
    if (deepEqual(olds[k], news[k])) continue;
    if (secret.has(k)) {
      out.push({
        path: join("", k),
        old: olds[k] === undefined ? absentMarker : secretMask,
        new: news[k] === undefined ? removedMarker : secretMask,
      });
    } else {
      walk(join("", k), olds[k], news[k], out);
    }
  }
  return out;
}
