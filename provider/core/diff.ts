import { containsUnknown, getOwn, isPlainObject, isUnknown, jsonEqual, type JsonObject } from "./json";
import type { KindSpec, MetadataField } from "./kinds";
import type { OwnershipTree } from "./ownership";
import { withoutNulls } from "./projection";
import type { MetadataInputs, MetadataOutputs } from "./outputs";

/** What a diff decides: whether anything changes, and which identity inputs force a replacement. */
export interface MetadataDiff {
  changes: boolean;
  replaces: string[];
}

/**
 * Compares the old outputs (what the resource owned and last wrote or read) with new inputs,
 * without any network call. A changed or unknown identity input is a replacement; any other
 * difference in an owned value, in the set of owned paths or in `authoritative` is an update;
 * unknown values mean "may change". Key order never makes a difference, nor does `__provider`.
 */
export function diffResource(spec: KindSpec, olds: MetadataOutputs, news: MetadataInputs): MetadataDiff {
  const replaces = spec.idFields
    .map((field) => field.name)
    .filter((name) => isUnknown(news[name]) || news[name] !== olds[name]);
  const authoritative = (news.authoritative as unknown) ?? false;
  const changes =
    replaces.length > 0 ||
    isUnknown(authoritative) ||
    authoritative !== (olds.authoritative ?? false) ||
    spec.metadataFields.some((field) => fieldChanges(news[field], olds, field, authoritative === true));
  return { changes, replaces };
}

/**
 * True when the declared field may differ from the old outputs: it holds an unknown value, it
 * owns other paths (marks included) than the recorded ownership or, when none is recorded, than
 * the ownership the old field implies (see `ownershipOfOutputs`), or Clerk's values differ from
 * the declaration (the whole field, when `whole`). The common case (no recorded ownership, not
 * authoritative) is one walk of the declaration.
 */
function fieldChanges(
  declared: JsonObject | undefined,
  olds: MetadataOutputs,
  field: MetadataField,
  whole: boolean,
): boolean {
  if (isUnknown(declared)) return true;
  const recorded = olds.ownership;
  const held = olds[field];
  const owned = recorded ? getOwn(recorded as Record<string, unknown>, field) : held;
  if (declared === undefined || owned === undefined) return declared !== owned;
  if (!recorded && !whole) return !sameImpliedTree(declared, held!, true);
  const sameOwnership = recorded
    ? sameTree(declared, owned as OwnershipTree)
    : sameImpliedTree(declared, held!, false);
  return !sameOwnership || containsUnknown(declared) || fieldDiffers(declared, held, whole);
}

/**
 * True when Clerk's fields (`held`) already hold every declared field: each declared leaf holds
 * its value and each `null` leaf is absent, or, `whole`, each field is exactly the declaration
 * without its `null` leaves. Keys Clerk holds outside the declaration never count.
 */
export function holdsDeclaration(
  declared: Partial<Record<MetadataField, JsonObject>>,
  held: Partial<Record<MetadataField, JsonObject>>,
  whole: boolean,
): boolean {
  return (Object.keys(declared) as MetadataField[]).every(
    (field) => !fieldDiffers(declared[field], held[field], whole),
  );
}

function fieldDiffers(
  declared: JsonObject | undefined,
  held: JsonObject | undefined,
  whole: boolean,
): boolean {
  if (declared === undefined) return false;
  if (whole) return !jsonEqual(withoutNulls(declared), held ?? {});
  return leavesDiffer(declared, held);
}

/** True when Clerk's value at some declared leaf differs from the declaration (one walk, no path lists). */
function leavesDiffer(declared: JsonObject, held: unknown): boolean {
  for (const [key, value] of Object.entries(declared)) {
    const current = isPlainObject(held) ? getOwn(held, key) : undefined;
    if (isPlainObject(value)) {
      if (leavesDiffer(value as JsonObject, current)) return true;
    } else if (value === null ? current !== undefined && current !== null : !jsonEqual(current, value)) {
      return true;
    }
  }
  return false;
}

function sameTree(declared: JsonObject, tree: OwnershipTree): boolean {
  let matched = 0;
  for (const [key, value] of Object.entries(declared)) {
    const node = getOwn(tree, key);
    if (isPlainObject(value)) {
      if (node === undefined) {
        if (hasLeaves(value as JsonObject)) return false;
        continue;
      }
      if (typeof node !== "object" || !sameTree(value as JsonObject, node as OwnershipTree)) return false;
    } else if (node !== (value === null ? "absent" : "set")) {
      return false;
    }
    matched++;
  }
  return matched === Object.keys(tree).length;
}

/**
 * `sameTree(declared, ownershipOf(held))`, without building the tree (a diff of a field at
 * Clerk's 8 KB limit would spend most of its time building it): each leaf of `held` is owned
 * (`null` as absent), and a container with no leaf owns nothing. With `compareValues`, also
 * `!leavesDiffer(declared, held) && !containsUnknown(declared)`, in the same walk.
 */
function sameImpliedTree(declared: JsonObject, held: JsonObject, compareValues: boolean): boolean {
  let matched = 0;
  for (const key of Object.keys(declared)) {
    const value = declared[key];
    const node = getOwn(held, key);
    if (node !== undefined) matched++;
    if (isPlainObject(value)) {
      // A declared container owns what its leaves own: nothing held is the same as no leaves declared.
      if (node === undefined) {
        if (hasLeaves(value as JsonObject)) return false;
      } else if (
        !isPlainObject(node) ||
        !sameImpliedTree(value as JsonObject, node as JsonObject, compareValues)
      ) {
        return false;
      }
    } else if (compareValues ? !sameLeaf(value, node) : !sameLeafMark(value, node)) {
      return false;
    }
  }
  // Whatever else is held must own nothing: containers without leaves.
  const heldKeys = Object.keys(held);
  if (matched === heldKeys.length) return true;
  return heldKeys.every(
    (key) =>
      Object.hasOwn(declared, key) || (isPlainObject(held[key]) && !hasLeaves(held[key] as JsonObject)),
  );
}

/** A declared leaf and the held value imply the same mark: set (a non-null leaf) or absent (`null`). */
function sameLeafMark(value: unknown, node: unknown): boolean {
  return node !== undefined && !isPlainObject(node) && (value === null) === (node === null);
}

/** A declared leaf and the held value: the same mark, the same value, and nothing unknown. */
function sameLeaf(value: unknown, node: unknown): boolean {
  return value === null ? node === null : !containsUnknown(value) && jsonEqual(node, value);
}

function hasLeaves(declared: JsonObject): boolean {
  return Object.values(declared).some((value) => !isPlainObject(value) || hasLeaves(value as JsonObject));
}
