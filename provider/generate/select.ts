import type { JsonObject } from "../core/json";
import { kinds, type KindSpec, type MetadataField } from "../core/kinds";
import { validateMetadata } from "../core/validate";
import type { DeclarationsFile, MembershipEntry, OrganizationEntry, UserEntry } from "../declarations/format";
import type { InstanceSnapshot } from "./entities";
import { GenerateError } from "./failures";
import { membershipName, organizationName, privateConfigKey, uniqueNames } from "./names";
import { countLeaves, isEmptyObject, projectField, type FieldSelection } from "./paths";

/** What to take from a snapshot. */
export interface SelectionRequest {
  /** The subtrees taken of each field (`selectionOf`). */
  paths: FieldSelection;
  /** `omit`: private metadata is counted, never returned; `config`: returned for the stack's secret config. */
  private: "omit" | "config";
  /** Only these organizations and their memberships; `undefined`: every one. */
  organizationIds?: ReadonlySet<string>;
  /** Only these users and their memberships; `undefined`: every one. */
  userIds?: ReadonlySet<string>;
}

/** One entity's private metadata at the selected paths, for the secret config key `key`. */
export interface PrivateValue {
  key: string;
  value: JsonObject;
}

/** Counts per kind. */
export interface KindCounts {
  organizations: number;
  users: number;
  memberships: number;
}

/** The declarations, and what was left out of them. */
export interface SelectionResult {
  declarations: DeclarationsFile;
  /** With `private: "config"`: every entity's non-empty private metadata, by config key. Else empty. */
  privateValues: PrivateValue[];
  /** With `private: "omit"`: the entities whose private metadata was left out, and its leaves. */
  omittedPrivate: { entities: number; keys: number };
  /** Entities the filters kept, per kind (declared or not). */
  considered: KindCounts;
}

/**
 * Turns what was read into declarations, without any I/O: every entity the filters keep that
 * holds something at the selected paths becomes one entry declaring exactly what it holds there
 * (fields a kind lacks are ignored; empty fields are not declared; an entity with nothing to
 * declare has no entry). Private metadata never enters the declarations: with `omit` it is only
 * counted; with `config` it is returned beside them and the entry names its config key. Names are
 * unique within each kind and depend only on the entities (see `uniqueNames`); each list is in name
 * order, as `formatDeclarations` writes it. Throws, naming the
 * entity and the path, when a value would not pass the resources' check (depth, 8 KB per field):
 * a `GenerateError`.
 */
export function selectDeclarations(snapshot: InstanceSnapshot, request: SelectionRequest): SelectionResult {
  const keepOrganization = (id: string) => !request.organizationIds || request.organizationIds.has(id);
  const keepUser = (id: string) => !request.userIds || request.userIds.has(id);
  const organizations = snapshot.organizations.filter((o) => keepOrganization(o.id));
  const users = snapshot.users.filter((u) => keepUser(u.id));
  const memberships = snapshot.memberships.filter(
    (m) => keepOrganization(m.organizationId) && keepUser(m.userId),
  );

  const result: SelectionResult = {
    declarations: { organizations: [], users: [], memberships: [] },
    privateValues: [],
    omittedPrivate: { entities: 0, keys: 0 },
    considered: {
      organizations: organizations.length,
      users: users.length,
      memberships: memberships.length,
    },
  };
  const take = (spec: KindSpec, label: string, configKey: string, held: Record<MetadataField, JsonObject>) =>
    declaredFields(spec, label, configKey, held, request, result);

  const organizationNames = uniqueNames(
    snapshot.organizations.map((o) => ({ key: o.id, preferred: organizationName(o) })),
  );
  for (const organization of organizations) {
    const fields = take(kinds.organization, `organization ${organization.id}`, organization.id, {
      publicMetadata: organization.publicMetadata,
      privateMetadata: organization.privateMetadata,
      unsafeMetadata: {},
    });
    if (!fields) continue;
    const entry: OrganizationEntry = {
      name: organizationNames.get(organization.id)!,
      organizationId: organization.id,
      ...fields,
    };
    if (organization.slug !== null) entry.slug = organization.slug;
    result.declarations.organizations.push(entry);
  }

  const userNames = uniqueNames(users.map((u) => ({ key: u.id, preferred: u.id })));
  for (const user of users) {
    const fields = take(kinds.user, `user ${user.id}`, user.id, user);
    if (fields)
      result.declarations.users.push({
        name: userNames.get(user.id)!,
        userId: user.id,
        ...fields,
      } as UserEntry);
  }

  const membershipKey = (m: { organizationId: string; userId: string }) => `${m.organizationId}/${m.userId}`;
  const membershipNames = uniqueNames(
    memberships.map((m) => {
      const named = organizationNames.get(m.organizationId);
      return {
        key: membershipKey(m),
        preferred: named
          ? `${named}-${m.userId}`
          : membershipName({ id: m.organizationId, slug: m.organizationSlug }, m.userId),
      };
    }),
  );
  for (const membership of memberships) {
    const ids = { organizationId: membership.organizationId, userId: membership.userId };
    const fields = take(
      kinds.organizationMembership,
      `organization membership ${membershipKey(membership)}`,
      privateConfigKey(ids),
      {
        publicMetadata: membership.publicMetadata,
        privateMetadata: membership.privateMetadata,
        unsafeMetadata: {},
      },
    );
    if (!fields) continue;
    const entry: MembershipEntry = {
      name: membershipNames.get(membershipKey(membership))!,
      ...ids,
      ...fields,
    };
    result.declarations.memberships.push(entry);
  }
  for (const list of Object.values(result.declarations) as { name: string }[][]) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return result;
}

/** The declared fields of one entry (`undefined`: nothing to declare), recording its private metadata. */
function declaredFields(
  spec: KindSpec,
  label: string,
  configKey: string,
  held: Record<MetadataField, JsonObject>,
  request: SelectionRequest,
  result: SelectionResult,
):
  | (Partial<Record<"publicMetadata" | "unsafeMetadata", JsonObject>> & { privateMetadataConfig?: string })
  | undefined {
  const fields: Partial<Record<"publicMetadata" | "unsafeMetadata", JsonObject>> & {
    privateMetadataConfig?: string;
  } = {};
  for (const field of spec.metadataFields) {
    const paths = request.paths[field];
    if (!paths) continue;
    const value = projectField(held[field], paths);
    if (isEmptyObject(value)) continue;
    const problem = validateMetadata(field, value).failures[0];
    if (problem)
      throw new GenerateError(
        `${label}: ${problem.property} ${problem.reason}; narrow --path to leave it out`,
      );
    if (field !== "privateMetadata") {
      fields[field] = value;
    } else if (request.private === "config") {
      result.privateValues.push({ key: configKey, value });
      fields.privateMetadataConfig = configKey;
    } else {
      result.omittedPrivate.entities += 1;
      result.omittedPrivate.keys += countLeaves(value);
    }
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}
