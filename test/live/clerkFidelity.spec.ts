/**
 * What the emulator assumes of Clerk, checked against a real development instance: the merge in
 * its corners, unknown ids in list filters, and where the 8 KB metadata limit really lies and
 * how Clerk answers it. Runs only when CLERK_SECRET_KEY is set and CLERK_API_URL is not; creates
 * its own users and organization and deletes them afterwards. The probes print what they find.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createClerkClient, type ClerkClient } from "@clerk/backend";

const secretKey = process.env.CLERK_SECRET_KEY;
const live = Boolean(secretKey) && !process.env.CLERK_API_URL;
const skipReason = "set CLERK_SECRET_KEY to a development instance key (sk_test_…) to run";

(live ? describe : describe.skip)(
  `Clerk's own behaviour, live${live ? "" : ` (${skipReason})`}`,
  function () {
    this.timeout(120_000);
    let clerk: ClerkClient;
    const users: string[] = [];
    const organizations: string[] = [];

    async function newUser(): Promise<string> {
      const user = await clerk.users.createUser({
        externalId: `fidelity-${randomUUID()}`,
        skipPasswordRequirement: true,
      });
      users.push(user.id);
      return user.id;
    }

    before(() => {
      assert.ok(
        secretKey!.startsWith("sk_test_"),
        "live tests only run against a development instance (sk_test_…)",
      );
      clerk = createClerkClient({ secretKey, telemetry: { disabled: true, debug: false, samplingRate: 0 } });
    });

    after(async () => {
      for (const id of organizations) await clerk.organizations.deleteOrganization(id).catch(() => undefined);
      for (const id of users) await clerk.users.deleteUser(id).catch(() => undefined);
    });

    describe("the deep-merge PATCH", () => {
      it("replaces arrays whole, arrays of objects too, and keeps null inside arrays", async () => {
        const userId = await newUser();
        await clerk.users.updateUserMetadata(userId, {
          publicMetadata: { tags: ["a", "b"], rows: [{ a: 1 }, { b: 2 }] },
        });
        const user = await clerk.users.updateUserMetadata(userId, {
          publicMetadata: { tags: ["c", null], rows: [{ c: 3 }] },
        });
        assert.deepEqual(user.publicMetadata, { tags: ["c", null], rows: [{ c: 3 }] });
      });

      it("ignores a null under a container that is not there, and keeps a container emptied of its last key", async () => {
        const userId = await newUser();
        await clerk.users.updateUserMetadata(userId, { publicMetadata: { limits: { seats: 1 } } });
        const user = await clerk.users.updateUserMetadata(userId, {
          publicMetadata: { limits: { seats: null }, missing: { deep: null } },
        });
        assert.deepEqual(user.publicMetadata, { limits: {} });
      });
    });

    describe("list filters", () => {
      it("says what a membership list filtered by an unknown user id answers (the emulator's unknownIdFilter reading)", async () => {
        const owner = await newUser();
        const organization = await clerk.organizations.createOrganization({
          name: `fidelity-${randomUUID()}`,
          createdBy: owner,
        });
        organizations.push(organization.id);
        const list = await clerk.organizations.getOrganizationMembershipList({
          organizationId: organization.id,
          userId: ["user_doesNotExist000000000000"],
          limit: 10,
        });
        const reading = list.data.length === 0 ? "ignored-id" : "dropped-filter";
        console.log(`      unknown user id in a membership filter: ${reading} (${list.data.length} listed)`);
        assert.ok(list.data.every((m) => m.publicUserData?.userId === owner));
      });
    });

    describe("the 8 KB metadata limit", () => {
      const filler = (bytes: number) => ({ blob: "x".repeat(Math.max(0, bytes - 11)) }); // {"blob":"…"} is 11 bytes + n

      async function attempt(userId: string, metadata: Record<string, unknown>): Promise<string> {
        try {
          await clerk.users.updateUserMetadata(userId, metadata);
          return "accepted";
        } catch (error) {
          const e = error as { status?: number; errors?: { code?: string; message?: string }[] };
          return `${e.status} ${e.errors?.[0]?.code ?? ""} ${e.errors?.[0]?.message ?? ""}`.trim();
        }
      }

      it("accepts one field of exactly 8192 bytes of JSON (the provider's own check)", async () => {
        const userId = await newUser();
        const answer = await attempt(userId, { publicMetadata: filler(8192) });
        console.log(`      one field at 8192 bytes: ${answer}`);
        assert.equal(answer, "accepted");
      });

      it("reports where the limit lies for one field and for all fields together, and the error Clerk answers", async () => {
        const probes: [string, Record<string, unknown>][] = [
          ["public 8193 bytes", { publicMetadata: filler(8193) }],
          ["public 16384 bytes", { publicMetadata: filler(16384) }],
          ["public+private 6000 bytes each", { publicMetadata: filler(6000), privateMetadata: filler(6000) }],
          [
            "public+private+unsafe 3000 bytes each",
            { publicMetadata: filler(3000), privateMetadata: filler(3000), unsafeMetadata: filler(3000) },
          ],
        ];
        for (const [name, metadata] of probes) {
          const userId = await newUser();
          console.log(`      ${name}: ${await attempt(userId, metadata)}`);
        }
      });
    });
  },
);
