import type { JsonObject } from "./json";
import type { KeyPath } from "./keyPaths";
import type { KindSpec, MetadataField } from "./kinds";
import { collectLeaves, type OwnershipTree } from "./ownership";
import { ownershipOfOutputs, type MetadataInputs, type MetadataOutputs, type Ownership } from "./outputs";
import { createPatch, deletePatch, exactPatch, isEmptyPatch, removable, updatePatch } from "./patch";
import { withoutNulls } from "./projection";

/** Metadata fields and their objects: a patch body, or the fields a replace overwrites. */
export type FieldObjects = Partial<Record<MetadataField, JsonObject>>;

/** Paths per metadata field: what a write sets or removes, or what it must leave alone. */
export type FieldPaths = Partial<Record<MetadataField, KeyPath[]>>;

/**
 * The one request (or two) a hook sends to Clerk, decided without any network call:
 * - `patch`: one deep-merge PATCH of `body`;
 * - `replace`: one PUT that overwrites each field of `fields` whole;
 * - `exact`: one GET, then one PATCH that makes each field of `fields` hold exactly that object
 *   while leaving `keep` alone (see {@link exactBody});
 * - `exists`: one GET, only to make sure the entity exists;
 * - `adopt`: one GET (batched with other reads); when Clerk already holds `declared` (`whole`:
 *   exactly), nothing more, else `otherwise` (see {@link planAdoption});
 * - `nothing`: no request.
 */
export type Request =
  | {
      action: "adopt";
      declared: FieldObjects;
      whole: boolean;
      otherwise: Exclude<Request, { action: "adopt" }>;
    }
  | { action: "patch"; body: FieldObjects }
  | { action: "replace"; fields: FieldObjects }
  | { action: "exact"; fields: FieldObjects; keep: FieldPaths }
  | { action: "exists" }
  | { action: "nothing" };

/** A planned request and the paths it touches: the leaves it sets and the paths it removes. */
export interface WritePlan {
  request: Request;
  sets: FieldPaths;
  removes: FieldPaths;
}

/** The root path: a write that owns or clears a whole field touches every path in it. */
const wholeField: KeyPath[] = [[]];

/**
 * Plans a create (`previouslyOwned` empty) or an update: every declared leaf is set and every
 * leaf owned before but no longer declared is removed, except paths in `keep` (leaves another
 * resource wrote in this deployment). An authoritative resource makes each field it declares or
 * owned hold exactly its declaration: one PUT where Clerk has one (`canReplace`) and nothing must
 * be kept, else a GET and a PATCH. A write with nothing to send checks that the entity exists.
 */
export function planWrite(
  spec: KindSpec,
  canReplace: boolean,
  inputs: MetadataInputs,
  previouslyOwned: Ownership,
  keep: FieldPaths = {},
): WritePlan {
  if (inputs.authoritative) {
    const fields: FieldObjects = {};
    for (const field of spec.metadataFields) {
      if (inputs[field] === undefined && previouslyOwned[field] === undefined) continue;
      fields[field] = withoutNulls(inputs[field] ?? {});
    }
    return planExact(canReplace, fields, keep, "exists");
  }
  const body: FieldObjects = {};
  const sets: FieldPaths = {};
  const removes: FieldPaths = {};
  for (const field of spec.metadataFields) {
    const declared = inputs[field];
    const owned = previouslyOwned[field];
    if (declared === undefined && owned === undefined) continue;
    const patch =
      owned === undefined ? createPatch(declared ?? {}) : updatePatch(owned, declared ?? {}, keep[field]);
    if (isEmptyPatch(patch)) continue;
    body[field] = patch;
    sets[field] = collectLeaves(declared ?? {}).map((leaf) => leaf.path);
    removes[field] = removedPaths(owned, declared, keep[field]);
  }
  if (Object.keys(body).length === 0) return { request: { action: "exists" }, sets: {}, removes: {} };
  return { request: { action: "patch", body }, sets, removes };
}

