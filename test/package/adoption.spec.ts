/**
 * Adopting an instance that already holds metadata, in a user's project with the packed package
 * installed, run by Pulumi's CLI as typed: `npx pulumi-clerk-metadata generate` writes the
 * declarations of what Clerk holds at the chosen paths (private metadata into the stack's secret
 * config) and the program lines that load them; the first `pulumi up` sends reads only, the drift
 * gate passes, and a value changed in Clerk afterwards shows as exactly that key. (From the
 * packed package, `__provider` is one `require`; from source it would be ~115 KB per resource.
 * The engine saves only the final checkpoint, as the state after each step is not what this is about.)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { packAndInstall, type ScratchInstall } from "../../bench/packageInstall";
import { startEmulator, type Emulator, type SeedData } from "../../emulator";
import { openProject } from "../../engine/project";
import { ensureToolchain } from "../../engine/toolchain";
import { finalCheckpointOnly } from "../support/checkpoints";
import { clientFor } from "../support/clerk";
import { assertOk } from "../support/operations";
import { callsOf } from "../support/wire";

const organizations = 300;
const users = 300;
/** Two members per organization: users i and i + 1. */
const membersPerOrganization = 2;

const orgId = (i: number) => `org_adopt${String(i).padStart(4, "0")}`;
const userId = (i: number) => `user_adopt${String(i).padStart(4, "0")}`;

/** Every entity carries keys the stack will own and keys the app wrote, which it must never touch. */
function seed(): SeedData {
  return {
    organizations: Array.from({ length: organizations }, (_, i) => ({
      id: orgId(i),
      name: `Adopt ${i}`,
      slug: `adopt-${i}`,
      public_metadata: {
        plan: i % 3 ? "pro" : "team",
        limits: { seats: i, projects: 2 },
        app: { theme: "dark" },
      },
      private_metadata: { crm: `crm_${i}`, appToken: `app-token-${i}` },
    })),
    users: Array.from({ length: users }, (_, i) => ({
      id: userId(i),
      first_name: `User ${i}`,
      public_metadata: { tier: i % 2 ? "gold" : "silver", app: { onboarded: true } },
      unsafe_metadata: { ui: { tour: "done" } },
    })),
    memberships: Array.from({ length: organizations * membersPerOrganization }, (_, j) => {
      const i = Math.floor(j / membersPerOrganization);
      return {
        organization_id: orgId(i),
        user_id: userId((i + (j % membersPerOrganization)) % users),
        public_metadata: { role: j % 2 ? "admin" : "member", app: { lastSeen: "today" } },
      };
    }),
  } as SeedData;
}

const run = promisify(execFile);

