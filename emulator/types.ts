/** Any value that survives a JSON round trip. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A metadata field: always a JSON object at the top level. */
export type Metadata = { [key: string]: JsonValue };

/**
 * A metadata field as stored: an object, or JSON `null` after a `PUT …/metadata` sent `null` (see
 * `ReplaceNull`). Seeds may start a field at `null` too.
 */
export type StoredMetadata = Metadata | null;

/**
 * A user as the emulator stores it: the snake_case JSON object Clerk returns.
 *
 * Metadata fields are typed `Metadata`, as `@clerk/backend`'s own `User` types them, but any of them can
 * be `null` when a `PUT …/metadata` stored JSON `null` (`replaceNull: "null"`, the default) or a seed
 * set it; `private_metadata` is the one Clerk's `User` schema marks nullable.
 */
export interface UserJson {
  id: string;
  object: "user";
  external_id: string | null;
  primary_email_address_id: string | null;
  primary_phone_number_id: string | null;
  primary_web3_wallet_id: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string;
  has_image: boolean;
  public_metadata: Metadata;
  private_metadata: Metadata;
  unsafe_metadata: Metadata;
  email_addresses: EmailAddressJson[];
  phone_numbers: never[];
  web3_wallets: never[];
  passkeys: never[];
  password_enabled: boolean;
  two_factor_enabled: boolean;
  totp_enabled: boolean;
  backup_code_enabled: boolean;
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
  external_accounts: never[];
  saml_accounts: never[];
  enterprise_accounts: never[];
  last_sign_in_at: number | null;
  banned: boolean;
  locked: boolean;
  lockout_expires_in_seconds: number | null;
  verification_attempts_remaining: number | null;
  created_at: number;
  updated_at: number;
  delete_self_enabled: boolean;
  create_organization_enabled: boolean;
  last_active_at: number | null;
  legal_accepted_at: number | null;
}

/** An email address embedded in a user, verified by an admin as Backend API-created ones are. */
export interface EmailAddressJson {
  id: string;
  object: "email_address";
  email_address: string;
  reserved: boolean;
  verification: {
    object: "verification_admin";
    status: "verified";
    strategy: "admin";
    attempts: null;
    expire_at: null;
  };
  linked_to: never[];
  created_at: number;
  updated_at: number;
}

/**
 * An organization as stored (Clerk's JSON minus `members_count`, which is computed when served). Its
 * metadata fields can be `null` like a user's (see `UserJson`).
 */
export interface OrganizationJson {
  object: "organization";
  id: string;
  name: string;
  slug: string;
  image_url: string;
  has_image: boolean;
  max_allowed_memberships: number;
  admin_delete_enabled: boolean;
  public_metadata: Metadata;
  private_metadata: Metadata;
  created_by: string;
  created_at: number;
  updated_at: number;
  members_count?: number;
}

/** A membership as stored: references to its organization and user, not embedded copies. */
export interface MembershipRecord {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  public_metadata: Metadata;
  private_metadata: Metadata;
  created_at: number;
  updated_at: number;
}

/** A membership as Clerk serves it, with the organization and the user's public data embedded. */
export interface MembershipJson {
  object: "organization_membership";
  id: string;
  role: string;
  role_name: string;
  permissions: string[];
  public_metadata: Metadata;
  private_metadata: Metadata;
  organization: OrganizationJson;
  public_user_data: {
    user_id: string;
    first_name: string | null;
    last_name: string | null;
    profile_image_url: string;
    image_url: string;
    has_image: boolean;
    identifier: string;
    username: string | null;
  };
  created_at: number;
  updated_at: number;
}

/** Initial data for an emulator: ids are generated where absent. */
export interface SeedData {
  users?: Array<{
    id?: string;
    first_name?: string;
    last_name?: string;
    email_address?: string;
    username?: string;
    external_id?: string;
    /** `null` starts the field at JSON `null`, as if someone had sent `PUT …/metadata` with `null`. */
    public_metadata?: Metadata | null;
    private_metadata?: Metadata | null;
    unsafe_metadata?: Metadata | null;
  }>;
  organizations?: Array<{
    id?: string;
    name: string;
    slug?: string;
    created_by?: string;
    /** `null` starts the field at JSON `null`, as if someone had sent `PUT …/metadata` with `null`. */
    public_metadata?: Metadata | null;
    private_metadata?: Metadata | null;
  }>;
  memberships?: Array<{
    organization_id: string;
    user_id: string;
    role?: string;
    public_metadata?: Metadata;
    private_metadata?: Metadata;
  }>;
}

/**
 * How a list filter by ids (`user_id`, `organization_id`) treats ids that name nothing in the instance.
 * Clerk's spec says only "Any user IDs not found are ignored" (GetUserList, ListOrganizationMemberships;
 * "Any organization IDs not found are ignored" for ListOrganizations), which reads two ways:
 * - `"ignored-id"`: an unknown id matches nothing; a filter of only unknown ids lists nothing.
 * - `"dropped-filter"` (default): unknown ids are removed from the filter first; when no included id is
 *   left, the include filter is dropped and the list is unfiltered (exclusions `-id` still apply).
 */
export type UnknownIdFilter = "ignored-id" | "dropped-filter";

/**
 * What `PUT …/metadata` does with a field sent as `null`. `@clerk/backend`'s `replaceUserMetadata` and
 * `replaceOrganizationMetadata` document "`null` to overwrite the field with a JSON `null` value"; the
 * spec's response schemas allow `null` only for `User.private_metadata`.
 * - `"null"` (default): the field is stored and served as JSON `null`, for every field (the SDK's word).
 * - `"empty-object"`: only `User.private_metadata` stores `null`; other fields are cleared to `{}` so
 *   every answer stays valid against the response schemas.
 */
export type ReplaceNull = "null" | "empty-object";

/** A rate limit per secret key: at most `requests` in any `windowMs` milliseconds. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/**
 * A fault to inject. Filters (`method`, `path`) are optional; `count` limits it to the next N matching
 * requests, `fraction` applies it to each matching request with that probability (seeded PRNG).
 * Without `status`, `body` or `drop`, a fault only delays (`latencyMs`) and the request is then served.
 */
export interface Fault {
  /** Answer with this HTTP status and a Clerk error body (or `body`). */
  status?: number;
  body?: string;
  contentType?: string;
  retryAfter?: number;
  latencyMs?: number;
  drop?: boolean;
  method?: string;
  path?: string | RegExp;
  count?: number;
  fraction?: number;
}

/** One entry of the request log. `path` is the full path as received, including `/v1`. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** Query parameters; a repeated one (`user_id=a&user_id=b`) keeps its last value here. */
  query: Record<string, string>;
  /** Every value of every query parameter, in order (`{ user_id: ["a", "b"] }`). */
  queryAll: Record<string, string[]>;
  body: unknown;
  status: number;
  faulted?: boolean;
}

/** Request counters since start or the last `reset()`. */
export interface Counters {
  total: number;
  byStatus: Record<number, number>;
  byMethod: Record<string, number>;
}
