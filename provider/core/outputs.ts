import type { JsonObject } from "./json";
import type { EntityIds, KindSpec, MetadataField } from "./kinds";
import { ownershipOf, type OwnershipTree } from "./ownership";
import { projectOwned } from "./project";

/** The resolved inputs of any of the three resources, as check returns them. */
export interface MetadataInputs extends EntityIds {
  publicMetadata?: JsonObject;
  privateMetadata?: JsonObject;
  unsafeMetadata?: JsonObject;
  authoritative?: boolean;
}

/**
 * The outputs of any of the three resources. Each declared metadata field holds what Clerk
 * holds at the paths the resource owns (the whole field when `authoritative`); `ownership`
 * records those paths per declared field, independently of what Clerk holds, so a key that
 * vanished in Clerk is still known as owned after any number of refreshes.
 */
export interface MetadataOutputs extends EntityIds {
  publicMetadata?: JsonObject;
  privateMetadata?: JsonObject;
  unsafeMetadata?: JsonObject;
  authoritative: boolean;
  ownership: Partial<Record<MetadataField, OwnershipTree>>;
}

/** The metadata fields a resource declares, in the kind's order. */
export function declaredFields(spec: KindSpec, inputs: MetadataInputs): MetadataField[] {
  return spec.metadataFields.filter((field) => inputs[field] !== undefined);
}

/** The ownership a set of inputs declares: one tree per declared field. */
export function ownershipOfInputs(spec: KindSpec, inputs: MetadataInputs): MetadataOutputs["ownership"] {
  const ownership: MetadataOutputs["ownership"] = {};
  for (const field of declaredFields(spec, inputs))
    ownership[field] = ownershipOf(inputs[field] as JsonObject);
  return ownership;
}

/** The entity ids carried by inputs or outputs. */
export function idsOf(spec: KindSpec, values: EntityIds): EntityIds {
  const ids: EntityIds = {};
  for (const field of spec.idFields) ids[field.name] = values[field.name];
  return ids;
}

/**
 * Shapes the outputs of a resource from what Clerk holds (`remote`, every field of the entity)
 * and what the resource owns: each owned field is projected onto its owned paths, or kept whole
 * when the resource is authoritative.
 */
export function buildOutputs(
  spec: KindSpec,
  ids: EntityIds,
  authoritative: boolean,
  ownership: MetadataOutputs["ownership"],
  remote: Partial<Record<MetadataField, JsonObject>>,
): MetadataOutputs {
  const outputs: MetadataOutputs = { ...idsOf(spec, ids), authoritative, ownership };
  for (const field of spec.metadataFields) {
    const tree = ownership[field];
    if (tree === undefined) continue;
    const held = remote[field] ?? {};
    outputs[field] = authoritative ? held : projectOwned(held, tree);
  }
  return outputs;
}
