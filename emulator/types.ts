/** Any value that survives a JSON round trip. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A metadata field: always a JSON object at the top level. */
export type Metadata = { [key: string]: JsonValue };

/** A user as the emulator stores it: the snake_case JSON object Clerk returns. */
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

/** An organization as stored (Clerk's JSON minus `members_count`, which is computed when served). */
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
    public_metadata?: Metadata;
    private_metadata?: Metadata;
    unsafe_metadata?: Metadata;
  }>;
  organizations?: Array<{
    id?: string;
    name: string;
    slug?: string;
    created_by?: string;
    public_metadata?: Metadata;
    private_metadata?: Metadata;
  }>;
  memberships?: Array<{
    organization_id: string;
    user_id: string;
    role?: string;
    public_metadata?: Metadata;
    private_metadata?: Metadata;
  }>;
}

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
  query: Record<string, string>;
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
