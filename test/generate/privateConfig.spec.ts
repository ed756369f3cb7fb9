import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { cliEnvironment } from "../../engine/cli";
import { ensureToolchain } from "../../engine/toolchain";
import { setAllCommands } from "../../provider/generate/privateConfig";
import { clientFor } from "../support/clerk";
import { declarationsIn, generateFrom, scratchFolder } from "./helpers";

/** 30 organizations with about 1 KB of private metadata each (two set-all runs), a user and a membership. */
function privateWorld() {
  return {
    users: [{ id: "user_1", private_metadata: { stripeId: "cus_user1secret" } }],
    organizations: Array.from({ length: 30 }, (_, n) => ({
      id: `org_${n + 1}`,
      name: `Org ${n + 1}`,
      slug: `org-${n + 1}`,
      public_metadata: { plan: "pro" },
      private_metadata: { billing: { id: `cus_org${n + 1}secret`, notes: `note${n + 1}-`.repeat(100) } },
    })),
    memberships: [
      { organization_id: "org_1", user_id: "user_1", private_metadata: { salary: "membershipSecret42" } },
    ],
  };
}

describe("generate --private config", () => {
  it("splits the values into set-all runs whose arguments stay under the limit, in order, a long value alone", () => {
    const values = Array.from({ length: 10 }, (_, n) => ({
      key: `org_${n}`,
      value: { text: "x".repeat(3000) },
    }));
    const commands = setAllCommands({ stack: "dev" }, values, 10_000);
    assert.equal(commands.length, 4);
    for (const args of commands) {
      assert.deepEqual(args.slice(0, 5), ["config", "set-all", "--non-interactive", "--stack", "dev"]);
      assert.ok(args.reduce((sum, arg) => sum + arg.length + 1, 0) <= 10_000);
    }
    const pairs = commands.flatMap((args) => args.slice(5));
    assert.deepEqual(
      pairs.filter((_, i) => i % 2 === 1).map((arg) => arg.slice(0, arg.indexOf("="))),
      values.map((v) => `clerk-private:${v.key}`),
    );
    assert.ok(pairs.filter((_, i) => i % 2 === 0).every((flag) => flag === "--secret"));
    assert.equal(
      setAllCommands({ stack: "dev" }, [{ key: "k", value: { t: "y".repeat(20_000) } }], 10_000).length,
      1,
    );
  });

  describe("through the Pulumi CLI", () => {
    let emulator: Emulator;
    let pulumi: string;
    let project: string;
    let env: Record<string, string>;
    const folders = scratchFolder();
    const stackFile = () => fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8");
    const configGet = (key: string) => {
      const run = spawnSync(pulumi, ["config", "get", "--stack", "dev", key], {
        cwd: project,
        env,
        encoding: "utf8",
      });
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout) as unknown;
    };

    before(async function () {
      pulumi = ensureToolchain(() => {}).pulumi;
      emulator = await startEmulator({ seed: privateWorld() });
      project = folders.make("project");
      fs.mkdirSync(project, { recursive: true });
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: clerk-generate-test\nruntime: nodejs\n");
      env = { ...cliEnvironment(folders.make("pulumi")), PATH: process.env.PATH ?? "", PULUMI_CLI: pulumi };
      const init = spawnSync(pulumi, ["stack", "init", "dev", "--non-interactive"], {
        cwd: project,
        env,
        encoding: "utf8",
      });
      assert.equal(init.status, 0, init.stderr);
    });
    after(async () => {
      await emulator?.stop();
      folders.cleanup();
    });

    it("stores each entity's private metadata as a secret config value named by its ids, never in plain text", async () => {
      const run = await generateFrom(emulator, ["--out", project, "--private", "config", "--stack", "dev"], {
        env,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stdout,
        /stored the private metadata of 32 entities as secret config of stack dev \(clerk-private:<ids>\): 32 set, 0 unchanged\./,
      );
      const held = emulator.data.snapshot();
      assert.deepEqual(
        configGet("clerk-private:org_1"),
        held.organizations.find((o) => o.id === "org_1")?.private_metadata,
      );
      assert.deepEqual(configGet("clerk-private:user_1"), { stripeId: "cus_user1secret" });
      assert.deepEqual(configGet("clerk-private:org_1-user_1"), { salary: "membershipSecret42" });
      const declared = declarationsIn(project);
      assert.deepEqual(
        declared.organizations.find((o) => o.organizationId === "org_1"),
        {
          name: "org-1",
          organizationId: "org_1",
          slug: "org-1",
          publicMetadata: { plan: "pro" },
          privateMetadataConfig: "org_1",
        },
      );
      assert.deepEqual(declared.memberships, [
        {
          name: "org-1-user_1",
          organizationId: "org_1",
          userId: "user_1",
          privateMetadataConfig: "org_1-user_1",
        },
      ]);
      const written =
        stackFile() +
        fs.readFileSync(path.join(project, "clerk-metadata.json"), "utf8") +
        run.stdout +
        run.stderr;
      for (const secret of [
        "cus_org1secret",
        "cus_org30secret",
        "note7-",
        "cus_user1secret",
        "membershipSecret42",
      ]) {
        assert.ok(!written.includes(secret), `${secret} is in plain text`);
      }
      assert.equal(stackFile().match(/secure: /g)?.length, 32);
    });

    it("leaves values that did not change alone, so the stack file does not change, and sets a changed one", async () => {
      const before = stackFile();
      const again = await generateFrom(
        emulator,
        ["--out", project, "--private", "config", "--stack", "dev"],
        { env },
      );
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /: 0 set, 32 unchanged\./);
      assert.equal(stackFile(), before);
      await clientFor(emulator).users.updateUserMetadata("user_1", {
        privateMetadata: { stripeId: "cus_changed" },
      });
      const changed = await generateFrom(
        emulator,
        ["--out", project, "--private", "config", "--stack", "dev"],
        { env },
      );
      assert.match(changed.stdout, /: 1 set, 31 unchanged\./);
      assert.deepEqual(configGet("clerk-private:user_1"), { stripeId: "cus_changed" });
    });

    it("fails before reading Clerk when the stack does not exist, with the CLI's own words", async () => {
      emulator.reset();
      const run = await generateFrom(emulator, ["--out", project, "--private", "config", "--stack", "nope"], {
        env,
      });
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /config --json --stack nope` failed \(exit code \d+\) in .*: error: no stack named 'nope' found/,
      );
      assert.deepEqual(emulator.requests(), []);
    });

    it("reports a failing set-all with the CLI's stderr, each private value in it hidden", async () => {
      const fake = path.join(folders.make("fake-cli"));
      fs.mkdirSync(fake, { recursive: true });
      const script = path.join(fake, "pulumi");
      fs.writeFileSync(
        script,
        '#!/bin/sh\nif [ "$2" = "set-all" ]; then echo "error: cannot set $*" >&2; exit 3; fi\necho "{}"\n',
        { mode: 0o755 },
      );
      const run = await generateFrom(emulator, ["--out", project, "--private", "config", "--stack", "dev"], {
        env: { ...env, PULUMI_CLI: script },
      });
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /set-all --stack dev --secret clerk-private:<key>=<json> …` failed \(exit code 3\)/,
      );
      assert.match(
        run.stderr,
        /error: cannot set config set-all --non-interactive --stack dev --secret clerk-private:org_1=\[private value\]/,
      );
      assert.ok(!run.stderr.includes('secret"'), "no private value");
      assert.ok(!run.stderr.includes("cus_"), "no private value");
    });
  });
});
