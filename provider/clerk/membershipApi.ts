import { entityNotFound, isNotFound } from "../core/errors";
import { kinds, type EntityIds } from "../core/kinds";
import { listData, memberOrganizationId, memberUserId, metadataOf, type EntityMetadata } from "./answers";
import { callClerk } from "./call";
import { requiredId, type MetadataApi } from "./metadataApi";
import type { ClerkSettings } from "./settings";

const spec = kinds.organizationMembership;
const isMembership = (ids: EntityIds) => (entity: Record<string, unknown>) =>
  memberUserId(entity) === ids.userId && memberOrganizationId(entity) === ids.organizationId;

/**
 * An organization membership's metadata: `organizations.getOrganizationMembershipList` filtered
 * by user (limit 1) to read, `updateOrganizationMembershipMetadata` (PATCH) to write. Clerk has
 * no replace for memberships.
 */
export const membershipApi: MetadataApi = {
  read: async (settings, ids, operation) => {
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
  },
  patch: (settings, ids, body, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) =>
        client.organizations.updateOrganizationMembershipMetadata({
          organizationId: requiredId(ids, "organizationId"),
          userId: requiredId(ids, "userId"),
          ...body,
        }),
      (answer) => metadataOf(spec, answer, isMembership(ids)),
    ),
};

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
