import { ApiError, invalidParam, routeNotFound } from "./errors";
import { parseIdFilter, parseOrdering } from "./filters";
import { filterUsersByAttributes, parseUserAttributeFilters } from "./userFilters";
import { isJsonObject } from "./merge";
import { deletedObject } from "./serialize";
import type { MetadataUpdate, Page, Store } from "./store";
import {
  checkBodyKeys,
  optionalString,
  readMetadata,
  requireString,
  type MetadataField,
  type MetadataUse,
} from "./validate";

/** A parsed request as the routes see it. */
export interface RouteRequest {
  method: string;
  /** Path segments after `/v1`, URL-decoded. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body: always an object (an absent body is `{}`). */
  body: Record<string, unknown>;
}

/** A successful answer: status and a JSON-serialisable body. */
export interface RouteResponse {
  status: number;
  body: unknown;
}

/** What a handler gets: the store, the request, and the values of the pattern's `:name` segments. */
interface HandlerInput {
  store: Store;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** One endpoint: method, path pattern after `/v1` (`:name` matches one segment), allowed body keys. */
interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  pattern: string;
  /**
   * The request body's properties in the spec; any other key is 422 `form_param_unknown`. Absent for
   * GET and DELETE (no body is read).
   */
  body?: readonly string[];
  handler: (input: HandlerInput) => unknown;
}

const USER_FIELDS: MetadataField[] = ["public_metadata", "private_metadata", "unsafe_metadata"];
const ORG_FIELDS: MetadataField[] = ["public_metadata", "private_metadata"];

/**
 * `CreateUser`'s body properties (spec, `additionalProperties: false`). The emulator models
 * `first_name`, `last_name`, `username`, `external_id`, `email_address` and the metadata; the other
 * properties are accepted and ignored.
 */
const CREATE_USER_BODY = [
  "external_id",
  "first_name",
  "last_name",
  "locale",
  "email_address",
  "email_address_identification_status",
  "phone_number",
  "phone_number_identification_status",
  "web3_wallet",
  "username",
  "password",
  "password_digest",
  "password_hasher",
  "skip_password_checks",
  "skip_password_requirement",
  "skip_user_requirement",
  "totp_secret",
  "backup_codes",
  "public_metadata",
  "private_metadata",
  "unsafe_metadata",
  "delete_self_enabled",
  "legal_accepted_at",
  "skip_legal_checks",
  "create_organization_enabled",
  "create_organizations_limit",
  "created_at",
  "banned",
  "locked",
  "bypass_client_trust",
] as const;

/** `CreateOrganization`'s body properties; `role_set_key` and `created_at` are accepted and ignored. */
const CREATE_ORG_BODY = [
  "name",
  "created_by",
  "private_metadata",
  "public_metadata",
  "slug",
  "max_allowed_memberships",
  "created_at",
  "role_set_key",
] as const;

/** `CreateOrganizationMembership`'s body properties. */
const CREATE_MEMBERSHIP_BODY = ["user_id", "role", "public_metadata", "private_metadata"] as const;

function metadataUpdate(
  body: Record<string, unknown>,
  fields: MetadataField[],
  use: MetadataUse,
): MetadataUpdate {
  const update: MetadataUpdate = {};
  for (const field of fields) {
    const value = readMetadata(body, field, use);
    if (value !== undefined) update[field] = value;
  }
  return update;
}

function integerParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(name, `${name} must be an integer between ${min} and ${max}.`);
  }
  return value;
}

