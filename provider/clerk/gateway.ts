import type { ClerkClient } from "@clerk/backend";
import { isPlainObject, type JsonObject } from "../core/json";
import type { EntityIds, KindSpec, MetadataField } from "../core/kinds";
import { callClerk } from "./call";
import { isNotFound } from "./errors";
import type { ClerkSettings } from "./settings";

/** The metadata fields of one entity, as Clerk holds them. */
export type EntityMetadata = Partial<Record<MetadataField, JsonObject>>;

/**
 * Reads the metadata of one entity with one GET (`users.getUser`, `organizations.getOrganization`,
 * or `organizations.getOrganizationMembershipList` filtered by user, limit 1). Resolves to
 * `undefined` when the entity does not exist (404, or an empty membership list; a list holding
 * another membership is a wrong answer).
 */
export async function readEntity(
  settings: ClerkSettings,
  spec: KindSpec,
  ids: EntityIds,
  operation = "read metadata",
): Promise<EntityMetadata | undefined> {
  const { userId = "", organizationId = "" } = ids;
  try {
    return await callClerk(
      settings,
      { operation, spec, ids },
      (client) => {
        switch (spec.name) {
          case "user":
            return client.users.getUser(userId);
          case "organization":
            return client.organizations.getOrganization({ organizationId });
          case "organizationMembership":
            return client.organizations.getOrganizationMembershipList({
              organizationId,
              userId: [userId],
              limit: 1,
            });
        }
      },
      (answer) => {
        if (spec.name !== "organizationMembership") return metadataOf(spec, ids, answer);
        const data = (answer as { data?: unknown })?.data;
        if (!Array.isArray(data)) throw new Error("a membership list without `data`");
        // Filtered by user: an empty list means no such membership; any other entry is a wrong answer.
        if (data.length === 0) return undefined;
        const membership = data.find((m) => memberUserId(m) === userId);
        if (membership === undefined)
          throw new Error("a membership list filtered by user that holds another user");
        return metadataOf(spec, ids, membership);
      },
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Applies one deep-merge PATCH (`…/metadata`: objects merge, `null` removes a key at any depth,
 * arrays and scalars replace) and resolves to what Clerk holds afterwards. A missing entity
 * rejects with a 404 `ClerkOperationError`.
 */
export function patchEntity(
  settings: ClerkSettings,
  spec: KindSpec,
  ids: EntityIds,
  patch: EntityMetadata,
  operation: string,
): Promise<EntityMetadata> {
  return callClerk(
    settings,
    { operation, spec, ids },
    (client) => sendPatch(client, spec, ids, patch),
    (answer) => metadataOf(spec, ids, answer),
  );
}

/**
 * Applies one replace (`PUT …/metadata`): each field sent is overwritten whole, fields not sent
 * stay. Only users and organizations have it.
 */
export function replaceEntity(
  settings: ClerkSettings,
  spec: KindSpec,
  ids: EntityIds,
  fields: EntityMetadata,
  operation: string,
): Promise<EntityMetadata> {
  const { userId = "", organizationId = "" } = ids;
  return callClerk(
    settings,
    { operation, spec, ids },
    (client) => {
      if (spec.name === "user") return client.users.replaceUserMetadata(userId, fields);
      if (spec.name === "organization")
        return client.organizations.replaceOrganizationMetadata(organizationId, fields);
      throw new Error(`${spec.resourceType} has no replace endpoint`);
    },
    (answer) => metadataOf(spec, ids, answer),
  );
}

function sendPatch(
  client: ClerkClient,
  spec: KindSpec,
  ids: EntityIds,
  patch: EntityMetadata,
): Promise<unknown> {
  const { userId = "", organizationId = "" } = ids;
  switch (spec.name) {
    case "user":
      return client.users.updateUserMetadata(userId, patch);
    case "organization":
      return client.organizations.updateOrganizationMetadata(organizationId, patch);
    case "organizationMembership":
      return client.organizations.updateOrganizationMembershipMetadata({ organizationId, userId, ...patch });
  }
}

/** The metadata fields of an answer, after checking that it is the entity that was asked for. */
function metadataOf(spec: KindSpec, ids: EntityIds, answer: unknown): EntityMetadata {
  if (!isPlainObjectLike(answer)) throw new Error(`expected the ${spec.entity} object, got ${typeof answer}`);
  const entity = answer as Record<string, unknown>;
  const matches =
    spec.name === "organizationMembership"
      ? memberUserId(entity) === ids.userId &&
        (entity.organization as { id?: unknown } | undefined)?.id === ids.organizationId
      : entity.id === (spec.name === "user" ? ids.userId : ids.organizationId);
  if (!matches) throw new Error(`expected the ${spec.entity} ${JSON.stringify(ids)}, got another object`);
  const metadata: EntityMetadata = {};
  for (const field of spec.metadataFields) {
    const value = entity[field] ?? {};
    if (!isPlainObject(value)) throw new Error(`${field} is not an object`);
    metadata[field] = value as JsonObject;
  }
  return metadata;
}

function memberUserId(membership: unknown): unknown {
  return (membership as { publicUserData?: { userId?: unknown } } | undefined)?.publicUserData?.userId;
}

function isPlainObjectLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
