import type { KindName } from "../core/kinds";
import type { MetadataApi } from "./metadataApi";
import { membershipApi } from "./membershipApi";
import { organizationApi } from "./organizationApi";
import { userApi } from "./userApi";

/** The Clerk metadata calls of each resource kind. */
export const metadataApis: Readonly<Record<KindName, MetadataApi>> = {
  user: userApi,
  organization: organizationApi,
  organizationMembership: membershipApi,
};
