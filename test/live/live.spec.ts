/**
 * The hooks against a real Clerk development instance. Runs only when CLERK_SECRET_KEY is set and
 * CLERK_API_URL is not (so it never runs against the emulator by accident); creates its own users
 * and organization and deletes them afterwards.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createClerkClient, type ClerkClient } from "@clerk/backend";
import { userMetadataProvider, type MetadataOutputs } from "../../provider";
import { configRequest, kindHarnessesForClient, checkAndCreate, type KindHarness } from "../provider/harness";

const secretKey = process.env.CLERK_SECRET_KEY;
const live = Boolean(secretKey) && !process.env.CLERK_API_URL;
const skipReason = secretKey
  ? "unset CLERK_API_URL to run against Clerk itself"
  : "set CLERK_SECRET_KEY to a development instance key to run";

(live ? describe : describe.skip)(
  `provider hooks against a live Clerk development instance${live ? "" : ` (${skipReason})`}`,
  function () {
    this.timeout(120_000);
    let clerk: ClerkClient;
    let harnesses: KindHarness[];
    const created: { users: string[]; organizations: string[] } = { users: [], organizations: [] };

    before(async () => {
      assert.ok(
        secretKey!.startsWith("sk_test_"),
        "live tests only run against a development instance (sk_test_…)",
      );
      clerk = createClerkClient({ secretKey, telemetry: { disabled: true, debug: false, samplingRate: 0 } });
      harnesses = kindHarnessesForClient(clerk, undefined, created);
      await userMetadataProvider.configure!(configRequest({ "clerk:secretKey": secretKey! }));
    });

    after(async () => {
      for (const id of created.organizations)
        await clerk.organizations.deleteOrganization(id).catch(() => undefined);
      for (const id of created.users) await clerk.users.deleteUser(id).catch(() => undefined);
    });

    for (const index of [0, 1, 2]) {
      describe(["UserMetadata", "OrganizationMetadata", "OrganizationMembershipMetadata"][index], () => {
        it("creates, updates with nested removals, reads and deletes only owned keys", async () => {
          const kind = harnesses[index];
          const marker = randomUUID();
          const ids = await kind.seed({ publicMetadata: { app: { marker } } });
          const { outs } = await checkAndCreate(kind.provider, {
            ...ids,
            publicMetadata: { plan: "pro", limits: { seats: 5, projects: 2 } },
          });
          const id = kind.resourceId(ids);
          const updated = await kind.provider.update!(id, outs, {
            ...ids,
            publicMetadata: { plan: "team", limits: { seats: 5 } },
          });
          assert.deepEqual((await kind.held(ids)).publicMetadata, {
            app: { marker },
            plan: "team",
            limits: { seats: 5 },
          });
          const read = await kind.provider.read!(id, updated.outs as MetadataOutputs);
          assert.deepEqual((read.props as MetadataOutputs).publicMetadata, {
            plan: "team",
            limits: { seats: 5 },
          });
          await kind.provider.delete!(id, read.props as MetadataOutputs);
          assert.deepEqual((await kind.held(ids)).publicMetadata, { app: { marker }, limits: {} });
        });
      });
    }
  },
);
