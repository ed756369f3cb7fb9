import assert from "node:assert/strict";
import { startEmulator, type Emulator, type UnknownIdFilter } from "../../../emulator";
import {
  organizationMembershipMetadataProvider as memberships,
  userMetadataProvider as users,
  type MetadataOutputs,
} from "../../../provider";
import { clientFor } from "../../support/clerk";
import { checkAndCreate, configureFor } from "../../support/hooks";

/** Clerk's corners the emulator can be switched to (see emulator/README.md), met by the hooks. */
describe("provider hooks in Clerk's corners", () => {
  for (const reading of ["dropped-filter", "ignored-id"] as UnknownIdFilter[]) {
    describe(`a membership whose user was deleted (unknown ids in list filters: ${reading})`, () => {
      let emulator: Emulator;
      before(async () => {
        emulator = await startEmulator({
          unknownIdFilter: reading,
          seed: {
            users: [{ id: "user_gone" }, { id: "user_stays" }, { id: "user_other" }],
            organizations: [{ id: "org_team", name: "Team", created_by: "user_stays" }],
            memberships: [
              { organization_id: "org_team", user_id: "user_gone" },
              { organization_id: "org_team", user_id: "user_other", public_metadata: { role: "x" } },
            ],
          },
        });
        await configureFor(emulator);
      });
      after(() => emulator.stop());

      it("reads as gone and deletes as done, instead of failing on a list of other members", async () => {
        const { id, outs } = await checkAndCreate(memberships, {
          organizationId: "org_team",
          userId: "user_gone",
          publicMetadata: { seat: 3 },
        });
        const clerk = clientFor(emulator);
        await clerk.users.deleteUser("user_gone");
        emulator.reset();
        const read = await memberships.read!(id, outs);
        assert.equal(read.id, "");
        await memberships.delete!(id, outs as MetadataOutputs);
        const paths = emulator.requests().map((r) => `${r.method} ${r.path}`);
        // The list read first; a list of other members is confirmed gone by the user's 404.
        assert.equal(paths[0], "GET /v1/organizations/org_team/memberships");
        if (reading === "dropped-filter") assert.ok(paths.includes("GET /v1/users/user_gone"), paths.join());
        // The other member was never touched.
        assert.deepEqual(emulator.data.getMembership("org_team", "user_other")?.public_metadata, {
          role: "x",
        });
      });

      it("reads a user who exists but is not a member as a gone membership", async () => {
        const { id, outs } = await checkAndCreate(memberships, {
          organizationId: "org_team",
          userId: "user_other",
          publicMetadata: { seat: 1 },
        });
        const clerk = clientFor(emulator);
        await clerk.organizations.deleteOrganizationMembership({
          organizationId: "org_team",
          userId: "user_other",
        });
        assert.equal((await memberships.read!(id, outs)).id, "");
      });
    });
  }

  describe("a metadata field someone set to null", () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await startEmulator({
        seed: { users: [{ id: "user_nulls", public_metadata: { app: 1 } }] },
      });
      await configureFor(emulator);
      const clerk = clientFor(emulator);
      // Clerk documents null in a replace as "overwrite the field with JSON null" (the SDK's types refuse it).
      await clerk.users.replaceUserMetadata("user_nulls", { privateMetadata: null as never });
      assert.equal(emulator.data.getUser("user_nulls")?.private_metadata, null);
    });
    after(() => emulator.stop());

    it("is created into, read, updated and deleted from like an empty object", async () => {
      const { id, outs } = await checkAndCreate(users, {
        userId: "user_nulls",
        privateMetadata: { tier: "gold" },
      });
      assert.deepEqual(emulator.data.getUser("user_nulls")?.private_metadata, { tier: "gold" });
      assert.deepEqual(outs.privateMetadata, { tier: "gold" });

      const clerk = clientFor(emulator);
      // A null the SDK's types refuse but Clerk accepts, as above.
      await clerk.users.replaceUserMetadata("user_nulls", { privateMetadata: null as never });
      const read = await users.read!(id, outs);
      assert.deepEqual((read.props as MetadataOutputs).privateMetadata, {});
      assert.deepEqual((read.inputs as { privateMetadata?: unknown }).privateMetadata, {});

      const updated = await users.update!(id, read.props as MetadataOutputs, {
        userId: "user_nulls",
        privateMetadata: { tier: "silver" },
      });
      assert.deepEqual(updated.outs?.privateMetadata, { tier: "silver" });
      await users.delete!(id, updated.outs as MetadataOutputs);
      assert.deepEqual(emulator.data.getUser("user_nulls")?.private_metadata, {});
      assert.deepEqual(emulator.data.getUser("user_nulls")?.public_metadata, { app: 1 });
    });

    it("takes an authoritative replace of a null field", async () => {
      await checkAndCreate(users, {
        userId: "user_nulls",
        authoritative: true,
        privateMetadata: { only: true },
      });
      assert.deepEqual(emulator.data.getUser("user_nulls")?.private_metadata, { only: true });
    });
  });

  describe("Clerk's 8 KB metadata limit at apply", () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await startEmulator({
        seed: { users: [{ id: "user_big", public_metadata: { app: "a".repeat(5000) } }] },
      });
      await configureFor(emulator);
    });
    after(() => emulator.stop());

    it("says which limit was hit when a field that passed check grows past what Clerk allows once merged", async () => {
      await assert.rejects(
        checkAndCreate(users, { userId: "user_big", publicMetadata: { notes: "n".repeat(4000) } }),
        (error: Error) => {
          assert.match(error.message, /HTTP 422/);
          assert.match(
            error.message,
            /Clerk's metadata size limit was hit: this request sent publicMetadata 4\d{3} bytes/,
          );
          assert.match(error.message, /checks each field against 8192 bytes at preview/);
          return true;
        },
      );
      assert.equal(emulator.requests().length, 1);
    });
  });
});
