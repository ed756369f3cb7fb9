import * as pulumi from "@pulumi/pulumi";
import type { MetadataInput, MetadataOutput } from "./inputTypes";
import type { MetadataProvider } from "../providers/metadataProvider";
import provider = require("../providers/organizationMembership");
import { exposeUndeclared, metadataProps, withSecretOutputs } from "./registration";
import { dynamicResourceType } from "./serializedProvider";
import { kinds } from "../core/kinds";

/** Arguments of `OrganizationMembershipMetadata`; metadata types default to Clerk's global `OrganizationMembership*Metadata` interfaces. */
export interface OrganizationMembershipMetadataArgs<
  Public extends object = OrganizationMembershipPublicMetadata,
  Private extends object = OrganizationMembershipPrivateMetadata,
> {
  /** The organization's Clerk id, `org_…`. Changing it replaces the resource. */
  organizationId: pulumi.Input<string>;
  /** The member's Clerk user id, `user_…`. Changing it replaces the resource. */
  userId: pulumi.Input<string>;
  /** Keys of the membership's `public_metadata` this resource owns. */
  publicMetadata?: MetadataInput<Public>;
  /** Keys of the membership's `private_metadata` this resource owns; always stored as a secret. */
  privateMetadata?: MetadataInput<Private>;
  /** When true, the resource owns each declared field whole and removes keys nobody declared (a read and a patch: memberships have no replace). Default false. */
  authoritative?: pulumi.Input<boolean>;
  /**
   * When true, creating the resource reads the entity first (one GET, batched with other reads)
   * and sends no write when Clerk already holds the declared values: the way to bring keys an
   * instance already has under the stack (`pulumi-clerk-metadata generate` declares with it).
   * Only create reads first; changing it never updates the resource. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The dynamic provider of `OrganizationMembershipMetadata`: writes with
 * `PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata`, reads with
 * `GET /v1/organizations/{organization_id}/memberships?user_id={user_id}&limit=1`.
 */
export const organizationMembershipMetadataProvider: MetadataProvider = provider;

/**
 * Manages the metadata keys one stack owns on one member of a Clerk organization. Its Pulumi id
 * is `org_…/user_…`. Keys it does not declare belong to someone else and are never changed.
 *
 * @example
 * new OrganizationMembershipMetadata("acme-alexis", {
 *   organizationId: "org_2ZUtbk2yvnFGItdeze1ivCh3uqh",
 *   userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
 *   publicMetadata: { department: "eng" },
 * });
 */
export class OrganizationMembershipMetadata<
  Public extends object = OrganizationMembershipPublicMetadata,
  Private extends object = OrganizationMembershipPrivateMetadata,
>
  extends pulumi.CustomResource
{
  /** The organization's Clerk id. */
  declare public readonly organizationId: pulumi.Output<string>;
  /** The member's Clerk user id. */
  declare public readonly userId: pulumi.Output<string>;
  /** What Clerk holds at the owned paths of the membership's `public_metadata`. */
  declare public readonly publicMetadata: pulumi.Output<MetadataOutput<Public> | undefined>;
  /** What Clerk holds at the owned paths of the membership's `private_metadata` (secret). */
  declare public readonly privateMetadata: pulumi.Output<MetadataOutput<Private> | undefined>;
  /** Whether the resource owns its declared fields whole. */
  declare public readonly authoritative: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: OrganizationMembershipMetadataArgs<Public, Private>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const props = metadataProps(kinds.organizationMembership, name, args as never);
    super(dynamicResourceType(kinds.organizationMembership), name, props, withSecretOutputs(opts));
    exposeUndeclared(this, kinds.organizationMembership, props);
  }
}
