import { ApiError, invalidParam, notFound } from "./errors";
import { idMatcher, sortBy, type IdFilter, type Ordering } from "./filters";
import { cloneJson, mergeMetadata } from "./merge";
import { clerkId } from "./random";
import {
  newOrganizationJson,
  newUserJson,
  serializeMembership,
  serializeOrganization,
  slugify,
  type NewOrganization,
  type NewUser,
} from "./serialize";
import type {
  MembershipJson,
  MembershipRecord,
  Metadata,
  OrganizationJson,
  ReplaceNull,
  SeedData,
  StoredMetadata,
  UnknownIdFilter,
  UserJson,
} from "./types";
import { checkMetadataSize, type MetadataField, type MetadataMode } from "./validate";

/** Everything the emulator holds, as written to and read from a data file. */
export interface StoreState {
  users: UserJson[];
  organizations: OrganizationJson[];
  memberships: MembershipRecord[];
}

/** Metadata fields sent in one write; absent fields stay as they are; `null` only in a replace. */
export type MetadataUpdate = Partial<Record<MetadataField, Metadata | null>>;

/** A page of a list: `limit` entries after skipping `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

/** Query of a membership list (`ListOrganizationMemberships`). */
export interface MembershipQuery extends Page {
  /** The `user_id` filter; absent or empty lists every member. */
  userIds?: IdFilter;
  /** Default `-created_at` (newest first, as `@clerk/backend` documents the list). */
  ordering?: Ordering;
}

/** Query of a user list or count (`GetUserList`, `GetUsersCount`). */
export interface UserQuery {
  userIds?: IdFilter;
}

/** Query of an organization list (`ListOrganizations`). */
export interface OrganizationQuery extends Page {
  organizationIds?: IdFilter;
  /** Default `-created_at` ("The organizations are ordered by descending creation date"). */
  ordering?: Ordering;
  /** `include_members_count`: only then does each organization carry `members_count`. */
  includeMembersCount?: boolean;
}

/** The readings of ambiguous Clerk behaviour the store follows (see the types' docs). */
export interface StoreReadings {
  unknownIdFilter: UnknownIdFilter;
  replaceNull: ReplaceNull;
}

const NEWEST_FIRST: Ordering = { field: "created_at", descending: true };

function copy<T>(value: T): T {
  return structuredClone(value);
}

function membershipKey(orgId: string, userId: string): string {
  return `${orgId}\u0000${userId}`;
}

/**
 * The emulator's data. Every method validates fully before it mutates, stores deep copies of its inputs
 * and returns deep copies, so a failed call changes nothing and callers can never alias stored data.
 * `onChange` runs after each successful mutation (used for the data file).
 */
export class Store {
  private users = new Map<string, UserJson>();
  private organizations = new Map<string, OrganizationJson>();
  private memberships = new Map<string, MembershipRecord>();
  private lastTime = 0;

  /**
   * `onChange` receives a copy of all data after every change (to persist it); without it no copy is
   * made. `readings` picks how ambiguous Clerk behaviour is modelled (defaults: `dropped-filter`, `null`).
   */
  constructor(
    private readonly onChange?: (state: StoreState) => void,
    readonly readings: StoreReadings = { unknownIdFilter: "dropped-filter", replaceNull: "null" },
  ) {}

