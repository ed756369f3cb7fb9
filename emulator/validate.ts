import { ApiError, invalidParam, missingParam, unknownParam } from "./errors";
import { isJsonObject } from "./merge";
import type { Metadata } from "./types";

/** The largest JSON encoding, in UTF-8 bytes, Clerk accepts for one metadata field. */
export const METADATA_LIMIT_BYTES = 8192;

/** The metadata fields of users; organizations and memberships have only the first two. */
export type MetadataField = "public_metadata" | "private_metadata" | "unsafe_metadata";

/** How a metadata write treats the existing value. */
export type MetadataMode = "merge" | "replace";

/** How a request body's metadata field is read: written into an existing entity, or a new one's. */
export type MetadataUse = MetadataMode | "create";

/**
 * Reads one metadata field from a request body. Absent → `undefined` (leave untouched). `null` → `null`
 * when replacing (`PUT`: the store decides between JSON `null` and `{}`, see `ReplaceNull`), `undefined`
 * when merging (`PATCH`: left untouched) or creating (the default `{}`). Anything but a JSON object → 422
 * `form_param_value_invalid`.
 */
export function readMetadata(
  body: Record<string, unknown>,
  field: MetadataField,
  use: MetadataUse,
): Metadata | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return use === "replace" ? null : undefined;
  if (!isJsonObject(value)) {
    throw invalidParam(field, `${field} must be a valid JSON object.`);
  }
  return value;
}

/**
 * Throws 422 `form_param_unknown` for the first body parameter not in `allowed` (the endpoint's request
 * schema properties in the spec; every metadata body there is `additionalProperties: false`).
 */
export function checkBodyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw unknownParam(key);
}

/** Throws 422 `form_metadata_exceeds_limit` when the field's JSON encoding exceeds 8 KB. */
export function checkMetadataSize(field: MetadataField, value: Metadata | null): void {
  if (value === null) return;
  const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (bytes > METADATA_LIMIT_BYTES) {
    throw new ApiError(
      422,
      "form_metadata_exceeds_limit",
      "metadata exceeds limit",
      `${field} must not exceed ${METADATA_LIMIT_BYTES} bytes; it is ${bytes} bytes.`,
      { param_name: field },
    );
  }
}

/** A body parameter that must be a non-empty string; 422 when missing or of another type. */
export function requireString(body: Record<string, unknown>, param: string): string {
  const value = body[param];
  if (value === undefined || value === null || value === "") throw missingParam(param);
  if (typeof value !== "string") throw invalidParam(param, `${param} must be a string.`);
  return value;
}

/** A body parameter that may be absent or null (→ `undefined`) and otherwise must be a string. */
export function optionalString(body: Record<string, unknown>, param: string): string | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParam(param, `${param} must be a string.`);
  return value;
}
