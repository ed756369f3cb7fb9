import type { JsonObject } from "./json";
import type { EntityIds, KindSpec, MetadataField } from "./kinds";
import { ownershipOf, type OwnershipTree } from "./ownership";
import { projectOwned } from "./projection";

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
  /**
   * A random id the resource gets at create and keeps for life. It tells a resource's own
   * earlier writes from other resources' writes to the same entity (see the hooks' write ledger).
   */
  writerId?: string;
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
 * when the resource is authoritative. `writerId` is carried as given.
 */
export function buildOutputs(
  spec: KindSpec,
  ids: EntityIds,
  authoritative: boolean,
  ownership: MetadataOutputs["ownership"],
  remote: Partial<Record<MetadataField, JsonObject>>,
  writerId?: string,
): MetadataOutputs {
  const outputs: MetadataOutputs = { ...idsOf(spec, ids), authoritative, ownership };
  if (writerId !== undefined) outputs.writerId = writerId;
  for (const field of spec.metadataFields) {
    const tree = ownership[field];
    if (tree === undefined) continue;
    const held = remote[field] ?? {};
    outputs[field] = authoritative ? held : projectOwned(held, tree);
  }
  return outputs;
}

/**
 * The inputs a program would declare to produce `outputs`: the ids, `authoritative` when true,
 * and each owned field holding what Clerk holds at the owned paths (a vanished leaf is absent, a
 * declared-`null` leaf that is still absent is `null`). `read` returns them, so Pulumi's display,
 * which compares old inputs with new ones, shows drift key by key, and `ignoreChanges` keeps it.
 */
export function inputsOfOutputs(spec: KindSpec, outputs: MetadataOutputs): MetadataInputs {
  const inputs: MetadataInputs = idsOf(spec, outputs);
  for (const field of spec.metadataFields) {
    if (outputs.ownership?.[field] !== undefined) inputs[field] = outputs[field] ?? {};
  }
  if (outputs.authoritative) inputs.authoritative = true;
  return inputs;
}