  /** A timestamp in ms that is strictly greater than every one handed out before. */
  private now(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  private changed(): void {
    if (this.onChange) this.onChange(this.snapshot());
  }

  /** A deep copy of all data. */
  snapshot(): StoreState {
    return copy({
      users: [...this.users.values()],
      organizations: [...this.organizations.values()],
      memberships: [...this.memberships.values()],
    });
  }

  /** Replaces all data with a deep copy of `state` (no `onChange`). */
  load(state: StoreState): void {
    this.users = new Map(state.users.map((user) => [user.id, copy(user)]));
    this.organizations = new Map(state.organizations.map((org) => [org.id, copy(org)]));
    this.memberships = new Map(
      state.memberships.map((m) => [membershipKey(m.organization_id, m.user_id), copy(m)]),
    );
    const times = [...state.users, ...state.organizations, ...state.memberships].map((x) => x.updated_at);
    this.lastTime = Math.max(this.lastTime, ...times);
  }

  /**
   * Adds seed data through the same validation as the API; throws on the first invalid entry,
   * including an id that is not shaped like Clerk's (`user_` or `org_` and letters and digits), so
   * a test never builds on an id that no real instance could hold.
   */
  seed(seed: SeedData): void {
    for (const user of seed.users ?? []) {
      if (user.id !== undefined) requireClerkShapedId(user.id, "user");
      const { email_address: email, ...rest } = user;
      this.createUser({ ...rest, email_addresses: email ? [email] : [] });
    }
    for (const org of seed.organizations ?? []) {
      if (org.id !== undefined) requireClerkShapedId(org.id, "org");
      this.createOrganization(org);
    }
    for (const m of seed.memberships ?? []) {
      const metadata: MetadataUpdate = {};
      if (m.public_metadata) metadata.public_metadata = m.public_metadata;
      if (m.private_metadata) metadata.private_metadata = m.private_metadata;
      this.createMembership(m.organization_id, m.user_id, m.role ?? "org:member", metadata);
    }
  }

  // Users

  /** Creates a user; 422 when its id is taken or a metadata field is too large. */
  createUser(input: NewUser): UserJson {
    if (input.id !== undefined && this.users.has(input.id)) {
      throw invalidParam("id", `A user with id ${input.id} already exists.`);
    }
    const user = newUserJson(input, this.now());
    for (const field of ["public_metadata", "private_metadata", "unsafe_metadata"] as const) {
      checkMetadataSize(field, user[field]);
    }
    this.users.set(user.id, user);
    this.changed();
    return copy(user);
  }

  /** The user with this id, or 404. */
  getUser(id: string): UserJson {
    const user = this.users.get(id);
    if (!user) throw notFound();
    return copy(user);
  }

  /**
   * Users newest first (`GetUserList`: "sorted by creation date, with the newest users appearing
   * first"), filtered by `user_id` under the store's `unknownIdFilter` reading, paginated. Clerk answers
   * a bare array (`User.List`); the total comes from `countUsers` (`GetUsersCount`).
   */
  listUsers(query: UserQuery & Page & { ordering?: Ordering }): UserJson[] {
    const users = sortBy(
      this.filterUsers(query),
      (user) => user[(query.ordering ?? NEWEST_FIRST).field as "created_at" | "updated_at"],
      query.ordering ?? NEWEST_FIRST,
    );
    return copy(users.slice(query.offset, query.offset + query.limit));
  }

  /** How many users the filter keeps (`GetUsersCount`, the same `user_id` reading as `listUsers`). */
  countUsers(query: UserQuery): number {
    return this.filterUsers(query).length;
  }

  private filterUsers(query: UserQuery): UserJson[] {
    const all = [...this.users.values()];
    if (!query.userIds) return all;
    const keep = idMatcher(query.userIds, (id) => this.users.has(id), this.readings.unknownIdFilter);
    return all.filter((user) => keep(user.id));
  }

  /** A copy of the stored user, or `undefined` (no error). */
  findUser(id: string): UserJson | undefined {
    const user = this.users.get(id);
    return user && copy(user);
  }

  /** Deletes a user and all its memberships; 404 when absent. */
  deleteUser(id: string): void {
    if (!this.users.has(id)) throw notFound();
    this.users.delete(id);
    for (const [key, m] of this.memberships) if (m.user_id === id) this.memberships.delete(key);
    this.changed();
  }

  /** Merges or replaces the given metadata fields of a user; 404 / 422 change nothing. */
  updateUserMetadata(id: string, update: MetadataUpdate, mode: MetadataMode): UserJson {
    const user = this.users.get(id);
    if (!user) throw notFound();
    const next = applyMetadata(user, update, mode, this.nullFields("user"));
    next.updated_at = this.now();
    this.users.set(id, next);
    this.changed();
    return copy(next);
  }

  // Organizations

  /** Creates an organization; with `created_by`, that user becomes its `org:admin` member. */
  createOrganization(input: Omit<NewOrganization, "slug"> & { slug?: string }): OrganizationJson {
    if (input.id !== undefined && this.organizations.has(input.id)) {
      throw invalidParam("id", `An organization with id ${input.id} already exists.`);
    }
    if (input.created_by !== undefined && !this.users.has(input.created_by)) {
      throw new ApiError(404, "resource_not_found", "not found", `User ${input.created_by} not found.`, {
        param_name: "created_by",
      });
    }
    const slug = input.slug ?? this.freeSlug(input.name);
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(slug)) {
      throw invalidParam("slug", "slug can contain only lowercase alphanumeric characters, - and _.");
    }
    if (this.findOrganizationBySlug(slug)) {
      throw new ApiError(422, "form_identifier_exists", "already exists", "This slug is already taken.", {
        param_name: "slug",
      });
    }
    const org = newOrganizationJson({ ...input, slug }, this.now());
    checkMetadataSize("public_metadata", org.public_metadata);
    checkMetadataSize("private_metadata", org.private_metadata);
    this.organizations.set(org.id, org);
    if (input.created_by !== undefined) {
      this.insertMembership(org.id, input.created_by, "org:admin", {}, {});
    }
    this.changed();
    return this.serveOrganization(org);
  }

