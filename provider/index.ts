/**
 * pulumi-clerk-metadata: Clerk user, organization and membership metadata as Pulumi resources.
 * Each resource owns the leaf keys it declares and leaves every other key alone.
 */
export { UserMetadata, userMetadataProvider, type UserMetadataArgs } from "./resources/userMetadata";
export {
  OrganizationMetadata,
  organizationMetadataProvider,
  type OrganizationMetadataArgs,
} from "./resources/organizationMetadata";
export {
  OrganizationMembershipMetadata,
  organizationMembershipMetadataProvider,
  type OrganizationMembershipMetadataArgs,
} from "./resources/organizationMembershipMetadata";
export type { MetadataProvider } from "./providers/metadataProvider";
export type { DeepInput, MetadataInput, MetadataOutput, JsonObjectInput } from "./resources/inputTypes";
export type { JsonObject, JsonValue } from "./core/json";
export type { MetadataInputs, MetadataOutputs } from "./core/outputs";
export type { OwnershipTree, LeafMark } from "./core/ownership";
export { ClerkOperationError, InvalidDeclarationError, MissingSecretKeyError } from "./core/errors";
export {
  getOrganization,
  getOrganizationOutput,
  getUser,
  getUserOutput,
  getOrganizationMembership,
  getOrganizationMembershipOutput,
  type GetOrganizationArgs,
  type GetOrganizationOutputArgs,
  type GetOrganizationResult,
  type GetUserArgs,
  type GetUserOutputArgs,
  type GetUserResult,
  type GetOrganizationMembershipArgs,
  type GetOrganizationMembershipOutputArgs,
  type GetOrganizationMembershipResult,
} from "./lookups";
export { LookupError } from "./core/errors";
export { declareFromFile, type DeclaredMetadata } from "./declarations/declareFromFile";
export {
  parseDeclarations,
  formatDeclarations,
  type DeclarationsFile,
  type OrganizationEntry,
  type UserEntry,
  type MembershipEntry,
} from "./declarations/format";
