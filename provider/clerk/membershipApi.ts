import { entityNotFound, isNotFound } from "../core/errors";
import { kinds, type EntityIds } from "../core/kinds";
import { listData, memberOrganizationId, memberUserId, metadataOf, type EntityMetadata } from "./answers";
import { callClerk } from "./call";
import { entityCallOf, requiredId, type MetadataApi } from "./metadataApi";
import { readBatched, type ListReader } from "./readBatcher";
import type { ClerkSettings } from "./settings";

const spec = kinds.organizationMembership;
const isMembership = (ids: EntityIds) => (entity: Record<string, unknown>) =>
  memberUserId(entity) === ids.userId && memberOrganizationId(entity) === ids.organizationId;
const entityCall = entityCallOf(spec, isMembership);

/**
 * Memberships of one organization read together:
 * `organizations.getOrganizationMembershipList({ organizationId, userId, limit })`. A user who
 * exists but is not a member is simply not listed; a deleted user's id is ignored by Clerk, and
 * when no listed user is known Clerk may list every other member (see `readBatcher.ts`).
 */
export const membershipLists: ListReader = {
  spec,
  groupOf: (ids) => requiredId(ids, "organizationId"),
  keyOf: (ids) => requiredId(ids, "userId"),
  idsOf: (organizationId, userId) => ({ organizationId, userId }),
  singleReadsUpTo: 1,
  list: (_settings, client, organizationId, userIds) =>
    client.organizations.getOrganizationMembershipList({
      organizationId,
      userId: userIds,
      limit: userIds.length,
    }),
  entriesOf: (answer) => ({
    entries: listData(answer, "a membership list"),
    totalCount: (answer as { totalCount?: unknown }).totalCount,
  }),
  placeOf: (membership) => ({ group: memberOrganizationId(membership), key: memberUserId(membership) }),
  readOne: (settings, ids, operation) => readMembership(settings, ids, operation),
};

/** Clerk's largest page (`limit`, OpenAPI 2026-05-12): a user's memberships beyond it are read with their own GET. */
export const userMembershipsPage = 500;

/**
 * Memberships of one user read together: `users.getOrganizationMembershipList({ userId, limit })`
 * lists every organization the user belongs to (no filter), up to {@link userMembershipsPage}.
 * An asked-for organization absent from a complete list is no longer the user's; a user Clerk
 * does not know answers 404, which is every read's 404 (the membership is gone with its user).
 */
export const userMembershipLists: ListReader = {
  spec,
  listsWholeGroup: true,
  groupOf: (ids) => requiredId(ids, "userId"),
  keyOf: (ids) => requiredId(ids, "organizationId"),
  idsOf: (userId, organizationId) => ({ organizationId, userId }),
  singleReadsUpTo: 0,
  list: (_settings, client, userId) =>
    client.users.getOrganizationMembershipList({ userId, limit: userMembershipsPage }),
  entriesOf: membershipLists.entriesOf,
  placeOf: (membership) => ({ group: memberUserId(membership), key: memberOrganizationId(membership) }),
  readOne: membershipLists.readOne,
};

/**
 * An organization membership's metadata: `organizations.getOrganizationMembershipList` filtered
 * by user (limit 1) to read, or by every user whose membership of the organization is read at the
 * same time, or the user's own membership list when memberships are read user by user (see
 * `readBatcher.ts`); `updateOrganizationMembershipMetadata` (PATCH) to write. Clerk has no
 * replace for memberships.
 */
export const membershipApi: MetadataApi = {
  read: (settings, ids, operation, options) =>
    readBatched([membershipLists, userMembershipLists], settings, ids, operation, options),
  patch: (settings, ids, body, operation) =>
    entityCall(settings, ids, operation, (client) =>
      client.organizations.updateOrganizationMembershipMetadata({
        organizationId: requiredId(ids, "organizationId"),
        userId: requiredId(ids, "userId"),
        ...body,
      }),
    ),
};

/**
 * One membership's own read: the membership list filtered by its user, limit 1. A list of other
 * members means Clerk ignored the user's id (gone), which `users.getUser` confirms.
 */
async function readMembership(
  settings: ClerkSettings,
  ids: EntityIds,
  operation: string,
): Promise<EntityMetadata> {
  const context = { operation, spec, ids };
  const organizationId = requiredId(ids, "organizationId");
  const userId = requiredId(ids, "userId");
  const found: { metadata: EntityMetadata } | { othersOnly: boolean } = await callClerk<
    { metadata: EntityMetadata } | { othersOnly: boolean }
  >(
    settings,
    context,
    (client) =>
      client.organizations.getOrganizationMembershipList({ organizationId, userId: [userId], limit: 1 }),
    (answer) => {
      const data = listData(answer, "a membership list");
      const membership = data.find((m) => memberUserId(m) === userId);
      if (membership !== undefined) return { metadata: metadataOf(spec, membership, isMembership(ids)) };
      return { othersOnly: data.length > 0 };
    },
  );
  if ("metadata" in found) return found.metadata;
  // Clerk ignores user ids it does not know in this filter ("Any user IDs not found are
  // ignored", GET /organizations/{organization_id}/memberships, OpenAPI 2026-05-12): a list of
  // other members means the user is gone, which only a 404 for the user can confirm.
  if (found.othersOnly) await confirmUserGone(settings, ids, operation);
  throw entityNotFound(context, settings.secretKey);
}

/**
 * Resolves when `users.getUser` answers 404 for the membership's user (the error propagates as
 * the membership's 404); rejects with an unexpected answer when the user exists, since then the
 * filtered list should not have held other members.
 */
async function confirmUserGone(settings: ClerkSettings, ids: EntityIds, operation: string): Promise<void> {
  const userId = requiredId(ids, "userId");
  try {
    await callClerk(
      settings,
      { operation: `${operation} (check that the user exists)`, spec, ids },
      (client) => client.users.getUser(userId),
      (answer) => {
        if ((answer as { id?: unknown } | null)?.id !== userId)
          throw new Error("expected the user that was asked for");
        throw new Error("a membership list filtered by an existing user that holds only other users");
      },
    );
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
}