/**
 * A create plan that adopts unchanged: it reads the entity first and sends `planned`'s write only
 * when Clerk does not already hold the declaration (`holdsDeclaration`). The paths it sets are
 * the same, so the write ledger counts an adopted leaf as set by this resource. A plan with no
 * write (`exists`, `nothing`) is returned as it is: its one read, if any, already tells.
 */
export function planAdoption(spec: KindSpec, inputs: MetadataInputs, planned: WritePlan): WritePlan {
  const { request } = planned;
  if (request.action === "exists" || request.action === "nothing" || request.action === "adopt")
    return planned;
  const declared: FieldObjects = {};
  for (const field of spec.metadataFields) if (inputs[field] !== undefined) declared[field] = inputs[field];
  return {
    ...planned,
    request: { action: "adopt", declared, whole: inputs.authoritative === true, otherwise: request },
  };
}

/**
 * Plans a delete: `null` for every owned leaf except paths in `keep`; an authoritative resource
 * empties each field it owned (one PUT of `{}` where Clerk has one and nothing must be kept, else
 * a GET and a PATCH). Nothing owned, or everything kept, means no request.
 */
export function planDelete(
  spec: KindSpec,
  canReplace: boolean,
  olds: MetadataOutputs,
  keep: FieldPaths = {},
): WritePlan {
  const ownership = ownershipOfOutputs(spec, olds);
  const owned = spec.metadataFields.filter((field) => ownership[field] !== undefined);
  if (olds.authoritative) {
    const fields: FieldObjects = {};
    for (const field of owned) if (!keepsWholeField(keep[field])) fields[field] = {};
    return planExact(canReplace, fields, keep, "nothing");
  }
  const body: FieldObjects = {};
  const removes: FieldPaths = {};
  for (const field of owned) {
    const patch = deletePatch(ownership[field] as OwnershipTree, keep[field]);
    if (isEmptyPatch(patch)) continue;
    body[field] = patch;
    removes[field] = removedPaths(ownership[field], undefined, keep[field]);
  }
  if (Object.keys(body).length === 0) return { request: { action: "nothing" }, sets: {}, removes: {} };
  return { request: { action: "patch", body }, sets: {}, removes };
}

/**
 * The PATCH body that completes an `exact` request once Clerk's fields are read: each field
 * holds exactly the wanted object afterwards, except the kept paths. Empty when nothing changes.
 */
export function exactBody(held: FieldObjects, fields: FieldObjects, keep: FieldPaths): FieldObjects {
  const body: FieldObjects = {};
  for (const [field, wanted] of Object.entries(fields) as [MetadataField, JsonObject][]) {
    const patch = exactPatch(held[field] ?? {}, wanted, keep[field]);
    if (!isEmptyPatch(patch)) body[field] = patch;
  }
  return body;
}

function planExact(
  canReplace: boolean,
  fields: FieldObjects,
  keep: FieldPaths,
  whenEmpty: "exists" | "nothing",
): WritePlan {
  const names = Object.keys(fields) as MetadataField[];
  if (names.length === 0) return { request: { action: whenEmpty }, sets: {}, removes: {} };
  const touched: FieldPaths = Object.fromEntries(names.map((field) => [field, wholeField]));
  const mustKeep = names.some((field) => (keep[field] ?? []).length > 0);
  const request: Request =
    canReplace && !mustKeep ? { action: "replace", fields } : { action: "exact", fields, keep };
  const hasLeaves = names.some((field) => collectLeaves(fields[field] as JsonObject).length > 0);
  return { request, sets: hasLeaves ? touched : {}, removes: touched };
}

function keepsWholeField(keep: readonly KeyPath[] | undefined): boolean {
  return (keep ?? []).some((path) => path.length === 0);
}

function removedPaths(
  owned: OwnershipTree | undefined,
  declared: JsonObject | undefined,
  keep: readonly KeyPath[] = [],
): KeyPath[] {
  if (owned === undefined) return [];
  const stays = new Set(collectLeaves(declared ?? {}).map((leaf) => JSON.stringify(leaf.path)));
  return removable(owned, keep).filter((path) => !stays.has(JSON.stringify(path)));
}
