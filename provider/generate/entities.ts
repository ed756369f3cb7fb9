import { metadataOf } from "../clerk/answers";
import type { JsonObject } from "../core/json";
import { kinds } from "../core/kinds";

/** An organization as `generate` reads it: its id, slug and metadata (a `null` field reads as `{}`). */
export interface OrganizationRecord {
  id: string;
  slug: string | null;
  publicMetadata: JsonObject;
  privateMetadata: JsonObject;
}

/** A user as `generate` reads it. */
export interface UserRecord {
  id: string;
  publicMetadata: JsonObject;
  privateMetadata: JsonObject;
  unsafeMetadata: JsonObject;
}

/** A membership as `generate` reads it, with the slug of its organization (for its resource name). */
export interface MembershipRecord {
  organizationId: string;
  organizationSlug: string | null;
  userId: string;
  publicMetadata: JsonObject;
  privateMetadata: JsonObject;
}

/** Everything read from one instance, each kind in the order Clerk listed it, no entity twice. */
export interface InstanceSnapshot {
  organizations: OrganizationRecord[];
  users: UserRecord[];
  memberships: MembershipRecord[];
}

const always = () => true;

/**
 * The organization in one SDK `Organization` (from a list or a GET); throws, as an unexpected
 * answer, for anything without a string id or with a metadata field that is not an object.
 */
export function organizationRecordOf(answer: unknown): OrganizationRecord {
  const metadata = metadataOf(kinds.organization, answer, always);
  const organization = answer as { id?: unknown; slug?: unknown };
  if (typeof organization.id !== "string") throw new Error("an organization without an id");
  return {
    id: organization.id,
    slug: typeof organization.slug === "string" && organization.slug !== "" ? organization.slug : null,
    publicMetadata: metadata.publicMetadata ?? {},
    privateMetadata: metadata.privateMetadata ?? {},
  };
}

/** The user in one SDK `User`; throws like {@link organizationRecordOf}. */
export function userRecordOf(answer: unknown): UserRecord {
  const metadata = metadataOf(kinds.user, answer, always);
  const user = answer as { id?: unknown };
  if (typeof user.id !== "string") throw new Error("a user without an id");
  return {
    id: user.id,
    publicMetadata: metadata.publicMetadata ?? {},
    privateMetadata: metadata.privateMetadata ?? {},
    unsafeMetadata: metadata.unsafeMetadata ?? {},
  };
}

/**
 * The membership in one SDK `OrganizationMembership` (its `organization` and
 * `publicUserData.userId` name the entity); throws like {@link organizationRecordOf}.
 */
export function membershipRecordOf(answer: unknown): MembershipRecord {
  const metadata = metadataOf(kinds.organizationMembership, answer, always);
  const membership = answer as {
    organization?: { id?: unknown; slug?: unknown } | null;
    publicUserData?: { userId?: unknown } | null;
  };
  const organizationId = membership.organization?.id;
  const userId = membership.publicUserData?.userId;
  if (typeof organizationId !== "string") throw new Error("a membership without organization.id");
  if (typeof userId !== "string") throw new Error("a membership without public_user_data.user_id");
  const slug = membership.organization?.slug;
  return {
    organizationId,
    organizationSlug: typeof slug === "string" && slug !== "" ? slug : null,
    userId,
    publicMetadata: metadata.publicMetadata ?? {},
    privateMetadata: metadata.privateMetadata ?? {},
  };
}
