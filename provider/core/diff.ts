import { containsUnknown, isUnknown, jsonEqual, type JsonObject } from "./json";
import type { KindSpec } from "./kinds";
import { collectLeaves, getAt } from "./ownership";
import { withoutNulls } from "./project";
import { ownershipOfInputs, type MetadataInputs, type MetadataOutputs } from "./state";

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
    spec.metadataFields.some((field) => containsUnknown(news[field])) ||
    !jsonEqual(ownershipOfInputs(spec, news), olds.ownership ?? {}) ||
    spec.metadataFields.some((field) => fieldDiffers(news[field], olds[field], authoritative === true));
  return { changes, replaces };
}

function fieldDiffers(
  declared: JsonObject | undefined,
  held: JsonObject | undefined,
  whole: boolean,
): boolean {
  if (declared === undefined) return false;
  if (whole) return !jsonEqual(withoutNulls(declared), held ?? {});
  return collectLeaves(declared).some((leaf) => {
    const value = getAt(held, leaf.path);
    return leaf.value === null ? value !== undefined && value !== null : !jsonEqual(value, leaf.value);
  });
}
