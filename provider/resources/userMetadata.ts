import * as pulumi from "@pulumi/pulumi";
import type { MetadataInput, MetadataOutput } from "./inputTypes";
import type { MetadataProvider } from "../providers/metadataProvider";
import provider = require("../providers/user");
import { exposeUndeclared, metadataProps, withSecretOutputs } from "./registration";
import { dynamicResourceType } from "./serializedProvider";
import { kinds } from "../core/kinds";

/** Arguments of `UserMetadata`; metadata types default to Clerk's global `User*Metadata` interfaces. */
export interface UserMetadataArgs<
  Public extends object = UserPublicMetadata,
  Private extends object = UserPrivateMetadata,
  Unsafe extends object = UserUnsafeMetadata,
> {
  /** The user's Clerk id, `user_…`. Changing it replaces the resource. */
  userId: pulumi.Input<string>;
  /** Keys of `public_metadata` this resource owns. */
  publicMetadata?: MetadataInput<Public>;
  /** Keys of `private_metadata` this resource owns; always stored as a secret. */
  privateMetadata?: MetadataInput<Private>;
  /** Keys of `unsafe_metadata` this resource owns. */
  unsafeMetadata?: MetadataInput<Unsafe>;
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
 * The dynamic provider of `UserMetadata`: writes with `PATCH /v1/users/{user_id}/metadata`
 * (`PUT` when authoritative), reads with `GET /v1/users/{user_id}`.
 */
export const userMetadataProvider: MetadataProvider = provider;

/**
 * Manages the metadata keys one stack owns on one Clerk user. Keys it does not declare belong
 * to someone else and are never changed; a key declared `null` must be absent.
 *
 * @example
 * new UserMetadata("alexis", {
 *   userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
 *   publicMetadata: { beta: true },
 *   unsafeMetadata: { theme: "dark" },
 * });
 */
export class UserMetadata<
  Public extends object = UserPublicMetadata,
  Private extends object = UserPrivateMetadata,
  Unsafe extends object = UserUnsafeMetadata,
>
  extends pulumi.CustomResource
{
  /** The user's Clerk id. */
  declare public readonly userId: pulumi.Output<string>;
  /** What Clerk holds at the owned paths of `public_metadata`. */
  declare public readonly publicMetadata: pulumi.Output<MetadataOutput<Public> | undefined>;
  /** What Clerk holds at the owned paths of `private_metadata` (secret). */
  declare public readonly privateMetadata: pulumi.Output<MetadataOutput<Private> | undefined>;
  /** What Clerk holds at the owned paths of `unsafe_metadata`. */
  declare public readonly unsafeMetadata: pulumi.Output<MetadataOutput<Unsafe> | undefined>;
  /** Whether the resource owns its declared fields whole. */
  declare public readonly authoritative: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: UserMetadataArgs<Public, Private, Unsafe>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const props = metadataProps(kinds.user, name, args as never);
    super(dynamicResourceType(kinds.user), name, props, withSecretOutputs(opts));
    exposeUndeclared(this, kinds.user, props);
  }
}
