/**
 * The hooks of the three resources, shared and keyed by kind. Each resource's provider object
 * only forwards to these functions through this module object, so Pulumi serializes the
 * provider as a `require` of this module rather than by value, and keeps `__provider` small.
 * Nothing here runs at import time: settings and the Clerk client are resolved inside hooks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { patchEntity, readEntity, replaceEntity, type EntityMetadata } from "./clerk/gateway";
import { ClerkOperationError, isNotFound } from "./clerk/errors";
import { registry } from "./clerk/registry";
import { resolveSettings, settingNames, type ClerkSettings, type ConfiguredValues } from "./clerk/settings";
import type { JsonObject } from "./core/json";
import {
  describeEntity,
  idsFromResourceId,
  kinds,
  resourceIdOf,
  type KindName,
  type KindSpec,
} from "./core/kinds";
import { diffResource } from "./core/diff";
import { createPatch, deletePatch, exactPatch, isEmptyPatch, updatePatch } from "./core/patch";
import { withoutNulls } from "./core/project";
import {
  buildOutputs,
  declaredFields,
  idsOf,
  ownershipOfInputs,
  type MetadataInputs,
  type MetadataOutputs,
} from "./core/state";
import { checkInputs } from "./core/validate";

/** Stores the stack's `clerk:` configuration for every hook of this process (secret values stay in memory only). */
export async function configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
  const configured: ConfiguredValues = {};
  for (const name of settingNames) {
    const value: unknown = request.config.get(`clerk:${name}`);
    if (typeof value === "string") configured[name] = value;
    else if (value !== undefined) configured[name] = JSON.stringify(value);
  }
  registry().configured = configured;
}

/** Validates and normalizes inputs; no network call. */
export async function check(
  kind: KindName,
  _olds: unknown,
  news: unknown,
): Promise<pulumi.dynamic.CheckResult<MetadataInputs>> {
  const { inputs, failures } = checkInputs(kinds[kind], (news ?? {}) as Record<string, unknown>);
  return { inputs: inputs as MetadataInputs, failures };
}

/** Decides update or replacement from the old outputs and new inputs; no network call. */
export async function diff(
  kind: KindName,
  _id: string,
  olds: MetadataOutputs,
  news: MetadataInputs,
): Promise<pulumi.dynamic.DiffResult> {
  const spec = kinds[kind];
  const { changes, replaces } = diffResource(spec, olds, news);
  return {
    changes,
    replaces,
    deleteBeforeReplace: false,
    stables: replaces.length ? [] : spec.idFields.map((f) => f.name),
  };
}

/**
 * Writes every owned leaf with one request (a PATCH, or a PUT for an authoritative user or
 * organization; a GET and a PATCH for an authoritative membership). A resource that declares
 * nothing only checks with one GET that its entity exists.
 */
export async function create(
  kind: KindName,
  inputs: MetadataInputs,
): Promise<pulumi.dynamic.CreateResult<MetadataOutputs>> {
  const spec = kinds[kind];
  const ids = idsOf(spec, inputs);
  const held = await apply(settings(), spec, inputs, {}, "create");
  return { id: resourceIdOf(spec, ids), outs: outputsAfterApply(spec, inputs, held) };
}

/**
 * Moves Clerk from what the old outputs owned to the new inputs with one request: every owned
 * leaf of the new inputs is set again (so drift is corrected) and every leaf that is no longer
 * declared is removed, at any depth.
 */
export async function update(
  kind: KindName,
  _id: string,
  olds: MetadataOutputs,
  news: MetadataInputs,
): Promise<pulumi.dynamic.UpdateResult<MetadataOutputs>> {
  const spec = kinds[kind];
  const held = await apply(settings(), spec, news, olds.ownership ?? {}, "update");
  return { outs: outputsAfterApply(spec, news, held) };
}

