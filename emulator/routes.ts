import { ApiError, invalidParam, notFound } from "./errors";
import { isJsonObject } from "./merge";
import { deletedObject } from "./serialize";
import type { MetadataUpdate, Store } from "./store";
import {
  optionalString,
  readMetadata,
  requireString,
  type MetadataField,
  type MetadataMode,
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

const USER_FIELDS: MetadataField[] = ["public_metadata", "private_metadata", "unsafe_metadata"];
const ORG_FIELDS: MetadataField[] = ["public_metadata", "private_metadata"];

function metadataUpdate(
  body: Record<string, unknown>,
  fields: MetadataField[],
  mode: MetadataMode,
): MetadataUpdate {
  const update: MetadataUpdate = {};
  for (const field of fields) {
    const value = readMetadata(body, field, mode);
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

/**
 * Answers one request against the store, or throws an `ApiError` (404 for an unknown route). Validates
 * the whole request before calling a store method, and store methods validate before they mutate.
 */
export function route(store: Store, req: RouteRequest): RouteResponse {
  const { method, segments: s, body } = req;
  const ok = (value: unknown): RouteResponse => ({ status: 200, body: value });

  if (s[0] === "users") {
    if (s.length === 1 && method === "POST") {
      return ok(
        store.createUser({
          first_name: optionalString(body, "first_name"),
          last_name: optionalString(body, "last_name"),
          username: optionalString(body, "username"),
          external_id: optionalString(body, "external_id"),
          email_addresses: emailAddresses(body),
          ...metadataUpdate(body, USER_FIELDS, "replace"),
        }),
      );
    }
    if (s.length === 2 && method === "GET") return ok(store.getUser(s[1]));
    if (s.length === 2 && method === "DELETE") {
      store.deleteUser(s[1]);
      return ok(deletedObject("user", s[1]));
    }
    if (s.length === 3 && s[2] === "metadata" && (method === "PATCH" || method === "PUT")) {
      const mode = method === "PATCH" ? "merge" : "replace";
      return ok(store.updateUserMetadata(s[1], metadataUpdate(body, USER_FIELDS, mode), mode));
    }
  }

  if (s[0] === "organizations") {
    if (s.length === 1 && method === "POST") {
      const maxAllowed = body.max_allowed_memberships;
      if (maxAllowed !== undefined && maxAllowed !== null && !Number.isInteger(maxAllowed)) {
        throw invalidParam("max_allowed_memberships", "max_allowed_memberships must be an integer.");
      }
      return ok(
        store.createOrganization({
          name: requireString(body, "name"),
          slug: optionalString(body, "slug"),
          created_by: optionalString(body, "created_by"),
          max_allowed_memberships: (maxAllowed ?? undefined) as number | undefined,
          ...metadataUpdate(body, ORG_FIELDS, "replace"),
        }),
      );
    }
    if (s.length === 2 && method === "GET") return ok(store.getOrganization(s[1]));
    if (s.length === 2 && method === "DELETE") {
      store.deleteOrganization(s[1]);
      return ok(deletedObject("organization", s[1]));
    }
    if (s.length === 3 && s[2] === "metadata" && (method === "PATCH" || method === "PUT")) {
      const mode = method === "PATCH" ? "merge" : "replace";
      return ok(store.updateOrganizationMetadata(s[1], metadataUpdate(body, ORG_FIELDS, mode), mode));
    }
    if (s.length === 3 && s[2] === "memberships" && method === "POST") {
      const userId = requireString(body, "user_id");
      const role = requireString(body, "role");
      return ok(store.createMembership(s[1], userId, role, metadataUpdate(body, ORG_FIELDS, "replace")));
    }
    if (s.length === 3 && s[2] === "memberships" && method === "GET") {
      return ok(
        store.listMemberships(s[1], {
          userIds: req.query.getAll("user_id").filter((id) => id !== ""),
          limit: integerParam(req.query, "limit", 10, 1, 500),
          offset: integerParam(req.query, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
        }),
      );
    }
    if (s.length === 4 && s[2] === "memberships" && method === "DELETE") {
      return ok(store.deleteMembership(s[1], s[3]));
    }
    if (s.length === 5 && s[2] === "memberships" && s[4] === "metadata" && method === "PATCH") {
      return ok(store.updateMembershipMetadata(s[1], s[3], metadataUpdate(body, ORG_FIELDS, "merge")));
    }
  }

  throw notFound();
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