describe("the packed package adopting an instance generated from what Clerk holds", function () {
  this.timeout(900_000);
  let scratch: ScratchInstall;
  let emulator: Emulator;
  before(async () => {
    scratch = packAndInstall({ linkSdk: false });
    emulator = await startEmulator({ seed: seed() });
  });
  after(async () => {
    await emulator?.stop();
    scratch?.remove();
  });

  it("generates 1,200 declarations, adopts them with reads only, passes the drift gate, then shows exactly the key changed in Clerk", async () => {
    const project = path.join(scratch.dir, "adopt");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: adopt\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n",
    );
    // The user's whole program: the lines `generate` writes, imported.
    fs.writeFileSync(path.join(project, "index.ts"), 'import "./clerkMetadata";\n');
    const clerkEnv = { CLERK_SECRET_KEY: emulator.secretKey, CLERK_API_URL: emulator.url };
    // The project's TypeScript runs transpiled only: this scratch project has no @types/node.
    const stack = await openProject({
      projectDir: project,
      stateDir: path.join(scratch.dir, "adopt-state"),
      env: { ...clerkEnv, PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...finalCheckpointOnly },
    });
    const before = emulator.data.snapshot();
    emulator.reset();

    // The owned paths: the plan, the limits, each user's tier and each member's role, and the
    // organization's CRM id, which goes to the stack's secret config.
    const generated = await run(
      "npx",
      [
        "--no-install",
        "pulumi-clerk-metadata",
        "generate",
        "--out",
        project,
        ...[
          "publicMetadata.plan",
          "publicMetadata.limits",
          "publicMetadata.tier",
          "publicMetadata.role",
        ].flatMap((p) => ["--path", p]),
        ...["--path", "privateMetadata.crm", "--private", "config", "--stack", "dev"],
      ],
      {
        cwd: scratch.dir,
        env: { ...process.env, ...stack.env, ...clerkEnv, PULUMI_CLI: ensureToolchain().pulumi },
      },
    );
    const calls = () => callsOf(emulator.requests());
    assert.deepEqual(
      calls()
        .filter((c) => c.method !== "GET")
        .map((c) => `${c.method} ${c.path}`),
      [],
      "generate sends reads only",
    );
    const text = fs.readFileSync(path.join(project, "clerk-metadata.json"), "utf8");
    assert.equal(text.includes("crm_"), false, "a private value in the declarations file");
    assert.equal(text.includes("app-token"), false, "an app-written private value in the declarations file");
    assert.equal(text.includes("onboarded"), false, "an app-written key in the declarations file");
    const declared = JSON.parse(text) as Record<"organizations" | "users" | "memberships", unknown[]>;
    assert.deepEqual(
      [declared.organizations.length, declared.users.length, declared.memberships.length],
      [organizations, users, organizations * membersPerOrganization],
      generated.stderr,
    );

    // The first `up` (the CLI's preview, then the update) creates every resource with reads only.
    emulator.reset();
    const adopted = assertOk(await stack.up());
    assert.equal(
      adopted.changes.create,
      organizations + users + organizations * membersPerOrganization + 1,
      adopted.stdout + adopted.stderr,
    );
    assert.deepEqual(
      calls()
        .filter((c) => c.method !== "GET")
        .map((c) => `${c.method} ${c.path}`),
      [],
      "adoption writes nothing",
    );
    // One read per create at most, fewer where reads of one scope run together (batched as
    // refresh's are): the program declares the three kinds in loops, so the engine's creates mix
    // scopes, and an organization's two members rarely meet in one list.
    const resources = organizations + users + organizations * membersPerOrganization;
    const reads = calls().length;
    console.log(`      first up: ${reads} reads for ${resources} adopted resources, 0 writes`);
    assert.ok(reads < resources, `${reads} reads for ${resources} resources`);
    assert.deepEqual(emulator.data.snapshot(), before, "Clerk's data changed");

    // Each resource owns exactly the generated paths: the private CRM id as a secret output.
    const state = await stack.state();
    const seven = state.resources.find((r) => r.name === "adopt-7")!;
    assert.deepEqual(seven.outputs.publicMetadata, { plan: "pro", limits: { seats: 7, projects: 2 } });
    assert.deepEqual(seven.outputs.privateMetadata, { crm: "crm_7" });
    assert.deepEqual(seven.secretOutputs, ["privateMetadata"]);

    // The drift gate passes; then one value changed in Clerk shows as exactly that key.
    assertOk(await stack.preview(["--refresh", "--expect-no-changes"]));
    await clientFor(emulator).organizations.updateOrganizationMetadata(orgId(7), {
      publicMetadata: { limits: { seats: 70 } },
    });
    const drift = await stack.preview(["--refresh", "--expect-no-changes", "--diff"]);
    assert.equal(drift.ok, false);
    assert.deepEqual(
      drift.steps
        .filter((s) => s.op !== "same" && s.op !== "read")
        .map((s) => [s.name, s.op, s.changedPaths?.map((c) => c.path)]),
      [["adopt-7", "update", ["publicMetadata.limits.seats"]]],
    );
  });
});
