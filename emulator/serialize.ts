import { cloneJson } from "./merge";
import { clerkId } from "./random";
import type {
  MembershipJson,
  MembershipRecord,
  Metadata,
  OrganizationJson,
  StoredMetadata,
  UserJson,
} from "./types";

const IMAGE_BASE = "https://img.clerk.com/";

/** The fields a new user starts from; everything else gets Clerk's defaults for a fresh user. */
export interface NewUser {
  id?: string;
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  external_id?: string | null;
  email_addresses?: string[];
  /** Absent → `{}`; `null` (seeds only) → stored as JSON `null`. */
  public_metadata?: StoredMetadata;
  private_metadata?: StoredMetadata;
  unsafe_metadata?: StoredMetadata;
}

/**
 * A new entity's metadata field: `{}` when absent, else a copy (JSON `null` stays `null`). Typed as
 * `Metadata` like `UserJson`'s fields, which can hold `null` (see there).
 */
function initialMetadata(value: StoredMetadata | undefined): Metadata {
  return (value === undefined ? {} : cloneJson(value)) as Metadata;
}

/** A complete Clerk `User` object for a user created now, with every required field set. */
export function newUserJson(input: NewUser, now: number): UserJson {
  const id = input.id ?? clerkId("user");
  const emails = (input.email_addresses ?? []).map((address) => ({
    id: clerkId("idn"),
    object: "email_address" as const,
    email_address: address,
    reserved: false,
    verification: {
      object: "verification_admin" as const,
      status: "verified" as const,
      strategy: "admin" as const,
      attempts: null,
      expire_at: null,
    },
    linked_to: [],
    created_at: now,
    updated_at: now,
  }));
  return {
    id,
    object: "user",
    external_id: input.external_id ?? null,
    primary_email_address_id: emails[0]?.id ?? null,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: input.username ?? null,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    image_url: `${IMAGE_BASE}${Buffer.from(`default:${id}`).toString("base64url")}`,
    has_image: false,
    public_metadata: initialMetadata(input.public_metadata),
    private_metadata: initialMetadata(input.private_metadata),
    unsafe_metadata: initialMetadata(input.unsafe_metadata),
    email_addresses: emails,
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: now,
    updated_at: now,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

/** The fields a new organization starts from. */
export interface NewOrganization {
  id?: string;
  name: string;
  slug: string;
  created_by?: string;
  max_allowed_memberships?: number;
  /** Absent → `{}`; `null` (seeds only) → stored as JSON `null`. */
  public_metadata?: StoredMetadata;
  private_metadata?: StoredMetadata;
}

/** A complete Clerk `Organization` object (without `members_count`) for an organization created now. */
export function newOrganizationJson(input: NewOrganization, now: number): OrganizationJson {
  const id = input.id ?? clerkId("org");
  return {
    object: "organization",
    id,
    name: input.name,
    slug: input.slug,
    image_url: `${IMAGE_BASE}${Buffer.from(`default-org:${id}`).toString("base64url")}`,
    has_image: false,
    max_allowed_memberships: input.max_allowed_memberships ?? 0,
    admin_delete_enabled: true,
    public_metadata: initialMetadata(input.public_metadata),
    private_metadata: initialMetadata(input.private_metadata),
    created_by: input.created_by ?? "",
    created_at: now,
    updated_at: now,
  };
}

/** A slug derived from a name as Clerk does: lowercase, runs of other characters become `-`. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "organization";
}

/** The organization as served: a deep copy with `members_count` filled in. */
export function serializeOrganization(org: OrganizationJson, membersCount: number): OrganizationJson {
  return { ...cloneOrganization(org), members_count: membersCount };
}

function cloneOrganization(org: OrganizationJson): OrganizationJson {
  return {
    ...org,
    public_metadata: cloneJson(org.public_metadata),
    private_metadata: cloneJson(org.private_metadata),
  };
}

const ROLE_PERMISSIONS: Record<string, string[]> = {
  "org:admin": [
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_domains:read",
    "org:sys_domains:manage",
  ],
  "org:member": ["org:sys_memberships:read"],
};

/** A human role name for a role key (`org:billing_admin` → `Billing Admin`). */
export function roleName(role: string): string {
  const key = role.replace(/^org:/, "");
  return key
    .split(/[_:]/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(" ");
}

/** A Clerk `OrganizationMembership` object, embedding the organization and the user's public data. */
export function serializeMembership(
  record: MembershipRecord,
  org: OrganizationJson,
  membersCount: number,
  user: UserJson,
): MembershipJson {
  const primary = user.email_addresses.find((email) => email.id === user.primary_email_address_id);
  return {
    object: "organization_membership",
    id: record.id,
    role: record.role,
    role_name: roleName(record.role),
    permissions: [...(ROLE_PERMISSIONS[record.role] ?? [])],
    public_metadata: cloneJson(record.public_metadata),
    private_metadata: cloneJson(record.private_metadata),
    organization: serializeOrganization(org, membersCount),
    public_user_data: {
      user_id: user.id,
      first_name: user.first_name,
      last_name: user.last_name,
      profile_image_url: user.image_url,
      image_url: user.image_url,
      has_image: user.has_image,
      identifier: primary?.email_address ?? user.username ?? user.id,
      username: user.username,
    },
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

/** Clerk's `DeletedObject` answer to a DELETE. */
export function deletedObject(object: string, id: string): { object: string; id: string; deleted: true } {
  return { object, id, deleted: true };
}
