import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const root = path.join(__dirname, "..", "..");

describe("lifecycle: npm start (scripts/start.ts)", () => {
  let stdout = "";
  before(async function () {
    this.timeout(120_000);
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
    assert.match(stdout, /drift gate: preview --refresh --expect-no-changes\s+2\s+0\s+failed, as expected/);
    assert.match(stdout, /The app's own keys survived every step: yes/);
  });

  it("finishes in under a minute", () => {
    const seconds = Number(/Done in ([\d.]+) s\./.exec(stdout)?.[1]);
    assert.ok(seconds < 60, `took ${seconds} s`);
  });
});