  private freeSlug(name: string): string {
    const base = slugify(name);
    let slug = base;
    for (let n = 2; this.findOrganizationBySlug(slug); n++) slug = `${base}-${n}`;
    return slug;
  }

  private findOrganizationBySlug(slug: string): OrganizationJson | undefined {
    for (const org of this.organizations.values()) if (org.slug === slug) return org;
    return undefined;
  }

  private membersCount(orgId: string): number {
    let count = 0;
    for (const m of this.memberships.values()) if (m.organization_id === orgId) count++;
    return count;
  }

  private serveOrganization(org: OrganizationJson, withCount = true): OrganizationJson {
    const served = serializeOrganization(org, this.membersCount(org.id));
    if (!withCount) delete served.members_count;
    return served;
  }

  /**
   * The metadata fields a `PUT` stores as JSON `null` when sent `null`: all of them with
   * `replaceNull: "null"` (the SDK's `replaceUserMetadata`/`replaceOrganizationMetadata` docs), else only
   * `User.private_metadata`, the one field the spec's response schemas mark `nullable`.
   */
  private nullFields(kind: "user" | "organization"): Set<MetadataField> {
    if (this.readings.replaceNull === "null") {
      return new Set(["public_metadata", "private_metadata", "unsafe_metadata"]);
    }
    return new Set(kind === "user" ? ["private_metadata"] : []);
  }

  /**
   * The organization with this id or slug, or 404. `members_count` only with `includeMembersCount`
   * (`GetOrganization`'s `include_members_count`: "whether or not the organization's members count
   * should be included in the response").
   */
  getOrganization(idOrSlug: string, includeMembersCount = true): OrganizationJson {
    const org = this.organizations.get(idOrSlug) ?? this.findOrganizationBySlug(idOrSlug);
    if (!org) throw notFound();
    return this.serveOrganization(org, includeMembersCount);
  }

  /**
   * Organizations, newest first by default (`ListOrganizations`: "ordered by descending creation
   * date"), filtered by `organization_id` under the store's `unknownIdFilter` reading ("Any organization
   * IDs not found are ignored"), paginated; `members_count` only with `include_members_count`.
   */
  listOrganizations(query: OrganizationQuery): { data: OrganizationJson[]; total_count: number } {
    let all = [...this.organizations.values()];
    if (query.organizationIds) {
      const keep = idMatcher(
        query.organizationIds,
        (id) => this.organizations.has(id),
        this.readings.unknownIdFilter,
      );
      all = all.filter((org) => keep(org.id));
    }
    const ordering = query.ordering ?? NEWEST_FIRST;
    const sorted = sortBy(
      all,
      (org) =>
        ordering.field === "members_count"
          ? this.membersCount(org.id)
          : org[ordering.field as "name" | "created_at"],
      ordering,
    );
    const page = sorted.slice(query.offset, query.offset + query.limit);
    return {
      data: page.map((org) => this.serveOrganization(org, query.includeMembersCount === true)),
      total_count: all.length,
    };
  }

