/**
 * The packed package installed in a program run by the Automation API's inline route (no language
 * host: the CLI runs with `--client`, and the engine starts the dynamic-provider host in the
 * workspace folder, whose `node_modules` holds the installed package). Each resource stores the
 * one-line `__provider` of its kind, and the host loads it from there for every step.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openBenchStack } from "../../bench/benchStack";
import { packAndInstall, type ScratchInstall } from "../../bench/packageInstall";
import { startEmulator, type Emulator } from "../../emulator";
import { ensureToolchain } from "../../engine/toolchain";
import { assertOk } from "../support/operations";
import { callsOf } from "../support/wire";

type Classes = typeof import("../../provider");

describe("the packed package in an inline Automation API program, run by the pulumi CLI", function () {
  this.timeout(300_000);
  let scratch: ScratchInstall;
  let emulator: Emulator;
  let dir: string;

  before(async () => {
    ensureToolchain();
    scratch = packAndInstall();
    emulator = await startEmulator({
      seed: {
        users: [{ id: "user_inline" }],
        organizations: [{ id: "org_inline", name: "Inline", created_by: "user_inline" }],
      },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-inline-"));
  });
  after(async () => {
    await emulator?.stop();
    scratch?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("stores each kind's one-line __provider, and the host loads it for up, preview and destroy", async () => {
    const clerk = require(path.join(scratch.dir, "node_modules", "pulumi-clerk-metadata")) as Classes;
    const program = () => {
      new clerk.UserMetadata("user", { userId: "user_inline", publicMetadata: { plan: "pro" } });
      new clerk.OrganizationMetadata("org", { organizationId: "org_inline", publicMetadata: { seats: 5 } });
      new clerk.OrganizationMembershipMetadata("member", {
        organizationId: "org_inline",
        userId: "user_inline",
        publicMetadata: { role: "owner" },
      });
    };
    const stack = await openBenchStack({ dir, scratch, emulator });

    const calls = () =>
      callsOf(emulator.requests())
        .map((c) => `${c.method} ${c.path}`)
        .sort();
    assertOk(await stack.up(program, { skipPreview: true }));
    assert.deepEqual(calls(), [
      "PATCH /v1/organizations/org_inline/memberships/user_inline/metadata",
      "PATCH /v1/organizations/org_inline/metadata",
      "PATCH /v1/users/user_inline/metadata",
    ]);
    const stored = Object.fromEntries(
      (await stack.state()).resources.map((r) => [r.type, [r.inputs.__provider, r.outputs.__provider]]),
    );
    const line = (kind: string) =>
      `exports.handler = () => require("pulumi-clerk-metadata/providers/${kind}");\n`;
    assert.deepEqual(stored, {
      "pulumi-nodejs:dynamic/clerk:UserMetadata": [line("user"), line("user")],
      "pulumi-nodejs:dynamic/clerk:OrganizationMetadata": [line("organization"), line("organization")],
      "pulumi-nodejs:dynamic/clerk:OrganizationMembershipMetadata": [
        line("organizationMembership"),
        line("organizationMembership"),
      ],
    });

    emulator.reset();
    assertOk(await stack.preview(program, { expectNoChanges: true }));
    assert.deepEqual(calls(), []);

    emulator.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(calls(), [
      "PATCH /v1/organizations/org_inline/memberships/user_inline/metadata",
      "PATCH /v1/organizations/org_inline/metadata",
      "PATCH /v1/users/user_inline/metadata",
    ]);
    assert.deepEqual(emulator.data.getUser("user_inline")!.public_metadata, {});
    assert.deepEqual(emulator.data.getOrganization("org_inline")!.public_metadata, {});
    assert.deepEqual(emulator.data.getMembership("org_inline", "user_inline")!.public_metadata, {});
  });
});
