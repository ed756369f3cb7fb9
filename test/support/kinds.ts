/**
 * The one kind table of the tests, derived from the provider's own `kinds`: for each kind, by the
 * short name the tests use, its spec, its provider, its resource type, the paths Clerk is called
 * on and what the emulator stores for it.
 */
import type { Emulator } from "../../emulator";
import {
  organizationMembershipMetadataProvider,
  organizationMetadataProvider,
  userMetadataProvider,
  type MetadataProvider,
} from "../../provider";
import { kinds, resourceIdOf, type EntityIds, type KindSpec } from "../../provider/core/kinds";

/** A resource kind by the short name the tests use. */
export type KindKey = "user" | "organization" | "membership";

/** The ids of one entity: `userId`, `organizationId`, or both for a membership. */
export type Ids = EntityIds;

/** What the emulator stores for an entity (snake_case fields). */
export interface StoredMetadata {
  public_metadata: object;
  private_metadata: object;
  unsafe_metadata?: object;
}

/** One resource kind as the tests see it. */
export interface TestKind {
  key: KindKey;
  /** The provider's own spec of the kind. */
  spec: KindSpec;
  provider: MetadataProvider;
  resourceType: KindSpec["resourceType"];
  /** The path the provider writes metadata to, as the tests expect it on the wire. */
  metadataPath(ids: Ids): string;
  /** The path the provider reads the entity with (without the query string). */
  readPath(ids: Ids): string;
  /** What the emulator stores for the entity, read without a logged request. */
  stored(emulator: Emulator, ids: Ids): StoredMetadata | undefined;
}

/** Every kind, by short name, in the order user, organization, membership. */
export const testKinds: Readonly<Record<KindKey, TestKind>> = {
  user: {
    key: "user",
    spec: kinds.user,
    provider: userMetadataProvider,
    resourceType: kinds.user.resourceType,
    metadataPath: ({ userId }) => `/v1/users/${userId}/metadata`,
    readPath: ({ userId }) => `/v1/users/${userId}`,
    stored: (emulator, { userId }) => emulator.data.getUser(userId!),
  },
  organization: {
    key: "organization",
    spec: kinds.organization,
    provider: organizationMetadataProvider,
    resourceType: kinds.organization.resourceType,
    metadataPath: ({ organizationId }) => `/v1/organizations/${organizationId}/metadata`,
    readPath: ({ organizationId }) => `/v1/organizations/${organizationId}`,
    stored: (emulator, { organizationId }) => emulator.data.getOrganization(organizationId!),
  },
  membership: {
    key: "membership",
    spec: kinds.organizationMembership,
    provider: organizationMembershipMetadataProvider,
    resourceType: kinds.organizationMembership.resourceType,
    metadataPath: ({ organizationId, userId }) =>
      `/v1/organizations/${organizationId}/memberships/${userId}/metadata`,
    readPath: ({ organizationId }) => `/v1/organizations/${organizationId}/memberships`,
    stored: (emulator, { organizationId, userId }) => emulator.data.getMembership(organizationId!, userId!),
  },
};

/** The short names of every kind, in table order. */
export const kindKeys: readonly KindKey[] = ["user", "organization", "membership"];

/** The provider of each kind, by short name. */
export const providers: Readonly<Record<KindKey, MetadataProvider>> = {
  user: testKinds.user.provider,
  organization: testKinds.organization.provider,
  membership: testKinds.membership.provider,
};

/** The Pulumi resource type of each kind, by short name. */
export const resourceTypes: Readonly<Record<KindKey, KindSpec["resourceType"]>> = {
  user: testKinds.user.resourceType,
  organization: testKinds.organization.resourceType,
  membership: testKinds.membership.resourceType,
};

/** The Pulumi id of an entity (`user_…`, `org_…`, `org_…/user_…`), as the provider forms it. */
export function resourceId(kind: KindKey, ids: Ids): string {
  return resourceIdOf(testKinds[kind].spec, ids);
}

/** The path the provider PATCHes for an entity. */
export function metadataPath(kind: KindKey, ids: Ids): string {
  return testKinds[kind].metadataPath(ids);
}

/** What the emulator stores for an entity (snake_case), without a logged request. */
export function stored(emulator: Emulator, kind: KindKey, ids: Ids): StoredMetadata | undefined {
  return testKinds[kind].stored(emulator, ids);
}
