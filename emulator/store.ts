import { ApiError, invalidParam, notFound } from "./errors";
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
  SeedData,
  UserJson,
} from "./types";
import { checkMetadataSize, type MetadataField, type MetadataMode } from "./validate";

/** Everything the emulator holds, as written to and read from a data file. */
export interface StoreState {
  users: UserJson[];
  organizations: OrganizationJson[];
  memberships: MembershipRecord[];
}

/** Metadata fields sent in one write; absent fields stay as they are. */
export type MetadataUpdate = Partial<Record<MetadataField, Metadata>>;

/** Query of a membership list. */
export interface MembershipQuery {
  userIds?: string[];
  limit: number;
  offset: number;
}

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

  /** `onChange` receives a copy of all data after every change (to persist it); without it no copy is made. */
  constructor(private readonly onChange?: (state: StoreState) => void) {}

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

  /** Adds seed data through the same validation as the API; throws on the first invalid entry. */
  seed(seed: SeedData): void {
    for (const user of seed.users ?? []) {
      this.createUser({
        ...user,
        email_addresses: user.email_address ? [user.email_address] : [],
      });
    }
    for (const org of seed.organizations ?? []) this.createOrganization(org);
    for (const m of seed.memberships ?? []) {
      this.createMembership(m.organization_id, m.user_id, m.role ?? "org:member", {
        public_metadata: m.public_metadata,
        private_metadata: m.private_metadata,
      });
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
    const next = applyMetadata(user, update, mode);
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

  private serveOrganization(org: OrganizationJson): OrganizationJson {
    return serializeOrganization(org, this.membersCount(org.id));
  }

  /** The organization with this id or slug, or 404. */
  getOrganization(idOrSlug: string): OrganizationJson {
    const org = this.organizations.get(idOrSlug) ?? this.findOrganizationBySlug(idOrSlug);
    if (!org) throw notFound();
    return this.serveOrganization(org);
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
    const next = applyMetadata(org, update, mode);
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

  /** The organization's memberships, newest first, filtered by user ids, paginated. 404 for no such org. */
  listMemberships(orgId: string, query: MembershipQuery): { data: MembershipJson[]; total_count: number } {
    if (!this.organizations.has(orgId)) throw notFound();
    const users = query.userIds && query.userIds.length > 0 ? new Set(query.userIds) : undefined;
    const all = [...this.memberships.values()]
      .filter((m) => m.organization_id === orgId && (!users || users.has(m.user_id)))
      .reverse();
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
    const next = applyMetadata(record, update, "merge");
    next.updated_at = this.now();
    this.memberships.set(key, next);
    this.changed();
    return this.serveMembership(next);
  }
}

/** A deep copy of `target` with the update applied; throws (422) before anything is stored. */
function applyMetadata<T extends Partial<Record<MetadataField, Metadata>>>(
  target: T,
  update: MetadataUpdate,
  mode: MetadataMode,
): T {
  const next = copy(target);
  for (const field of ["public_metadata", "private_metadata", "unsafe_metadata"] as const) {
    const value = update[field];
    if (value === undefined || !(field in target)) continue;
    const result = mode === "merge" ? mergeMetadata(target[field] ?? {}, value) : cloneJson(value);
    checkMetadataSize(field, result);
    next[field] = result as T[typeof field];
  }
  return next;
}
