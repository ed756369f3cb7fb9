/**
 * Lookups: find a Clerk organization by slug, a user by email address, external id or username,
 * and a membership by its ids, in Pulumi's `getX` (Promise) and `getXOutput` (Output) forms.
 * They only read, run in the program (so in preview too), and return ids and basic fields, never
 * metadata.
 */
export {
  getOrganization,
  getOrganizationOutput,
  type GetOrganizationArgs,
  type GetOrganizationOutputArgs,
  type GetOrganizationResult,
} from "./organization";
export { getUser, getUserOutput, type GetUserArgs, type GetUserOutputArgs, type GetUserResult } from "./user";
export {
  getOrganizationMembership,
  getOrganizationMembershipOutput,
  type GetOrganizationMembershipArgs,
  type GetOrganizationMembershipOutputArgs,
  type GetOrganizationMembershipResult,
} from "./organizationMembership";
