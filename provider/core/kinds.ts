/** A metadata field of a Clerk entity, named as Clerk's SDK names it. */
export type MetadataField = "publicMetadata" | "privateMetadata" | "unsafeMetadata";

/** An identity input of a resource and the id prefix Clerk gives it. */
export interface IdField {
  name: "userId" | "organizationId";
  prefix: "user_" | "org_";
}

/** The three resource kinds, by the key the provider runtime dispatches on. */
export type KindName = "user" | "organization" | "organizationMembership";

/** Everything that distinguishes one resource kind from another; the rest of the provider is shared. */
export interface KindSpec {
  name: KindName;
  /** The Pulumi resource type name. */
  resourceType: "UserMetadata" | "OrganizationMetadata" | "OrganizationMembershipMetadata";
  /** What people call the entity in messages ("user", "organization", "organization membership"). */
  entity: string;
  /** Identity inputs, in the order they form the Pulumi id (`org_…/user_…`). */
  idFields: readonly IdField[];
  /** The metadata fields this kind has. */
  metadataFields: readonly MetadataField[];
}

const userId: IdField = { name: "userId", prefix: "user_" };
const organizationId: IdField = { name: "organizationId", prefix: "org_" };

/** The spec of every kind, keyed by name. */
export const kinds: Readonly<Record<KindName, KindSpec>> = {
  user: {
    name: "user",
    resourceType: "UserMetadata",
    entity: "user",
    idFields: [userId],
    metadataFields: ["publicMetadata", "privateMetadata", "unsafeMetadata"],
  },
  organization: {
    name: "organization",
    resourceType: "OrganizationMetadata",
    entity: "organization",
    idFields: [organizationId],
    metadataFields: ["publicMetadata", "privateMetadata"],
  },
  organizationMembership: {
    name: "organizationMembership",
    resourceType: "OrganizationMembershipMetadata",
    entity: "organization membership",
    idFields: [organizationId, userId],
    metadataFields: ["publicMetadata", "privateMetadata"],
  },
};

/** The identity of one entity: its id inputs by name. */
export type EntityIds = Partial<Record<IdField["name"], string>>;

/** The Pulumi resource id of an entity: `user_…`, `org_…`, or `org_…/user_…` for a membership. */
export function resourceIdOf(spec: KindSpec, ids: EntityIds): string {
  return spec.idFields.map((field) => ids[field.name] ?? "").join("/");
}

/** The entity ids encoded in a Pulumi resource id, or `undefined` when the id does not fit the kind. */
export function idsFromResourceId(spec: KindSpec, id: string): EntityIds | undefined {
  const parts = id.split("/");
  if (parts.length !== spec.idFields.length) return undefined;
  const ids: EntityIds = {};
  for (const [i, field] of spec.idFields.entries()) {
    if (!isWellFormedId(parts[i], field.prefix)) return undefined;
    ids[field.name] = parts[i];
  }
  return ids;
}

/** True when `value` is a Clerk id of the given prefix made only of letters, digits and `_`. */
export function isWellFormedId(value: string, prefix: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(value) && value.startsWith(prefix) && value.length > prefix.length;
}

/** Describes an entity for messages: `user user_123` or `organization membership org_1/user_2`. */
export function describeEntity(spec: KindSpec, ids: EntityIds): string {
  return `${spec.entity} ${resourceIdOf(spec, ids)}`;
}