  /** A copy of the stored organization (as served), or `undefined`. */
  findOrganization(id: string): OrganizationJson | undefined {
    const org = this.organizations.get(id);
    return org && this.serveOrganization(org);
  }

  /** Deletes an organization and all its memberships; 404 when absent. */
  deleteOrganization(id: string): void {
    if (!this.organizations.has(id)) throw notFound();
    this.organizations.delete(id);
    for (const [key, m] of this.memberships) if (m.organization_id === id) this.memberships.delete(key);
    this.changed();
  }

  /** Merges or replaces the public/private metadata of an organization. */
  updateOrganizationMetadata(id: string, update: MetadataUpdate, mode: MetadataMode): OrganizationJson {
    const org = this.organizations.get(id);
    if (!org) throw notFound();
    const next = applyMetadata(org, update, mode, this.nullFields("organization"));
    next.updated_at = this.now();
    this.organizations.set(id, next);
    this.changed();
    return this.serveOrganization(next);
  }

  // Memberships

  private insertMembership(
    orgId: string,
    userId: string,
    role: string,
    publicMetadata: Metadata,
    privateMetadata: Metadata,
  ): MembershipRecord {
    const now = this.now();
    const record: MembershipRecord = {
      id: clerkId("orgmem"),
      organization_id: orgId,
      user_id: userId,
      role,
      public_metadata: cloneJson(publicMetadata),
      private_metadata: cloneJson(privateMetadata),
      created_at: now,
      updated_at: now,
    };
    this.memberships.set(membershipKey(orgId, userId), record);
    return record;
  }

  private serveMembership(record: MembershipRecord): MembershipJson {
    const org = this.organizations.get(record.organization_id) as OrganizationJson;
    const user = this.users.get(record.user_id) as UserJson;
    return serializeMembership(record, org, this.membersCount(org.id), user);
  }

  /** Adds a user to an organization; 404 for an unknown organization or user, 422 if already a member. */
  createMembership(orgId: string, userId: string, role: string, metadata: MetadataUpdate): MembershipJson {
    if (!this.organizations.has(orgId)) throw notFound();
    if (!this.users.has(userId)) {
      throw new ApiError(404, "resource_not_found", "not found", `User ${userId} not found.`, {
        param_name: "user_id",
      });
    }
    if (this.memberships.has(membershipKey(orgId, userId))) {
      throw new ApiError(
        422,
        "already_a_member_in_organization",
        "already a member",
        `User ${userId} is already a member of the organization.`,
      );
    }
    const publicMetadata = metadata.public_metadata ?? {};
    const privateMetadata = metadata.private_metadata ?? {};
    checkMetadataSize("public_metadata", publicMetadata);
    checkMetadataSize("private_metadata", privateMetadata);
    const record = this.insertMembership(orgId, userId, role, publicMetadata, privateMetadata);
    this.changed();
    return this.serveMembership(record);
  }

  /**
   * The organization's memberships, newest first, filtered by `user_id` under the store's
   * `unknownIdFilter` reading (an id is unknown when no such user exists in the instance; a user who
   * exists but is not a member is known and matches nothing), paginated. 404 for no such org.
   */
  listMemberships(orgId: string, query: MembershipQuery): { data: MembershipJson[]; total_count: number } {
    if (!this.organizations.has(orgId)) throw notFound();
    const keep = query.userIds
      ? idMatcher(query.userIds, (id) => this.users.has(id), this.readings.unknownIdFilter)
      : () => true;
    const all = sortBy(
      [...this.memberships.values()].filter((m) => m.organization_id === orgId && keep(m.user_id)),
      (m) => m.created_at,
      query.ordering ?? NEWEST_FIRST,
    );
    const page = all.slice(query.offset, query.offset + query.limit);
    return { data: page.map((m) => this.serveMembership(m)), total_count: all.length };
  }

