import type { ClerkClient } from "@clerk/backend";
import type { EntityIds, KindSpec } from "../core/kinds";
import { metadataOf, type EntityMetadata } from "./answers";
import { callClerk } from "./call";
import type { ReadOptions } from "./readBatcher";
import type { ClerkSettings } from "./settings";

/**
 * One Clerk REST resource's metadata calls, as the SDK's `*Api` classes group them. Every call
 * goes through `callClerk` (pacing, retries, errors) and checks that the answer is the entity it
 * asked for; a missing entity rejects with a 404 `ClerkOperationError`.
 */
export interface MetadataApi {
  /** One GET of the entity (or a share of a list, see `readBatcher.ts`): what Clerk holds in each metadata field. */
  read(
    settings: ClerkSettings,
    ids: EntityIds,
    operation: string,
    options?: ReadOptions,
  ): Promise<EntityMetadata>;
  /** One deep-merge PATCH (objects merge, `null` removes a key at any depth, the rest replaces): what Clerk holds afterwards. */
  patch(
    settings: ClerkSettings,
    ids: EntityIds,
    body: EntityMetadata,
    operation: string,
  ): Promise<EntityMetadata>;
  /** One PUT that overwrites each field sent whole (fields not sent stay); only where Clerk has it. */
  replace?(
    settings: ClerkSettings,
    ids: EntityIds,
    fields: EntityMetadata,
    operation: string,
  ): Promise<EntityMetadata>;
}

/** The id `name` of `ids`, which the caller's kind requires (check has made sure it is there). */
export function requiredId(ids: EntityIds, name: keyof EntityIds): string {
  const value = ids[name];
  if (typeof value !== "string" || value === "") throw new Error(`${name} is required`);
  return value;
}

/** A call through `callClerk` whose answer is the entity itself (a GET, a PATCH or a PUT of its metadata). */
export type EntityCall = (
  settings: ClerkSettings,
  ids: EntityIds,
  operation: string,
  request: (client: ClerkClient) => Promise<unknown>,
) => Promise<EntityMetadata>;

/**
 * The calls of kind `spec` that answer with the entity: each goes through `callClerk` and
 * resolves to the entity's metadata fields once `isAsked(ids)` confirmed it is the one asked for.
 */
export function entityCallOf(
  spec: KindSpec,
  isAsked: (ids: EntityIds) => (entity: Record<string, unknown>) => boolean,
): EntityCall {
  return (settings, ids, operation, request) =>
    callClerk(settings, { operation, spec, ids }, request, (answer) =>
      metadataOf(spec, answer, isAsked(ids)),
    );
}
