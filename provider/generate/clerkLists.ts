import type { ClerkClient } from "@clerk/backend";
import { listData } from "../clerk/answers";
import { callClerk } from "../clerk/call";
import { pacerFor } from "../clerk/registry";
import type { ClerkSettings } from "../clerk/settings";
import { isNotFound } from "../core/errors";
import { instanceKindOf } from "../core/instances";
import { kinds, type KindSpec } from "../core/kinds";
import {
  membershipRecordOf,
  organizationRecordOf,
  userRecordOf,
  type MembershipRecord,
  type OrganizationRecord,
  type UserRecord,
} from "./entities";
import type { Page } from "./pager";

/** Clerk's list size `generate` asks for: the most the provider's batched reads ask for too. */
export const pageSize = 100;

/**
 * The Clerk calls `generate` makes, each one read-only and through `callClerk` (pacing, retries,
 * error messages). `requests` counts the HTTP requests sent, retries included; `report` hears of
 * waits before a retry.
 */
export interface ClerkLists {
  /** `organizations.getOrganizationList` (`GET /v1/organizations`), oldest first. */
  organizations(offset: number, limit: number): Promise<Page<OrganizationRecord>>;
  /** `organizations.getOrganization({ slug })` (`GET /v1/organizations/{slug}`); `undefined` when no organization has it. */
  organizationBySlug(slug: string): Promise<OrganizationRecord | undefined>;
  /** `users.getUserList` (`GET /v1/users` and `GET /v1/users/count`), oldest first, optionally only `userIds` (≤ 100). */
  users(offset: number, limit: number, userIds?: string[]): Promise<Page<UserRecord>>;
  /** `organizations.getInstanceOrganizationMembershipList` (`GET /v1/organization_memberships`), oldest first. */
  instanceMemberships(offset: number, limit: number): Promise<Page<MembershipRecord>>;
  /** `organizations.getOrganizationMembershipList` (`GET /v1/organizations/{id}/memberships`), optionally only `userIds` (≤ 100). */
  organizationMemberships(
    organizationId: string,
    offset: number,
    limit: number,
    userIds?: string[],
  ): Promise<Page<MembershipRecord>>;
  /** `users.getOrganizationMembershipList` (`GET /v1/users/{id}/organization_memberships`). */
  userMemberships(userId: string, offset: number, limit: number): Promise<Page<MembershipRecord>>;
  /** HTTP requests sent so far. */
  readonly requests: number;
  /** "in this development instance" (or production, from the key), for messages. */
  readonly where: string;
}

/** What every failure of `generate`'s calls starts with: `generate: list users (offset 0, limit 100) failed with …`. */
const label = "generate";

/** {@link ClerkLists} for `settings`, reporting waits before retries to `report`. */
export function clerkLists(settings: ClerkSettings, report: (text: string) => void): ClerkLists {
  let requests = 0;
  const call = <T>(
    spec: KindSpec,
    operation: string,
    sent: number,
    request: (client: ClerkClient) => Promise<unknown>,
    expect: (answer: unknown) => T,
  ): Promise<T> =>
    callClerk(
      settings,
      { operation, spec, ids: {}, label, report },
      (client) => {
        requests += sent;
        return request(client);
      },
      expect,
    );
  const pageOf =
    <T>(what: string, recordOf: (answer: unknown) => T) =>
    (answer: unknown): Page<T> => {
      const totalCount = (answer as { totalCount?: unknown }).totalCount;
      return {
        items: listData(answer, what).map(recordOf),
        totalCount: typeof totalCount === "number" ? totalCount : undefined,
      };
    };
  const at = (offset: number, limit: number) => `(offset ${offset}, limit ${limit})`;
  const instance = instanceKindOf(settings.secretKey);
  return {
    get requests() {
      return requests;
    },
    where: instance === "unknown" ? "in this Clerk instance" : `in this ${instance} instance`,
    organizations: (offset, limit) =>
      call(
        kinds.organization,
        `list organizations ${at(offset, limit)}`,
        1,
        (client) => client.organizations.getOrganizationList({ limit, offset, orderBy: "+created_at" }),
        pageOf("an organization list", organizationRecordOf),
      ),
    organizationBySlug: async (slug) => {
      try {
        const found = await call(
          kinds.organization,
          `read the organization with slug ${JSON.stringify(slug)}`,
          1,
          (client) => client.organizations.getOrganization({ slug }),
          organizationRecordOf,
        );
        // GET /organizations/{id_or_slug} answers for an id too: only the slug asked for counts.
        return found.slug === slug ? found : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    users: (offset, limit, userIds) =>
      call(
        kinds.user,
        `list users ${at(offset, limit)}`,
        2,
        async (client) => {
          // users.getUserList sends GET /users/count beside GET /users: it takes a second slot.
          const second = settings.rateLimit
            ? await pacerFor(settings.secretKey, settings.rateLimit).acquire(true)
            : undefined;
          try {
            return await client.users.getUserList({ limit, offset, orderBy: "+created_at", userId: userIds });
          } finally {
            second?.();
          }
        },
        pageOf("a user list", userRecordOf),
      ),
    instanceMemberships: (offset, limit) =>
      call(
        kinds.organizationMembership,
        `list the instance's organization memberships ${at(offset, limit)}`,
        1,
        (client) =>
          client.organizations.getInstanceOrganizationMembershipList({
            limit,
            offset,
            orderBy: "+created_at",
          }),
        pageOf("a membership list", membershipRecordOf),
      ),
    organizationMemberships: (organizationId, offset, limit, userIds) =>
      call(
        kinds.organizationMembership,
        `list the memberships of organization ${organizationId} ${at(offset, limit)}`,
        1,
        (client) =>
          client.organizations.getOrganizationMembershipList({
            organizationId,
            limit,
            offset,
            orderBy: "+created_at",
            userId: userIds,
          }),
        pageOf("a membership list", membershipRecordOf),
      ),
    userMemberships: (userId, offset, limit) =>
      call(
        kinds.organizationMembership,
        `list the organization memberships of user ${userId} ${at(offset, limit)}`,
        1,
        (client) => client.users.getOrganizationMembershipList({ userId, limit, offset }),
        pageOf("a membership list", membershipRecordOf),
      ),
  };
}