/** `limit` (1–500, default 10) and `offset` (≥ 0, default 0): the spec's `LimitParameter`/`OffsetParameter`. */
function page(query: URLSearchParams): Page {
  return {
    limit: integerParam(query, "limit", 10, 1, 500),
    offset: integerParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** A repeatable id filter, or `undefined` when the parameter is absent or only empty values. */
function idFilter(query: URLSearchParams, name: string) {
  const values = query.getAll(name).filter((value) => value.trim() !== "");
  return values.length > 0 ? parseIdFilter(name, values) : undefined;
}

function emailAddresses(body: Record<string, unknown>): string[] {
  const raw = body.email_address;
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  for (const item of list) {
    if (typeof item !== "string" || !/^[^@\s]+@[^@\s]+$/.test(item)) {
      throw invalidParam("email_address", "email_address must be a valid email address.");
    }
  }
  return list as string[];
}

const writeMode = (method: string) => (method === "PATCH" ? "merge" : "replace");

/** The Backend API endpoints the emulator answers, matched in order (literal segments before `:id`). */
const ROUTES: Route[] = [
  // Users
  {
    // GetUserList: a bare array of users (`User.List`), not `{ data, total_count }`.
    method: "GET",
    pattern: "/users",
    handler: ({ store, query }) => {
      const listed = {
        userIds: idFilter(query, "user_id"),
        ordering: parseOrdering(query.getAll("order_by"), "-created_at", ["created_at", "updated_at"]),
        ...page(query),
      };
      const filters = parseUserAttributeFilters(query);
      if (!filters) return store.listUsers(listed);
      // email_address / username / external_id (userFilters.ts): filter every user, then page.
      const all = { offset: 0, limit: Number.MAX_SAFE_INTEGER };
      const kept = filterUsersByAttributes(
        store.listUsers({ ...listed, ...all }),
        store.listUsers(all),
        filters,
        store.readings.unknownIdFilter,
      );
      return kept.slice(listed.offset, listed.offset + listed.limit);
    },
  },
  {
    // GetUsersCount: `{ object: "total_count", total_count }` (`TotalCount`).
    method: "GET",
    pattern: "/users/count",
    handler: ({ store, query }) => {
      const userIds = idFilter(query, "user_id");
      const filters = parseUserAttributeFilters(query);
      const all = { offset: 0, limit: Number.MAX_SAFE_INTEGER };
      const count = filters
        ? filterUsersByAttributes(
            store.listUsers({ userIds, ...all }),
            store.listUsers(all),
            filters,
            store.readings.unknownIdFilter,
          ).length
        : store.countUsers({ userIds });
      return { object: "total_count", total_count: count };
    },
  },
  {
    method: "POST",
    pattern: "/users",
    body: CREATE_USER_BODY,
    handler: ({ store, body }) =>
      store.createUser({
        first_name: optionalString(body, "first_name"),
        last_name: optionalString(body, "last_name"),
        username: optionalString(body, "username"),
        external_id: optionalString(body, "external_id"),
        email_addresses: emailAddresses(body),
        ...metadataUpdate(body, USER_FIELDS, "create"),
      }),
  },
  {
    method: "GET",
    pattern: "/users/:user_id",
    handler: ({ store, params }) => store.getUser(params.user_id),
  },
  {
    method: "DELETE",
    pattern: "/users/:user_id",
    handler: ({ store, params }) => {
      store.deleteUser(params.user_id);
      return deletedObject("user", params.user_id);
    },
  },
  ...(["PATCH", "PUT"] as const).map((method): Route => ({
    // UpdateUserMetadata (deep merge) / ReplaceUserMetadata.
    method,
    pattern: "/users/:user_id/metadata",
    body: USER_FIELDS,
    handler: ({ store, params, body }) =>
      store.updateUserMetadata(
        params.user_id,
        metadataUpdate(body, USER_FIELDS, writeMode(method)),
        writeMode(method),
      ),
  })),

  // Organizations
  {
    // ListOrganizations: `{ data, total_count }` (`Organizations`).
    method: "GET",
    pattern: "/organizations",
    handler: ({ store, query }) =>
      store.listOrganizations({
        organizationIds: idFilter(query, "organization_id"),
        ordering: parseOrdering(query.getAll("order_by"), "-created_at", [
          "created_at",
          "name",
          "members_count",
        ]),
        includeMembersCount: query.get("include_members_count") === "true",
        ...page(query),
      }),
  },
  {
    method: "POST",
    pattern: "/organizations",
    body: CREATE_ORG_BODY,
    handler: ({ store, body }) => {
      const maxAllowed = body.max_allowed_memberships;
      if (maxAllowed !== undefined && maxAllowed !== null && !Number.isInteger(maxAllowed)) {
        throw invalidParam("max_allowed_memberships", "max_allowed_memberships must be an integer.");
      }
      return store.createOrganization({
        name: requireString(body, "name"),
        slug: optionalString(body, "slug"),
        created_by: optionalString(body, "created_by"),
        max_allowed_memberships: (maxAllowed ?? undefined) as number | undefined,
        ...metadataUpdate(body, ORG_FIELDS, "create"),
      });
    },
  },
  {
    method: "GET",
    pattern: "/organizations/:organization_id",
    handler: ({ store, params, query }) =>
      store.getOrganization(params.organization_id, query.get("include_members_count") === "true"),
  },
  {
    method: "DELETE",
    pattern: "/organizations/:organization_id",
    handler: ({ store, params }) => {
      store.deleteOrganization(params.organization_id);
      return deletedObject("organization", params.organization_id);
    },
  },
  ...(["PATCH", "PUT"] as const).map((method): Route => ({
    // MergeOrganizationMetadata / ReplaceOrganizationMetadata.
    method,
    pattern: "/organizations/:organization_id/metadata",
    body: ORG_FIELDS,
    handler: ({ store, params, body }) =>
      store.updateOrganizationMetadata(
        params.organization_id,
        metadataUpdate(body, ORG_FIELDS, writeMode(method)),
        writeMode(method),
      ),
  })),

  // Memberships
  {
    method: "POST",
    pattern: "/organizations/:organization_id/memberships",
    body: CREATE_MEMBERSHIP_BODY,
    handler: ({ store, params, body }) =>
      store.createMembership(
        params.organization_id,
        requireString(body, "user_id"),
        requireString(body, "role"),
        metadataUpdate(body, ORG_FIELDS, "create"),
      ),
  },
  {
    // ListOrganizationMemberships: `{ data, total_count }` (`OrganizationMemberships`).
    method: "GET",
    pattern: "/organizations/:organization_id/memberships",
    handler: ({ store, params, query }) =>
      store.listMemberships(params.organization_id, {
        userIds: idFilter(query, "user_id"),
        ordering: parseOrdering(query.getAll("order_by"), "-created_at", ["created_at"]),
        ...page(query),
      }),
  },
  {
    // InstanceGetOrganizationMemberships: every membership of the instance, `{ data, total_count }`.
    method: "GET",
    pattern: "/organization_memberships",
    handler: ({ store, query }) =>
      store.listInstanceMemberships({
        ordering: parseOrdering(query.getAll("order_by"), "-created_at", ["created_at"]),
        ...page(query),
      }),
  },
  {
    // UsersGetOrganizationMemberships: one user's memberships, `{ data, total_count }`; only limit/offset.
    method: "GET",
    pattern: "/users/:user_id/organization_memberships",
    handler: ({ store, params, query }) => store.listUserMemberships(params.user_id, page(query)),
  },
  {
    method: "DELETE",
    pattern: "/organizations/:organization_id/memberships/:user_id",
    handler: ({ store, params }) => store.deleteMembership(params.organization_id, params.user_id),
  },
  {
    // UpdateOrganizationMembershipMetadata (deep merge); Clerk has no PUT here.
    method: "PATCH",
    pattern: "/organizations/:organization_id/memberships/:user_id/metadata",
    body: ORG_FIELDS,
    handler: ({ store, params, body }) =>
      store.updateMembershipMetadata(
        params.organization_id,
        params.user_id,
        metadataUpdate(body, ORG_FIELDS, "merge"),
      ),
  },
];

/** The `:name` values when `segments` match `pattern`, else `undefined`. `:name` never matches "". */
function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(":")) {
      if (segments[i] === "") return undefined;
      params[parts[i].slice(1)] = segments[i];
    } else if (parts[i] !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

/**
 * Answers one request against the store, or throws an `ApiError` (404 `route_not_found` for an unknown
 * route or method).
 * Validates the whole request (body keys first) before calling a store method, and store methods
 * validate before they mutate.
 */
export function route(store: Store, req: RouteRequest): RouteResponse {
  for (const candidate of ROUTES) {
    if (candidate.method !== req.method) continue;
    const params = matchPattern(candidate.pattern, req.segments);
    if (!params) continue;
    if (candidate.body) checkBodyKeys(req.body, candidate.body);
    return { status: 200, body: candidate.handler({ store, params, query: req.query, body: req.body }) };
  }
  throw routeNotFound(req.method, `/v1/${req.segments.join("/")}`);
}

/** Parses a request body: empty → `{}`; not JSON or not an object → 400 `malformed_request`. */
export function parseBody(raw: string): Record<string, unknown> {
  if (raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw malformed("Request body is not valid JSON.");
  }
  if (!isJsonObject(parsed)) throw malformed("Request body must be a JSON object.");
  return parsed;
}

function malformed(longMessage: string): ApiError {
  return new ApiError(400, "malformed_request", "malformed request", longMessage);
}
