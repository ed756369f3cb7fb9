import type { ChangedPath, PropertyMap } from "./types";
import { deepEqual, isPlainObject, isWireSecret } from "./values";

/** The placeholder printed instead of a secret value. */
export const secretMask = "[secret]";

/** The placeholder for a path that no longer exists. */
export const removedMarker = "(removed)";

/** The placeholder for a path that did not exist before. */
export const absentMarker = "(none)";

/** One property's difference; every value in it is already masked (secret leaves are `[secret]`). */
export type ValueDiff =
  | { kind: "add"; value: unknown }
  | { kind: "delete"; value: unknown }
  | { kind: "update"; old: unknown; new: unknown }
  | { kind: "object"; diff: ObjectDiff }
  | { kind: "array"; items: Record<number, ValueDiff> };

/** The changed keys of an object, in key order. */
export type ObjectDiff = Record<string, ValueDiff>;

/** Replaces every wire secret (at any depth) with `[secret]`. */
export function mask(v: unknown): unknown {
  if (isWireSecret(v)) return secretMask;
  if (Array.isArray(v)) return v.map(mask);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mask(x);
    return out;
  }
  return v;
}

/**
 * The engine ignores internal keys (those starting with `__`, e.g. `__provider`) when it diffs properties for
 * display: sdk/go/common/resource/properties.go `IsInternalPropertyKey`, used by object_diff.go `printOldNewDiffs`.
 */
function isInternalKey(k: string): boolean {
  return k.startsWith("__");
}

/** sdk/go/common/resource/properties_diff.go `PropertyValue.Diff`, over plain values with wire secrets. */
function valueDiff(a: unknown, b: unknown): ValueDiff | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    const items: Record<number, ValueDiff> = {};
    let any = false;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= b.length) items[i] = { kind: "delete", value: mask(a[i]) };
      else if (i >= a.length) items[i] = { kind: "add", value: mask(b[i]) };
      else {
        const d = valueDiff(a[i], b[i]);
        if (!d) continue;
        items[i] = d;
      }
      any = true;
    }
    return any ? { kind: "array", items } : undefined;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const diff = objectDiff(a, b);
    return diff ? { kind: "object", diff } : undefined;
  }
  if (deepEqual(a, b)) return undefined;
  return { kind: "update", old: mask(a), new: mask(b) };
}

/**
 * The engine's diff of two property maps (sdk/go/common/resource/properties_diff.go `PropertyMap.Diff` with
 * `IgnoreKeyFunc(IsInternalPropertyKey)`), undefined when equal. Secrets are compared by value and printed
 * masked: the result never holds a secret value.
 */
export function objectDiff(olds: PropertyMap, news: PropertyMap): ObjectDiff | undefined {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((k) => !isInternalKey(k))
    .sort();
  const out: ObjectDiff = {};
  let any = false;
  for (const k of keys) {
    const o = olds[k];
    const n = news[k];
    let d: ValueDiff | undefined;
    if (o === undefined && n !== undefined) d = { kind: "add", value: mask(n) };
    else if (o !== undefined && n === undefined) d = { kind: "delete", value: mask(o) };
    else d = valueDiff(o, n);
    if (d) {
      out[k] = d;
      any = true;
    }
  }
  return any ? out : undefined;
}

function join(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${safe}` : safe;
}

function flattenValue(path: string, d: ValueDiff, out: ChangedPath[]): void {
  switch (d.kind) {
    case "add":
      out.push({ path, old: absentMarker, new: d.value });
      break;
    case "delete":
      out.push({ path, old: d.value, new: removedMarker });
      break;
    case "update":
      out.push({ path, old: d.old, new: d.new });
      break;
    case "object":
      for (const [k, v] of Object.entries(d.diff)) flattenValue(join(path, k), v, out);
      break;
    case "array":
      for (const [i, v] of Object.entries(d.items)) flattenValue(join(path, Number(i)), v, out);
      break;
  }
}

/** The changed leaf paths of a diff (`a.b[1]: old => new`), values masked. */
export function flattenDiff(diff: ObjectDiff | undefined): ChangedPath[] {
  const out: ChangedPath[] = [];
  for (const [k, v] of Object.entries(diff ?? {})) flattenValue(join("", k), v, out);
  return out;
}

/**
 * Lists every changed leaf path between `olds` and `news` (values with wire secrets), ignoring internal keys
 * and key order; secret values never appear (they are `[secret]`). Added paths have old `(none)`, removed
 * paths new `(removed)`.
 */
export function diffProperties(olds: PropertyMap, news: PropertyMap): ChangedPath[] {
  return flattenDiff(objectDiff(olds, news));
}