/** Removes every owned leaf with one request; foreign keys stay. A missing entity counts as already deleted. */
export async function remove(kind: KindName, _id: string, olds: MetadataOutputs): Promise<void> {
  const spec = kinds[kind];
  const ids = idsOf(spec, olds);
  const current = settings();
  const fields = Object.keys(olds.ownership ?? {}) as (keyof MetadataOutputs["ownership"])[];
  try {
    if (olds.authoritative) {
      await writeExactly(current, spec, ids, Object.fromEntries(fields.map((f) => [f, {}])), "delete");
      return;
    }
    const patch: EntityMetadata = {};
    for (const field of fields) {
      const fieldPatch = deletePatch(olds.ownership[field] ?? {});
      if (!isEmptyPatch(fieldPatch)) patch[field] = fieldPatch;
    }
    if (Object.keys(patch).length > 0)
      await patchEntity(current, spec, ids, patch, "delete (remove owned keys)");
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Reads the entity with one GET and returns outputs holding Clerk's values at the owned paths
 * only (the whole field when authoritative), with the ownership unchanged. An entity that is
 * gone returns an empty id, so Pulumi drops it from state. For `import` (no old outputs) the
 * resource owns nothing yet; the next update adopts what the program declares.
 */
export async function read(
  kind: KindName,
  id: string,
  olds: Partial<MetadataOutputs>,
): Promise<pulumi.dynamic.ReadResult<MetadataOutputs>> {
  const spec = kinds[kind];
  const ids = idsFromResourceId(spec, id);
  if (!ids) {
    throw new Error(
      `${spec.resourceType}: cannot read id ${JSON.stringify(id)}: expected ${spec.idFields.map((f) => `${f.prefix}…`).join("/")}`,
    );
  }
  const held = await readEntity(settings(), spec, ids);
  if (held === undefined) return { id: "", props: undefined };
  const outs = buildOutputs(spec, ids, olds.authoritative ?? false, olds.ownership ?? {}, held);
  return { id, props: outs };
}

function settings(): ClerkSettings {
  return resolveSettings(registry().configured, process.env);
}

/** Writes the new inputs over what `previouslyOwned` held and resolves to Clerk's metadata afterwards. */
async function apply(
  current: ClerkSettings,
  spec: KindSpec,
  inputs: MetadataInputs,
  previouslyOwned: MetadataOutputs["ownership"],
  operation: "create" | "update",
): Promise<EntityMetadata> {
  const ids = idsOf(spec, inputs);
  if (inputs.authoritative) {
    const wanted: EntityMetadata = {};
    for (const field of new Set([...Object.keys(previouslyOwned), ...declaredFields(spec, inputs)]) as Set<
      keyof EntityMetadata
    >) {
      wanted[field] = withoutNulls(inputs[field] ?? {});
    }
    return writeExactly(current, spec, ids, wanted, operation);
  }
  const patch: EntityMetadata = {};
  for (const field of spec.metadataFields) {
    const declared = inputs[field];
    const owned = previouslyOwned[field];
    if (declared === undefined && owned === undefined) continue;
    const fieldPatch = owned === undefined ? createPatch(declared ?? {}) : updatePatch(owned, declared ?? {});
    if (!isEmptyPatch(fieldPatch)) patch[field] = fieldPatch;
  }
  if (Object.keys(patch).length > 0)
    return patchEntity(current, spec, ids, patch, `${operation} (set owned keys)`);
  const held = await readEntity(current, spec, ids, `${operation} (check that it exists)`);
  if (held === undefined) throw notFound(current, spec, ids, operation);
  return held;
}

/** Makes each given field hold exactly the given object: one PUT where Clerk has it, else a GET and a PATCH. */
async function writeExactly(
  current: ClerkSettings,
  spec: KindSpec,
  ids: MetadataInputs,
  wanted: EntityMetadata,
  operation: string,
): Promise<EntityMetadata> {
  if (Object.keys(wanted).length === 0) {
    const held = await readEntity(current, spec, ids, `${operation} (check that it exists)`);
    if (held === undefined) throw notFound(current, spec, ids, operation);
    return held;
  }
  if (spec.canReplace) return replaceEntity(current, spec, ids, wanted, `${operation} (replace fields)`);
  const held = await readEntity(current, spec, ids, `${operation} (read before replacing fields)`);
  if (held === undefined) throw notFound(current, spec, ids, operation);
  const patch: EntityMetadata = {};
  for (const [field, value] of Object.entries(wanted) as [keyof EntityMetadata, JsonObject][]) {
    const fieldPatch = exactPatch(held[field] ?? {}, value);
    if (!isEmptyPatch(fieldPatch)) patch[field] = fieldPatch;
  }
  if (Object.keys(patch).length === 0) return held;
  return patchEntity(current, spec, ids, patch, `${operation} (replace fields)`);
}

function outputsAfterApply(spec: KindSpec, inputs: MetadataInputs, held: EntityMetadata): MetadataOutputs {
  return buildOutputs(
    spec,
    idsOf(spec, inputs),
    inputs.authoritative ?? false,
    ownershipOfInputs(spec, inputs),
    held,
  );
}

function notFound(current: ClerkSettings, spec: KindSpec, ids: MetadataInputs, operation: string): Error {
  return new ClerkOperationError(
    { operation, spec, ids },
    {
      status: 404,
      code: "resource_not_found",
      message: `${describeEntity(spec, ids)} does not exist`,
      longMessage: undefined,
      traceId: undefined,
      retryAfter: undefined,
    },
    1,
    current.secretKey,
  );
}
