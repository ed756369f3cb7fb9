import * as pulumi from "@pulumi/pulumi";
import type { MetadataInput, MetadataOutput } from "./inputTypes";
import type { MetadataProvider } from "../providers/metadataProvider";
import provider = require("../providers/organization");
import { exposeUndeclared, metadataProps, withSecretOutputs } from "./registration";
import { dynamicResourceType } from "./serializedProvider";
import { kinds } from "../core/kinds";

/** Arguments of `OrganizationMetadata`; metadata types default to Clerk's global `Organization*Metadata` interfaces. */
export interface OrganizationMetadataArgs<
  Public extends object = OrganizationPublicMetadata,
  Private extends object = OrganizationPrivateMetadata,
> {
  /** The organization's Clerk id, `org_…`. Changing it replaces the resource. */
  organizationId: pulumi.Input<string>;
  /** Keys of `public_metadata` this resource owns. */
  publicMetadata?: MetadataInput<Public>;
  /** Keys of `private_metadata` this resource owns; always stored as a secret. */
  privateMetadata?: MetadataInput<Private>;
  /** When true, the resource owns each declared field whole and removes keys nobody declared. Default false. */
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
 * The dynamic provider of `OrganizationMetadata`: writes with
 * `PATCH /v1/organizations/{organization_id}/metadata` (`PUT` when authoritative), reads with
 * `GET /v1/organizations/{organization_id}`.
 */
export const organizationMetadataProvider: MetadataProvider = provider;

/**
 * Manages the metadata keys one stack owns on one Clerk organization. Keys it does not declare
 * belong to someone else and are never changed; a key declared `null` must be absent.
 *
 * @example
 * new OrganizationMetadata("acme", {
 *   organizationId: "org_2ZUtbk2yvnFGItdeze1ivCh3uqh",
 *   publicMetadata: { plan: "pro", limits: { seats: 25 } },
 *   privateMetadata: { billingId: "cus_123" },
 * });
 */
export class OrganizationMetadata<
  Public extends object = OrganizationPublicMetadata,
  Private extends object = OrganizationPrivateMetadata,
>
  extends pulumi.CustomResource
{
  /** The organization's Clerk id. */
  declare public readonly organizationId: pulumi.Output<string>;
  /** What Clerk holds at the owned paths of `public_metadata`. */
  declare public readonly publicMetadata: pulumi.Output<MetadataOutput<Public> | undefined>;
  /** What Clerk holds at the owned paths of `private_metadata` (secret). */
  declare public readonly privateMetadata: pulumi.Output<MetadataOutput<Private> | undefined>;
  /** Whether the resource owns its declared fields whole. */
  declare public readonly authoritative: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: OrganizationMetadataArgs<Public, Private>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const props = metadataProps(kinds.organization, name, args as never);
    super(dynamicResourceType(kinds.organization), name, props, withSecretOutputs(opts));
    exposeUndeclared(this, kinds.organization, props);
  }
}