  /**
   * Every membership of the instance (`InstanceGetOrganizationMemberships`,
   * `GET /organization_memberships`), newest first by default, paginated; `total_count` counts them all.
   */
  listInstanceMemberships(query: Page & { ordering?: Ordering }): {
    data: MembershipJson[];
    total_count: number;
  } {
    const all = sortBy([...this.memberships.values()], (m) => m.created_at, query.ordering ?? NEWEST_FIRST);
    const page = all.slice(query.offset, query.offset + query.limit);
    return { data: page.map((m) => this.serveMembership(m)), total_count: all.length };
  }

  /**
   * One user's memberships (`UsersGetOrganizationMemberships`, `GET /users/{id}/organization_memberships`),
   * newest first, paginated. 404 for no such user: the spec lists only 200 and 403, and the emulator
   * takes the answer of every other route under `/users/{id}` (see the README).
   */
  listUserMemberships(userId: string, query: Page): { data: MembershipJson[]; total_count: number } {
    if (!this.users.has(userId)) throw notFound();
    const all = sortBy(
      [...this.memberships.values()].filter((m) => m.user_id === userId),
      (m) => m.created_at,
      NEWEST_FIRST,
    );
    const page = all.slice(query.offset, query.offset + query.limit);
    return { data: page.map((m) => this.serveMembership(m)), total_count: all.length };
  }

  /** The membership as served, or `undefined`. */
  findMembership(orgId: string, userId: string): MembershipJson | undefined {
    const record = this.memberships.get(membershipKey(orgId, userId));
    return record && this.serveMembership(record);
  }

  /** Removes a user from an organization and returns the removed membership; 404 when absent. */
  deleteMembership(orgId: string, userId: string): MembershipJson {
    const record = this.memberships.get(membershipKey(orgId, userId));
    if (!record) throw notFound();
    const served = this.serveMembership(record);
    this.memberships.delete(membershipKey(orgId, userId));
    served.organization.members_count = this.membersCount(orgId);
    this.changed();
    return served;
  }

  /** Merges the public/private metadata of a membership. */
  updateMembershipMetadata(orgId: string, userId: string, update: MetadataUpdate): MembershipJson {
    const key = membershipKey(orgId, userId);
    const record = this.memberships.get(key);
    if (!record) throw notFound();
    const next = applyMetadata(record, update, "merge", new Set());
    next.updated_at = this.now();
    this.memberships.set(key, next);
    this.changed();
    return this.serveMembership(next);
  }
}

/**
 * A deep copy of `target` with the update applied; throws (422) before anything is stored. Merging into
 * a field that holds `null` merges into `{}` (RFC 7396 MergePatch, which Clerk's deep merge follows: "If
 * Target is not an Object, Target = {}"). Replacing with `null` stores `null` for the fields in
 * `nullFields`, `{}` for the others.
 */
function applyMetadata<T extends Partial<Record<MetadataField, StoredMetadata>>>(
  target: T,
  update: MetadataUpdate,
  mode: MetadataMode,
  nullFields: Set<MetadataField>,
): T {
  const next = copy(target);
  for (const field of ["public_metadata", "private_metadata", "unsafe_metadata"] as const) {
    const value = update[field];
    if (value === undefined || !(field in target)) continue;
    let result: StoredMetadata;
    if (value === null) result = nullFields.has(field) ? null : {};
    else if (mode === "merge") result = mergeMetadata(target[field] ?? {}, value);
    else result = cloneJson(value);
    checkMetadataSize(field, result);
    next[field] = result as T[typeof field];
  }
  return next;
}

/** Throws, naming the id, unless it is `<prefix>_` followed by letters and digits, as Clerk's ids are. */
function requireClerkShapedId(id: string, prefix: "user" | "org"): void {
  if (!new RegExp(`^${prefix}_[A-Za-z0-9]+$`).test(id))
    throw new Error(
      `seed: ${JSON.stringify(id)} is not shaped like a Clerk ${prefix === "user" ? "user" : "organization"} id (${prefix}_ followed by letters and digits)`,
    );
}
