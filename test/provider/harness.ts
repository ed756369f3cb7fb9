import type { ClerkClient } from "@clerk/backend";
import type { Emulator } from "../../emulator";
import type { JsonObject } from "../../provider/core/json";
import type { MetadataProvider } from "../../provider/providers/metadataProvider";
import { clientFor } from "../support/clerk";
import { kindKeys, resourceId, testKinds, type KindKey, type StoredMetadata } from "../support/kinds";

export { checkAndCreate, configRequest, configureFor, startConfiguredEmulator } from "../support/hooks";

/** One resource kind as the tests drive it: its provider, how to seed its entity, and how to read what Clerk holds. */
export interface KindHarness {
  name: string;
  provider: MetadataProvider;
  /** Creates the entity with the given metadata and returns the identity inputs. */
  seed(metadata: {
    publicMetadata?: JsonObject;
    privateMetadata?: JsonObject;
  }): Promise<Record<string, string>>;
  /**
   * What Clerk holds for the entity, read through the SDK (works against the emulator and a live
   * instance); typed as the SDK types it (an organization's `publicMetadata` may be null).
   */
  held(ids: Record<string, string>): Promise<{
    publicMetadata: Record<string, unknown> | null;
    privateMetadata: Record<string, unknown> | null;
  }>;
  /** What the emulator stores for the entity (snake_case fields), read without a logged request. */
  stored(ids: Record<string, string>): StoredMetadata | undefined;
  /** Writes metadata behind the provider's back, as the app or a person would (a deep-merge PATCH). */
  write(
    ids: Record<string, string>,
    metadata: { publicMetadata?: JsonObject; privateMetadata?: JsonObject },
  ): Promise<void>;
  /** Deletes the entity behind the provider's back. */
  remove(ids: Record<string, string>): Promise<void>;
  /** The path the provider writes to. */
  metadataPath(ids: Record<string, string>): string;
  /** The method and path the provider reads with. */
  readPath(ids: Record<string, string>): string;
  /** The Pulumi id for these ids. */
  resourceId(ids: Record<string, string>): string;
}

/** Builds the harness of each kind on top of a running emulator, seeding through `@clerk/backend` as a real instance would be. */
export function kindHarnesses(emulator: Emulator): KindHarness[] {
  return kindHarnessesForClient(clientFor(emulator), emulator);
}

/**
 * Builds the harness of each kind for any Clerk client (the emulator's or a live instance's).
 * Every user and organization it creates is recorded in `created`, for clean-up.
 */
export function kindHarnessesForClient(
  clerk: ClerkClient,
  emulator: Emulator | undefined,
  created: { users: string[]; organizations: string[] } = { users: [], organizations: [] },
): KindHarness[] {
  const run = Date.now().toString(36);
  let counter = 0;
  const newUser = async (metadata: { publicMetadata?: JsonObject; privateMetadata?: JsonObject } = {}) => {
    const user = await clerk.users.createUser({
      emailAddress: [`clerk-metadata-test+${run}-${++counter}@example.com`],
      ...metadata,
    });
    created.users.push(user.id);
    return user.id;
  };
  const newOrganization = async (
    metadata: { publicMetadata?: JsonObject; privateMetadata?: JsonObject } = {},
  ) => {
    const org = await clerk.organizations.createOrganization({
      name: `Test ${run} ${++counter}`,
      ...metadata,
    });
    created.organizations.push(org.id);
    return org.id;
  };
  const sdk: Record<KindKey, Pick<KindHarness, "seed" | "held" | "write" | "remove">> = {
    user: {
      seed: async (metadata) => ({ userId: await newUser(metadata) }),
      held: async ({ userId }) => clerk.users.getUser(userId),
      write: async ({ userId }, metadata) => void (await clerk.users.updateUserMetadata(userId, metadata)),
      remove: async ({ userId }) => void (await clerk.users.deleteUser(userId)),
    },
    organization: {
      seed: async (metadata) => ({ organizationId: await newOrganization(metadata) }),
      held: async ({ organizationId }) => clerk.organizations.getOrganization({ organizationId }),
      write: async ({ organizationId }, metadata) =>
        void (await clerk.organizations.updateOrganizationMetadata(organizationId, metadata)),
      remove: async ({ organizationId }) =>
        void (await clerk.organizations.deleteOrganization(organizationId)),
    },
    membership: {
      seed: async (metadata) => {
        const userId = await newUser();
        const organizationId = await newOrganization();
        await clerk.organizations.createOrganizationMembership({
          organizationId,
          userId,
          role: "org:member",
        });
        await clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId,
          userId,
          ...metadata,
        });
        return { organizationId, userId };
      },
      held: async ({ organizationId, userId }) => {
        const list = await clerk.organizations.getOrganizationMembershipList({
          organizationId,
          userId: [userId],
          limit: 1,
        });
        return list.data[0];
      },
      write: async ({ organizationId, userId }, metadata) =>
        void (await clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId,
          userId,
          ...metadata,
        })),
      remove: async ({ organizationId, userId }) =>
        void (await clerk.organizations.deleteOrganizationMembership({ organizationId, userId })),
    },
  };
  return kindKeys.map((key): KindHarness => {
    const kind = testKinds[key];
    return {
      name: kind.resourceType,
      provider: kind.provider,
      ...sdk[key],
      stored: (ids) => {
        if (!emulator) throw new Error("stored() needs the emulator");
        return kind.stored(emulator, ids);
      },
      metadataPath: (ids) => kind.metadataPath(ids),
      readPath: (ids) => kind.readPath(ids),
      resourceId: (ids) => resourceId(key, ids),
    };
  });
}
