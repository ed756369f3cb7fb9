import { jsonEqual, type JsonObject } from "./json";
import type { EntityIds, KindSpec, MetadataField } from "./kinds";
import { ownershipOf, type OwnershipTree } from "./ownership";
import { projectOwned } from "./projection";

/** The resolved inputs of any of the three resources, as check returns them. */
export interface MetadataInputs extends EntityIds {
  publicMetadata?: JsonObject;
  privateMetadata?: JsonObject;
  unsafeMetadata?: JsonObject;
  authoritative?: boolean;
  /** On create, read first and send no write when Clerk already holds the declaration (see `planAdoption`). */
  adopt?: boolean;
}

/** The paths a resource owns, one tree per declared metadata field. */
export type Ownership = Partial<Record<MetadataField, OwnershipTree>>;

/**
 * The outputs of any of the three resources. Each declared metadata field holds what Clerk
 * holds at the paths the resource owns (the whole field when `authoritative`). The owned paths
 * are recorded independently of what Clerk holds, so a key that vanished in Clerk is still known
 * as owned after any number of refreshes; read them with {@link ownershipOfOutputs}.
 *
 * The state stays small: Pulumi's file backend writes the whole checkpoint after every step, so
 * each byte a resource stores is written N times in an operation on N resources. `authoritative`
 * is stored as declared (absent when undeclared), and `ownership` only when the field values do
 * not already imply it (see {@link buildOutputs}).
 */
export interface MetadataOutputs extends EntityIds {
  publicMetadata?: JsonObject;
  privateMetadata?: JsonObject;
  unsafeMetadata?: JsonObject;
  authoritative?: boolean;
  /** The owned paths, when the field values do not imply them (drift, or an authoritative resource). */
  ownership?: Ownership;
  /** `adopt` as declared, carried so that refreshed inputs keep it (and the display shows no change of it). */
  adopt?: boolean;
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
export function ownershipOfInputs(spec: KindSpec, inputs: MetadataInputs): Ownership {
  const ownership: Ownership = {};
  for (const field of declaredFields(spec, inputs))
    ownership[field] = ownershipOf(inputs[field] as JsonObject);
  return ownership;
}

/**
 * The paths a resource owns, from its outputs: the recorded `ownership` when there is one, else
 * the ownership its field values imply (each leaf they hold, `null` leaves as `"absent"`), which
 * {@link buildOutputs} guarantees to be the owned paths whenever it leaves `ownership` out.
 */
export function ownershipOfOutputs(spec: KindSpec, outputs: Partial<MetadataOutputs>): Ownership {
  return outputs.ownership ?? ownershipOfInputs(spec, outputs);
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
 * when the resource is authoritative. `authoritative` is stored when given (as declared), and
 * `writerId` and `adopt` are carried as given. `ownership` is stored only when the projected fields do not
 * imply exactly it, so {@link ownershipOfOutputs} always returns `ownership`.
 */
export function buildOutputs(
  spec: KindSpec,
  ids: EntityIds,
  authoritative: boolean | undefined,
  ownership: Ownership,
  remote: Partial<Record<MetadataField, JsonObject>>,
  writerId?: string,
  adopt?: boolean,
): MetadataOutputs {
  const outputs: MetadataOutputs = { ...idsOf(spec, ids) };
  if (authoritative !== undefined) outputs.authoritative = authoritative;
  if (adopt !== undefined) outputs.adopt = adopt;
  if (writerId !== undefined) outputs.writerId = writerId;
  for (const field of spec.metadataFields) {
    const tree = ownership[field];
    if (tree === undefined) continue;
    const held = remote[field] ?? {};
    outputs[field] = authoritative ? held : projectOwned(held, tree);
  }
  if (!jsonEqual(ownershipOfInputs(spec, outputs), ownership)) outputs.ownership = ownership;
  return outputs;
}

/**
 * The inputs a program would declare to produce `outputs`: the ids, `authoritative` when true,
 * `adopt` as declared, and each owned field holding what Clerk holds at the owned paths (a vanished leaf is absent, a
 * declared-`null` leaf that is still absent is `null`). `read` returns them, so Pulumi's display,
 * which compares old inputs with new ones, shows drift key by key, and `ignoreChanges` keeps it.
 */
export function inputsOfOutputs(spec: KindSpec, outputs: MetadataOutputs): MetadataInputs {
  const inputs: MetadataInputs = idsOf(spec, outputs);
  const ownership = ownershipOfOutputs(spec, outputs);
  for (const field of spec.metadataFields) {
    if (ownership[field] !== undefined) inputs[field] = outputs[field] ?? {};
  }
  if (outputs.authoritative) inputs.authoritative = true;
  if (outputs.adopt !== undefined) inputs.adopt = outputs.adopt;
  return inputs;
}
