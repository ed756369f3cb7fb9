import { kinds, type EntityIds } from "../core/kinds";
import { listData, type EntityMetadata } from "./answers";
import { entityCallOf, requiredId, type MetadataApi } from "./metadataApi";
import { readBatched, type ListReader } from "./readBatcher";
import type { ClerkSettings } from "./settings";

const spec = kinds.organization;
const isOrganization = (ids: EntityIds) => (entity: Record<string, unknown>) =>
  entity.id === ids.organizationId;
const entityCall = entityCallOf(spec, isOrganization);

/** One organization's own read: `organizations.getOrganization` (`GET /v1/organizations/{id}`). */
function readOrganization(
  settings: ClerkSettings,
  ids: EntityIds,
  operation: string,
): Promise<EntityMetadata> {
  return entityCall(settings, ids, operation, (client) =>
    client.organizations.getOrganization({ organizationId: requiredId(ids, "organizationId") }),
  );
}

/** Organizations read together: `organizations.getOrganizationList({ organizationId, limit })` (`{ data, total_count }`). */
export const organizationLists: ListReader = {
  spec,
  groupOf: () => "",
  keyOf: (ids) => requiredId(ids, "organizationId"),
  idsOf: (_group, organizationId) => ({ organizationId }),
  singleReadsUpTo: 1,
  list: (_settings, client, _group, organizationIds) =>
    client.organizations.getOrganizationList({
      organizationId: organizationIds,
      limit: organizationIds.length,
    }),
  entriesOf: (answer) => ({
    entries: listData(answer, "an organization list"),
    totalCount: (answer as { totalCount?: unknown }).totalCount,
  }),
  placeOf: (organization) => ({ group: "", key: (organization as { id?: unknown }).id }),
  readOne: readOrganization,
};

/**
 * An organization's metadata: `organizations.getOrganization`, or a share of
 * `organizations.getOrganizationList` when reads wait together (see `readBatcher.ts`),
 * `updateOrganizationMetadata` (PATCH) and `replaceOrganizationMetadata` (PUT).
 */
export const organizationApi: MetadataApi = {
  read: (settings, ids, operation, options) =>
    readBatched(organizationLists, settings, ids, operation, options),
  patch: (settings, ids, body, operation) =>
    entityCall(settings, ids, operation, (client) =>
      client.organizations.updateOrganizationMetadata(requiredId(ids, "organizationId"), body),
    ),
  replace: (settings, ids, fields, operation) =>
    entityCall(settings, ids, operation, (client) =>
      client.organizations.replaceOrganizationMetadata(requiredId(ids, "organizationId"), fields),
    ),
};
