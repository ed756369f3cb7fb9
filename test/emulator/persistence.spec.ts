import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator, type SeedData } from "../../emulator";
import { clientFor } from "./helpers";

describe("emulator persistence and CLI", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "clerk-emulator-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("startEmulator({ dataFile })", () => {
    it("keeps users, organizations and memberships across a restart", async () => {
      const dataFile = join(dir, "state.json");
      const first = await startEmulator({ dataFile });
      const clerk = clientFor(first);
      const user = await clerk.users.createUser({ publicMetadata: { kept: true } });
      const org = await clerk.organizations.createOrganization({ name: "Durable", createdBy: user.id });
      await clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: user.id,
        privateMetadata: { seat: 1 },
      });
      await first.stop();
      assert.ok(existsSync(dataFile));
      assert.ok(!existsSync(`${dataFile}.${process.pid}.tmp`));

      const second = await startEmulator({ dataFile });
      try {
        const again = clientFor(second);
        assert.deepEqual((await again.users.getUser(user.id)).publicMetadata, { kept: true });
        assert.equal(second.data.getMembership(org.id, user.id)?.private_metadata.seat, 1);
        const later = await again.users.updateUserMetadata(user.id, { publicMetadata: { more: 1 } });
        assert.ok(later.updatedAt > user.updatedAt);
      } finally {
        await second.stop();
      }
    });

    it("applies the seed only when the data file does not exist yet", async () => {
      const dataFile = join(dir, "seeded.json");
      const seed = { users: [{ id: "user_seed", public_metadata: { v: 1 } }] };
      const first = await startEmulator({ dataFile, seed });
      await clientFor(first).users.updateUserMetadata("user_seed", { publicMetadata: { v: 2 } });
      await first.stop();
      const second = await startEmulator({ dataFile, seed });
      assert.deepEqual(second.data.getUser("user_seed")?.public_metadata, { v: 2 });
      await second.stop();
    });
  });

  describe("startEmulator({ seed })", () => {
    it("refuses seed ids that are not shaped like Clerk's, naming the id", async () => {
      for (const [seed, id] of [
        [{ users: [{ id: "user-ada" }] }, "user-ada"],
        [{ users: [{ id: "ada" }] }, "ada"],
        [{ users: [{ id: "user_ada/evil" }] }, "user_ada/evil"],
        [{ organizations: [{ id: "org_acme corp", name: "Acme" }] }, "org_acme corp"],
        [{ organizations: [{ id: "user_acme", name: "Acme" }] }, "user_acme"],
      ] as [SeedData, string][]) {
        await assert.rejects(
          startEmulator({ seed }),
          new RegExp(`"${id.replace("/", "\\/")}" is not shaped like a Clerk (user|organization) id`),
        );
      }
    });

    it("creates seeded users, organizations and memberships with given or generated ids", async () => {
      const emulator = await startEmulator({
        seed: {
          users: [
            { id: "user_1", first_name: "One", email_address: "one@example.com" },
            { id: "user_2", first_name: "Two" },
            { first_name: "Three" },
          ],
          organizations: [{ id: "org_1", name: "Seeded", created_by: "user_1", public_metadata: { a: 1 } }],
          memberships: [{ organization_id: "org_1", user_id: "user_2", private_metadata: { p: 1 } }],
        },
      });
      try {
        assert.equal(emulator.data.getUser("user_1")?.email_addresses[0].email_address, "one@example.com");
        assert.equal(emulator.data.getOrganization("org_1")?.slug, "seeded");
        assert.equal(emulator.data.getMembership("org_1", "user_1")?.role, "org:admin");
        assert.equal(emulator.data.getMembership("org_1", "user_2")?.role, "org:member");
        assert.deepEqual(emulator.data.getMembership("org_1", "user_2")?.private_metadata, { p: 1 });
        const users = emulator.data.snapshot().users;
        assert.equal(users.length, 3);
        assert.match(users[2].id, /^user_[0-9A-Za-z]{27}$/);
      } finally {
        await emulator.stop();
      }
    });

    it("rejects a seed that references a missing user", async () => {
      await assert.rejects(
        startEmulator({
          seed: {
            organizations: [{ name: "X" }],
            memberships: [{ organization_id: "org_nope", user_id: "u" }],
          },
        }),
      );
    });
  });

  describe("cli", () => {
    it("prints CLERK_API_URL and CLERK_SECRET_KEY, serves requests and exits 0 on SIGTERM", async function () {
      this.timeout(30000);
      const seedFile = join(dir, "cli-seed.json");
      writeFileSync(seedFile, JSON.stringify({ users: [{ id: "user_cli" }] }));
      const root = resolve(__dirname, "../..");
      const child = spawn(
        process.execPath,
        [
          require.resolve("ts-node/dist/bin.js"),
          "--transpile-only",
          join(root, "emulator/cli.ts"),
          "--secret-key",
          "sk_test_cli",
          "--seed",
          seedFile,
          "--rate-limit",
          "100/10000",
        ],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      try {
        const deadline = Date.now() + 25000;
        while (!/CLERK_SECRET_KEY=.*\n/.test(out) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const url = /^CLERK_API_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
        assert.ok(url, `no URL line in ${out}`);
        assert.match(out, /^CLERK_SECRET_KEY=sk_test_cli$/m);
        const res = await fetch(`${url}/v1/users/user_cli`, {
          headers: { Authorization: "Bearer sk_test_cli" },
        });
        assert.equal(res.status, 200);
      } finally {
        child.kill("SIGTERM");
      }
      assert.equal(await exited, 0);
    });
  });
});
