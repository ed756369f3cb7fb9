import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const root = path.join(__dirname, "..", "..");

describe("lifecycle: npm start (scripts/start.ts), the examples run by the real pulumi CLI", () => {
  let stdout = "";
  before(async function () {
    this.timeout(900_000);
    const tsNode = require.resolve("ts-node/dist/bin.js");
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [tsNode, "--transpile-only", "scripts/start.ts"],
      {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
      },
    ));
  });

  it("shows the seeded starting state with the app's own keys", () => {
    assert.match(stdout, /== Starting state: what the app wrote itself/);
    assert.match(
      stdout,
      /organization org_acme \(slug acme\): public \{"onboarding":\{"completedAt":"2026-01-05"\}/,
    );
  });

  it("exercises all three resources, found by slug and email address", () => {
    for (const type of [
      "OrganizationMetadata acme create",
      "OrganizationMembershipMetadata member-sam@example.com create",
      "UserMetadata sam@example.com create",
    ]) {
      assert.ok(stdout.includes(type), type);
    }
  });

  it("says plainly that the drift gate fails, and why", () => {
    assert.ok(
      stdout.includes(
        'drift gate: FAILED as expected — 1 owned key changed outside the stack: acme publicMetadata.plan ("free" in Clerk, "pro" in the program).',
      ),
      stdout,
    );
  });

  it("prints no private value in plain text, and ends with the requests per step", () => {
    for (const secret of ["cus_demo_4242", "crm_991", "crm_17", "tk-4711"]) {
      assert.equal(stdout.includes(secret), false, `${secret} printed`);
    }
    assert.match(stdout, /private \{"crmId":"\[secret\]","billing":\{\}\}/);
    assert.match(stdout, /== Summary: requests sent to Clerk per step\n\s+step\s+reads\s+writes\s+outcome/);
    assert.match(
      stdout,
      /drift gate: pulumi preview --refresh --expect-no-changes --diff\s+2\s+0\s+failed, as expected/,
    );
    assert.match(stdout, /The app's own keys survived every step: yes/);
  });

  it("prints Pulumi's own display: the CLI's preview, update and the engine's summary lines", () => {
    assert.match(stdout, /\| Previewing update \(dev\):/);
    assert.match(stdout, /\| Updating \(dev\):/);
    assert.match(stdout, /\|\s+\+ 2 created/);
    // The drift gate's own failure, as the CLI words it for --expect-no-changes.
    assert.match(stdout, /\| .*no changes were expected( for \w+)? but changes were proposed/);
  });
});
