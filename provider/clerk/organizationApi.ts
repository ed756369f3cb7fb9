import { kinds, type EntityIds } from "../core/kinds";
import { metadataOf } from "./answers";
import { callClerk } from "./call";
import { requiredId, type MetadataApi } from "./metadataApi";

const spec = kinds.organization;
const isOrganization = (ids: EntityIds) => (entity: Record<string, unknown>) =>
  entity.id === ids.organizationId;

/**
 * An organization's metadata: `organizations.getOrganization`, `updateOrganizationMetadata`
 * (PATCH) and `replaceOrganizationMetadata` (PUT).
 */
export const organizationApi: MetadataApi = {
  read: (settings, ids, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.organizations.getOrganization({ organizationId: requiredId(ids, "organizationId") }),
      (answer) => metadataOf(spec, answer, isOrganization(ids)),
    ),
  patch: (settings, ids, body, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.organizations.updateOrganizationMetadata(requiredId(ids, "organizationId"), body),
      (answer) => metadataOf(spec, answer, isOrganization(ids)),
    ),
  replace: (settings, ids, fields, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.organizations.replaceOrganizationMetadata(requiredId(ids, "organizationId"), fields),
      (answer) => metadataOf(spec, answer, isOrganization(ids)),
    ),
};
