import { isPlainObject, type JsonObject, type JsonValue } from "../core/json";
import { formatPath, getAt, pathsOverlap, setAt, type KeyPath } from "../core/keyPaths";
import type { MetadataField } from "../core/kinds";

/** One `--path`: a metadata field and a key path inside it (empty: the whole field). */
export interface FieldPath {
  field: MetadataField;
  path: KeyPath;
}

/** The subtrees taken of each field; a field that is absent is not taken at all. */
export type FieldSelection = Partial<Record<MetadataField, KeyPath[]>>;

/** Every metadata field, in the order messages name them. */
export const metadataFields: readonly MetadataField[] = [
  "publicMetadata",
  "privateMetadata",
  "unsafeMetadata",
];

/**
 * Parses `FIELD[.KEY...]`, where FIELD is publicMetadata, privateMetadata or unsafeMetadata and a
 * key is written `.key` (any characters but `.`, `[` and `]`) or `["any key"]` (a JSON string), as
 * `formatPath` prints paths. Returns the path, or the reason it is refused (a string).
 */
export function parseFieldPath(text: string): FieldPath | string {
  const head = /^[A-Za-z]+/.exec(text)?.[0] ?? "";
  if (!(metadataFields as readonly string[]).includes(head)) {
    return `the field must be one of ${metadataFields.join(", ")}, got ${JSON.stringify(head || text)}`;
  }
  const path: string[] = [];
  let rest = text.slice(head.length);
  while (rest !== "") {
    const dotted = /^\.([^.[\]]+)/.exec(rest);
    const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    if (dotted) {
      path.push(dotted[1]);
      rest = rest.slice(dotted[0].length);
    } else if (quoted) {
      path.push(JSON.parse(quoted[1]) as string);
      rest = rest.slice(quoted[0].length);
    } else {
      return `expected .KEY or ["KEY"] at ${JSON.stringify(rest)} (write a key with dots or brackets as ["a.b"])`;
    }
  }
  return { field: head as MetadataField, path };
}

/** A path as `--path` takes it back: `publicMetadata.limits.seats`, `publicMetadata["a.b"]`. */
export function formatFieldPath({ field, path }: FieldPath): string {
  return formatPath(field, path);
}

/**
 * The subtrees `--path` options select, per field: with no option every field whole; a path
 * inside another selected path adds nothing; repeats count once.
 */
export function selectionOf(paths: readonly FieldPath[]): FieldSelection {
  if (paths.length === 0) return Object.fromEntries(metadataFields.map((field) => [field, [[]]]));
  const selection: FieldSelection = {};
  for (const { field, path } of paths) {
    const taken = (selection[field] ??= []);
    if (taken.some((other) => other.length <= path.length && pathsOverlap(other, path))) continue;
    selection[field] = [...taken.filter((other) => !pathsOverlap(other, path)), path];
  }
  return selection;
}

/**
 * What `value` holds at the selected paths, and nothing else: each selected subtree copied whole
 * (objects, arrays and scalars as Clerk holds them), a path Clerk does not hold left out. The
 * result shares no object with `value`.
 */
export function projectField(value: JsonObject, paths: readonly KeyPath[]): JsonObject {
  const projection: JsonObject = {};
  for (const path of paths) {
    if (path.length === 0) return structuredClone(value);
    const held = getAt(value, path) as JsonValue | undefined;
    if (held !== undefined) setAt(projection, path, structuredClone(held));
  }
  return projection;
}

/** How many leaves (values that are not plain objects) `value` holds; an empty object holds none. */
export function countLeaves(value: JsonValue): number {
  if (!isPlainObject(value)) return 1;
  return Object.values(value).reduce((sum: number, item) => sum + countLeaves(item as JsonValue), 0);
}

/** True when the object holds no key at all. */
export function isEmptyObject(value: JsonObject | undefined): boolean {
  return value === undefined || Object.keys(value).length === 0;
}
