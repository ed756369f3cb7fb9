import type * as pulumi from "@pulumi/pulumi";
import type { ClerkClient } from "@clerk/backend";
import { startEmulator, type Emulator } from "../../emulator";
import {
  organizationMembershipMetadataProvider,
  organizationMetadataProvider,
  userMetadataProvider,
} from "../../provider";
import type { MetadataInputs, MetadataOutputs } from "../../provider";
import type { JsonObject } from "../../provider/core/json";
import type { MetadataProvider } from "../../provider/providers/metadataProvider";

/** The stack configuration a test hands to `configure`, as the dynamic-provider host would. */
export function configRequest(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return { config: { get: (key: string) => values[key], require: (key: string) => values[key] } } as never;
}

/** Points every provider of this process at the emulator through the stack config `clerk:*`. */
export async function configureFor(emulator: Emulator, extra: Record<string, string> = {}): Promise<void> {
  await userMetadataProvider.configure!(
    configRequest({
      "clerk:secretKey": emulator.secretKey,
      "clerk:apiUrl": emulator.url,
      "clerk:maxRetryTimeMs": "5000",
      ...extra,
    }),
  );
}

/** One resource kind as the tests drive it: its provider, how to seed its entity, and how to read what Clerk holds. */
export interface KindHarness {
  name: string;
  provider: MetadataProvider;
  /** Creates the entity with the given metadata and returns the identity inputs. */
  seed(metadata: {
    publicMetadata?: JsonObject;
    privateMetadata?: JsonObject;
  }): Promise<Record<string, string>>;
  /** What Clerk holds for the entity, read through the SDK (works against the emulator and a live instance). */
  held(ids: Record<string, string>): Promise<{ publicMetadata: JsonObject; privateMetadata: JsonObject }>;
  /** What the emulator stores for the entity (snake_case fields), read without a logged request. */
  stored(
    ids: Record<string, string>,
  ): { public_metadata: JsonObject; private_metadata: JsonObject } | undefined;
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
  const { createClerkClient } = require("@clerk/backend") as typeof import("@clerk/backend");
  const clerk = createClerkClient({
    secretKey: emulator.secretKey,
    apiUrl: emulator.url,
    telemetry: { disabled: true, debug: false, samplingRate: 0 },
  });
  return kindHarnessesForClient(clerk, emulator);
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
  const data = () => {
    if (!emulator) throw new Error("stored() needs the emulator");
    return emulator.data;
  };
  return [
    {
      name: "UserMetadata",
      provider: userMetadataProvider,
      seed: async (metadata) => ({ userId: await newUser(metadata) }),
      held: async ({ userId }) => clerk.users.getUser(userId) as never,
      stored: ({ userId }) => data().getUser(userId),
      write: async ({ userId }, metadata) => void (await clerk.users.updateUserMetadata(userId, metadata)),
      remove: async ({ userId }) => void (await clerk.users.deleteUser(userId)),
      metadataPath: ({ userId }) => `/v1/users/${userId}/metadata`,
      readPath: ({ userId }) => `/v1/users/${userId}`,
      resourceId: ({ userId }) => userId,
    },
    {
      name: "OrganizationMetadata",
      provider: organizationMetadataProvider,
      seed: async (metadata) => ({ organizationId: await newOrganization(metadata) }),
      held: async ({ organizationId }) => clerk.organizations.getOrganization({ organizationId }) as never,
      stored: ({ organizationId }) => data().getOrganization(organizationId),
      write: async ({ organizationId }, metadata) =>
        void (await clerk.organizations.updateOrganizationMetadata(organizationId, metadata)),
      remove: async ({ organizationId }) =>
        void (await clerk.organizations.deleteOrganization(organizationId)),
      metadataPath: ({ organizationId }) => `/v1/organizations/${organizationId}/metadata`,
      readPath: ({ organizationId }) => `/v1/organizations/${organizationId}`,
      resourceId: ({ organizationId }) => organizationId,
    },
    {
      name: "OrganizationMembershipMetadata",
      provider: organizationMembershipMetadataProvider,
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
        return list.data[0] as never;
      },
      stored: ({ organizationId, userId }) => data().getMembership(organizationId, userId),
      write: async ({ organizationId, userId }, metadata) =>
        void (await clerk.organizations.updateOrganizationMembershipMetadata({
          organizationId,
          userId,
          ...metadata,
        })),
      remove: async ({ organizationId, userId }) =>
        void (await clerk.organizations.deleteOrganizationMembership({ organizationId, userId })),
      metadataPath: ({ organizationId, userId }) =>
        `/v1/organizations/${organizationId}/memberships/${userId}/metadata`,
      readPath: ({ organizationId }) => `/v1/organizations/${organizationId}/memberships`,
      resourceId: ({ organizationId, userId }) => `${organizationId}/${userId}`,
    },
  ];
}

/** Starts an emulator and configures the providers for it. */
export async function startConfiguredEmulator(): Promise<Emulator> {
  const emulator = await startEmulator();
  await configureFor(emulator);
  return emulator;
}

/** Runs check then create, as the engine does for a new resource; fails on check failures. */
export async function checkAndCreate(
  provider: MetadataProvider,
  news: Record<string, unknown>,
): Promise<{ id: string; outs: MetadataOutputs; inputs: MetadataInputs }> {
  const checked = await provider.check!({} as never, news as never);
  if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
  const created = await provider.create(checked.inputs as MetadataInputs);
  return { id: created.id, outs: created.outs as MetadataOutputs, inputs: checked.inputs as MetadataInputs };
}
