import { isPlainObject, type JsonObject } from "../core/json";
import type { KindSpec, MetadataField } from "../core/kinds";

/** The metadata fields of one entity, as Clerk holds them (a field Clerk holds as `null` reads as `{}`). */
export type EntityMetadata = Partial<Record<MetadataField, JsonObject>>;

/**
 * The metadata fields of an answer, after `isAsked` confirmed it is the entity that was asked
 * for. Throws (an unexpected answer) for anything that is not an object, another entity, or a
 * metadata field that is neither an object nor `null`.
 */
export function metadataOf(
  spec: KindSpec,
  answer: unknown,
  isAsked: (entity: Record<string, unknown>) => boolean,
): EntityMetadata {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer))
    throw new Error(`expected the ${spec.entity} object, got ${answer === null ? "null" : typeof answer}`);
  const entity = answer as Record<string, unknown>;
  if (!isAsked(entity)) throw new Error(`expected the ${spec.entity} that was asked for, got another object`);
  const metadata: EntityMetadata = {};
  for (const field of spec.metadataFields) {
    const value = entity[field] ?? {};
    if (!isPlainObject(value)) throw new Error(`${field} is not an object`);
    metadata[field] = value as JsonObject;
  }
  return metadata;
}

/** The `data` array of a paginated list answer (`{ data, totalCount }`); throws when there is none. */
export function listData(answer: unknown, what: string): unknown[] {
  const data = (answer as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`${what} without \`data\``);
  return data;
}

/** The user id of a membership object (`publicUserData.userId`), or `undefined`. */
export function memberUserId(membership: unknown): unknown {
  return (membership as { publicUserData?: { userId?: unknown } } | null)?.publicUserData?.userId;
}

/** The organization id of a membership object (`organization.id`), or `undefined`. */
export function memberOrganizationId(membership: unknown): unknown {
  return (membership as { organization?: { id?: unknown } } | null)?.organization?.id;
}
