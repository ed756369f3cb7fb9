import { pageSize, type ClerkLists } from "./clerkLists";
import type { InstanceSnapshot, MembershipRecord, OrganizationRecord, UserRecord } from "./entities";
import { GenerateError } from "./failures";
import { readAllPages, type Page } from "./pager";

/** The kinds `generate` reads, as progress names them. */
export type KindLabel = "organizations" | "users" | "memberships";

/** Which entities to read: every one of a kind, unless its filter names some. */
export interface ReadPlan {
  organizationSlugs: readonly string[];
  userIds: readonly string[];
}

/** What a read found. */
export interface ReadResult {
  snapshot: InstanceSnapshot;
  /** The organizations the slugs named, when `--organization` was given. */
  organizationIds: Set<string> | undefined;
  /** The users asked for, when `--user` was given. */
  userIds: Set<string> | undefined;
  /** Sentences about a list that changed while it was read. */
  warnings: string[];
}

/**
 * Hears of every page read: the kind, the entities of that kind read so far, and how many there
 * are in all when that is known.
 */
export type PageListener = (kind: KindLabel, read: number, total: number | undefined) => void;

/**
 * Reads what `plan` asks for through `lists`, read-only, 100 entities a page:
 * - organizations: every one (`GET /v1/organizations`, paged), or one GET per `--organization`
 *   slug, where a slug no organization has is an error naming it;
 * - users: every one (`GET /v1/users` + `/v1/users/count`, paged), or those of `--user` (up to
 *   100 ids a request), where an id Clerk does not list is an error naming it;
 * - memberships: of the chosen organizations (`GET /v1/organizations/{id}/memberships`, paged per
 *   organization, filtered by the `--user` ids), else of the chosen users
 *   (`GET /v1/users/{id}/organization_memberships`, paged per user), else every one of the
 *   instance (`GET /v1/organization_memberships`, paged).
 * The organizations and users a filter names are read first (an unknown one fails before anything
 * else is read), then every organization or user of an unfiltered kind, both at once, then the
 * memberships. What Clerk answers
 * is filtered here too, since Clerk ignores ids it does not know in its filters. A list whose
 * total changed between pages is read whole still (each entity once) and reported in `warnings`.
 */
export async function readInstance(
  lists: ClerkLists,
  plan: ReadPlan,
  onPage: PageListener,
): Promise<ReadResult> {
  const warnings: string[] = [];
  const read = new Reader(lists, onPage, warnings);
  // The filters are checked first, so an unknown slug or id fails before the rest is read.
  const chosenOrganizations = plan.organizationSlugs.length > 0 ? await read.organizations(plan) : undefined;
  const chosenUsers = plan.userIds.length > 0 ? await read.users(plan) : undefined;
  const [organizations, users] = await Promise.all([
    chosenOrganizations ?? read.organizations(plan),
    chosenUsers ?? read.users(plan),
  ]);
  const memberships = await read.memberships(plan, organizations);
  return {
    snapshot: { organizations, users, memberships },
    organizationIds: plan.organizationSlugs.length > 0 ? new Set(organizations.map((o) => o.id)) : undefined,
    userIds: plan.userIds.length > 0 ? new Set(plan.userIds) : undefined,
    warnings,
  };
}

const membershipKey = (m: MembershipRecord) => `${m.organizationId}/${m.userId}`;

/** The three reads of one run, sharing the lists, the listener and the warnings. */
class Reader {
  constructor(
    private readonly lists: ClerkLists,
    private readonly onPage: PageListener,
    private readonly warnings: string[],
  ) {}

  /** Every entry of one paged list; `before` entries of the kind were read already (progress counts on). */
  private async walk<T>(
    kind: KindLabel,
    fetch: (offset: number, limit: number) => Promise<Page<T>>,
    keyOf: (item: T) => string,
    before?: number,
  ): Promise<T[]> {
    const walk = await readAllPages(pageSize, fetch, keyOf, (read, total) =>
      this.onPage(kind, (before ?? 0) + read, before === undefined ? total : undefined),
    );
    if (walk.totals.length > 1) {
      this.warnings.push(
        `Clerk's count of ${kind} changed while they were read (${walk.totals.join(" → ")}): ` +
          "the instance changed meanwhile; run generate again for a consistent snapshot.",
      );
    }
    return walk.items;
  }

  async organizations(plan: ReadPlan): Promise<OrganizationRecord[]> {
    if (plan.organizationSlugs.length === 0) {
      return this.walk(
        "organizations",
        (offset, limit) => this.lists.organizations(offset, limit),
        (o) => o.id,
      );
    }
    const found: OrganizationRecord[] = [];
    const unknown: string[] = [];
    for (const slug of plan.organizationSlugs) {
      const organization = await this.lists.organizationBySlug(slug);
      if (organization) found.push(organization);
      else unknown.push(slug);
      this.onPage("organizations", found.length, plan.organizationSlugs.length);
    }
    if (unknown.length > 0) {
      const these = unknown.length === 1 ? "this slug" : "these slugs";
      throw new GenerateError(
        `--organization ${unknown.join(", ")}: no organization has ${these} ${this.lists.where}; ` +
          "check the slug in the organization's settings in Clerk (nothing was written).",
      );
    }
    return found;
  }

  async users(plan: ReadPlan): Promise<UserRecord[]> {
    if (plan.userIds.length === 0) {
      return this.walk(
        "users",
        (offset, limit) => this.lists.users(offset, limit),
        (u) => u.id,
      );
    }
    const wanted = new Set(plan.userIds);
    const found = new Map<string, UserRecord>();
    for (let start = 0; start < plan.userIds.length; start += pageSize) {
      // One page holds every user a filter of at most 100 ids lists.
      const page = await this.lists.users(0, pageSize, plan.userIds.slice(start, start + pageSize));
      for (const user of page.items) if (wanted.has(user.id)) found.set(user.id, user);
      this.onPage("users", found.size, plan.userIds.length);
    }
    const missing = plan.userIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new GenerateError(
        `--user ${missing.join(", ")}: no such user ${this.lists.where}; ` +
          "check the id in Clerk's dashboard (nothing was written).",
      );
    }
    return plan.userIds.map((id) => found.get(id)!);
  }

  async memberships(plan: ReadPlan, organizations: OrganizationRecord[]): Promise<MembershipRecord[]> {
    if (plan.organizationSlugs.length === 0 && plan.userIds.length === 0) {
      return this.walk(
        "memberships",
        (offset, limit) => this.lists.instanceMemberships(offset, limit),
        membershipKey,
      );
    }
    const all: MembershipRecord[] = [];
    if (plan.organizationSlugs.length > 0) {
      const users =
        plan.userIds.length > 0 && plan.userIds.length <= pageSize ? [...plan.userIds] : undefined;
      for (const { id } of organizations) {
        const fetch = (offset: number, limit: number) =>
          this.lists.organizationMemberships(id, offset, limit, users);
        const read = await this.walk("memberships", fetch, membershipKey, all.length);
        all.push(...read.filter((m) => m.organizationId === id));
      }
    } else {
      for (const userId of plan.userIds) {
        const fetch = (offset: number, limit: number) => this.lists.userMemberships(userId, offset, limit);
        const read = await this.walk("memberships", fetch, membershipKey, all.length);
        all.push(...read.filter((m) => m.userId === userId));
      }
    }
    return all;
  }
}
