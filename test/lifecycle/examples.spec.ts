/**
 * The README's example programs (examples/organization, examples/memberships,
 * examples/users-from-file), each run as a user types it: `pulumi config set`, `pulumi up --yes`
 * and `pulumi destroy --yes` in a project folder whose Pulumi.yaml runs the example
 * (engine/project.ts: the CLI, the nodejs language host, ts-node type-checking the example),
 * importing the built package by its name. `pulumi up` runs the program twice (its preview, then
 * the update), so each lookup reads twice per `up`; the preview's share of an `up` is a `pulumi
 * preview`, so the calls of an `up` also tell what a preview sends.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { SeedData } from "../../emulator";
import { openProject, projectFor, type ProjectStack } from "../../engine/project";
import type { CliRun } from "../../engine/cli";
import type { StackState } from "../../engine/types";
import { unwrapSecrets } from "../../engine/state";
import { assertOk, assertSameCalls, examplesDir, ops, sorted, World, type Call } from "./helpers";

/** The lookups' requests (reads) and the provider's writes, apart. */
const reads = (calls: Call[]) => sorted(calls.filter((c) => c.method === "GET"));
const writes = (calls: Call[]) => calls.filter((c) => c.method !== "GET");
const membershipRead = (userId: string): Call => ({
  method: "GET",
  path: `/v1/organizations/org_acme/memberships?user_id=${userId}&limit=1`,
});
/** What `getUserOutput({ emailAddress })` asks Clerk. */
const byEmail = (email: string): Call[] => [
  { method: "GET", path: `/v1/users?email_address=${encodeURIComponent(email)}&limit=100` },
  { method: "GET", path: `/v1/users/count?email_address=${encodeURIComponent(email)}` },
];
/** Twice each: `pulumi up` runs the program in its preview, then again in the update. */
const twice = (calls: Call[]): Call[] => sorted([...calls, ...calls]);

/** The stack's outputs as `pulumi stack export` holds them (the stack resource's outputs, secrets unwrapped). */
function stackOutputs(state: StackState): Record<string, unknown> {
  const raw = state.raw as {
    deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
  };
  const stack = raw.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return unwrapSecrets(stack?.outputs ?? {}) as Record<string, unknown>;
}

/** Asserts a CLI command other than an operation exited 0. */
function assertRan(run: CliRun): CliRun {
  assert.equal(run.code, 0, `pulumi failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file, text: fs.readFileSync(file, "utf8") };
    });
}

/** Asserts no file of the stack (backend, history, backups, the stack's config file) holds `secret` in plain text. */
function assertNowhereInPlainText(stack: ProjectStack, projectDir: string, secret: string): void {
  const files = [...filesUnder(stack.backendDir), ...filesUnder(projectDir)];
  assert.ok(
    files.some((f) => f.file.endsWith(".json")),
    "the backend holds no state file",
  );
  assert.deepEqual(
    files.filter((f) => f.text.includes(secret)).map((f) => f.file),
    [],
  );
}

describe("lifecycle: the example programs, run by the pulumi CLI in a project", function () {
  // Each `up` runs ts-node twice: minutes per test on a loaded machine.
  this.timeout(600_000);
  const world = new World((): SeedData => ({
    users: [
      { id: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh", public_metadata: { app: { onboarded: true } } },
      { id: "user_2ZUtbk2yvnFGItdeze1ivCh3uqi", private_metadata: { crm: "c-1" } },
      { id: "user_alexis", email_address: "alexis@example.com" },
      { id: "user_sam", email_address: "sam@example.com" },
      { id: "user_kim", email_address: "kim@example.com", public_metadata: { app: { tour: "done" } } },
    ],
    organizations: [
      {
        id: "org_acme",
        name: "Acme",
        slug: "acme",
        created_by: "user_alexis",
        public_metadata: { limits: { storageGb: 100 }, features: { beta: true } },
        private_metadata: { crmId: "crm_991" },
      },
    ],
    memberships: [
      { organization_id: "org_acme", user_id: "user_sam", public_metadata: { app: { lastSeen: "today" } } },
      { organization_id: "org_acme", user_id: "user_kim" },
    ],
  }));
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  /** The example's project in a fresh folder of the scratch directory, its stack configured against the emulator. */
  async function example(
    name: string,
    config: Record<string, string | { value: string; secret: true }>,
  ): Promise<{ stack: ProjectStack; projectDir: string }> {
    const dir = world.stackDir();
    const projectDir = projectFor(path.join(examplesDir, name), path.join(dir, "project"));
    const stack = await openProject({
      projectDir,
      stateDir: dir,
      config: {
        "clerk:secretKey": { value: world.emulator.secretKey, secret: true },
        "clerk:apiUrl": world.emulator.url,
        ...config,
      },
    });
    // The stack's config file lands in the project folder, never beside the example.
    assert.ok(fs.existsSync(path.join(projectDir, "Pulumi.dev.yaml")));
    assert.equal(fs.existsSync(path.join(examplesDir, name, "Pulumi.dev.yaml")), false);
    return { stack, projectDir };
  }

  it("runs the organization example: up, by slug with no change, a nested change with --diff, destroy", async () => {
    const { stack, projectDir } = await example("organization", {
      "example:organizationId": "org_acme",
      "example:billingCustomerId": { value: "cus_example_77", secret: true },
    });
    // `pulumi up` previews first: the exact calls show that its preview sent nothing.
    const up = assertOk(await stack.up());
    assert.deepEqual(ops(up), [["acme", "create"]]);
    assert.match(up.stdout, /\+ 2 created/); // the stack and acme
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: {
            plan: "pro",
            limits: { seats: 25, projects: 10 },
            features: { sso: true, auditLog: true },
          },
          private_metadata: { billing: { customerId: "cus_example_77", invoiceDay: 1 } },
        },
      },
    ]);
    const created = await stack.state();
    const acme = created.resources.find((r) => r.name === "acme");
    assert.equal(acme?.id, "org_acme");
    assert.ok(acme?.secretOutputs.includes("privateMetadata"), String(acme?.secretOutputs));
    assert.deepEqual(stackOutputs(created).organizationId, "org_acme");
    // The customer id is ciphertext in every file of the stack: state, history, backups, Pulumi.dev.yaml.
    assertNowhereInPlainText(stack, projectDir, "cus_example_77");

    // The same organization, now found by its slug: the lookup reads once per run of the program and
    // resolves to the id already in state, so nothing changes and nothing is written.
    world.reset();
    assertRan(await stack.run(["config", "rm", "example:organizationId"]));
    await stack.setConfig("example:organizationSlug", "acme");
    const same = assertOk(await stack.up());
    assert.deepEqual(ops(same), [["acme", "same"]]);
    assert.match(same.stdout, /\n\s+2 unchanged\n/);
    assert.deepEqual(world.calls(), twice([{ method: "GET", path: "/v1/organizations/acme" }]));

    // seats 25 => 50, the auditLog flag no longer declared.
    world.reset();
    assertRan(
      await stack.run([
        "config",
        "set-all",
        "--plaintext",
        "example:seats=50",
        "--plaintext",
        'example:features={"sso":true}',
      ]),
    );
    const changed = assertOk(await stack.up(["--diff"]));
    assert.deepEqual(ops(changed), [["acme", "update"]]);
    assert.deepEqual(changed.steps[0].changedPaths, [
      { kind: "delete", path: "publicMetadata.features.auditLog", old: true, new: "(removed)" },
      { kind: "update", path: "publicMetadata.limits.seats", old: 25, new: 50 },
    ]);
    assert.match(changed.stdout, /seats\s*: 25 => 50/);
    assert.match(changed.stdout, /- auditLog\s*: true/);
    assert.deepEqual(reads(world.calls()), twice([{ method: "GET", path: "/v1/organizations/acme" }]));
    assert.deepEqual(writes(world.calls()), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: {
            plan: "pro",
            limits: { seats: 50, projects: 10 },
            features: { sso: true, auditLog: null },
          },
          private_metadata: { billing: { customerId: "cus_example_77", invoiceDay: 1 } },
        },
      },
    ]);

    // destroy does not run the program: no lookup, one PATCH of nulls.
    world.reset();
    const destroy = assertOk(await stack.destroy());
    assert.deepEqual(ops(destroy), [["acme", "delete"]]);
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: { plan: null, limits: { seats: null, projects: null }, features: { sso: null } },
          private_metadata: { billing: { customerId: null, invoiceDay: null } },
        },
      },
    ]);
    // The app's keys survive; containers the stack emptied stay (documented).
    assert.deepEqual(world.organization("org_acme"), {
      public: { limits: { storageGb: 100 }, features: { beta: true } },
      private: { crmId: "crm_991", billing: {} },
    });
  });

  it("runs the memberships example with members set by `config set --path`, by email and by id, then drops one and changes another", async () => {
    const { stack } = await example("memberships", { "example:organizationSlug": "acme" });
    const member = (key: string) => `example:members["${key}"]`;
    // As the example's README types it (`config set --path`, which stores `true` as a boolean), all
    // in one `config set-all --path` to spare CLI runs.
    const entries = [
      `${member("alexis@example.com")}.department=eng`,
      `${member("alexis@example.com")}.oncall=true`,
      `${member("user_sam")}.department=support`,
      `${member("kim@example.com")}.department=sales`,
      `${member("kim@example.com")}.region.code=eu`,
    ];
    assertRan(
      await stack.run(["config", "set-all", "--path", ...entries.flatMap((e) => ["--plaintext", e])]),
    );

    // Lookups run in preview too, and only read: the slug, each email address, each membership, once
    // per run of the program.
    const lookups = [
      { method: "GET", path: "/v1/organizations/acme" },
      ...byEmail("alexis@example.com"),
      ...byEmail("kim@example.com"),
      membershipRead("user_alexis"),
      membershipRead("user_sam"),
      membershipRead("user_kim"),
    ];
    const up = assertOk(await stack.up());
    assert.deepEqual(ops(up), [
      ["member-alexis@example.com", "create"],
      ["member-kim@example.com", "create"],
      ["member-user_sam", "create"],
    ]);
    assert.match(up.stdout, /\+ 4 created/); // the stack and three memberships
    assert.match(up.stdout, /alexis@example\.com: "org:admin"/);
    assert.deepEqual(reads(world.calls()), twice(lookups));
    assertSameCalls(writes(world.calls()), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_alexis/metadata",
        body: { public_metadata: { department: "eng", oncall: true } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
        body: { public_metadata: { department: "support" } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_kim/metadata",
        body: { public_metadata: { department: "sales", region: { code: "eu" } } },
      },
    ]);
    assert.deepEqual(world.membership("org_acme", "user_sam").public, {
      app: { lastSeen: "today" },
      department: "support",
    });
    const outputs = stackOutputs(await stack.state());
    assert.equal(outputs.managedMembers, 3);
    assert.deepEqual(outputs.roles, {
      "alexis@example.com": "org:admin",
      user_sam: "org:member",
      "kim@example.com": "org:member",
    });

    // kim leaves the config, sam moves to another department.
    world.reset();
    assertRan(await stack.run(["config", "rm", "--path", member("kim@example.com")]));
    assertRan(await stack.run(["config", "set", "--path", `${member("user_sam")}.department`, "success"]));
    const change = assertOk(await stack.up());
    assert.deepEqual(ops(change), [
      ["member-alexis@example.com", "same"],
      ["member-kim@example.com", "delete"],
      ["member-user_sam", "update"],
    ]);
    assert.deepEqual(
      reads(world.calls()),
      twice([
        { method: "GET", path: "/v1/organizations/acme" },
        ...byEmail("alexis@example.com"),
        membershipRead("user_alexis"),
        membershipRead("user_sam"),
      ]),
    );
    assertSameCalls(writes(world.calls()), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
        body: { public_metadata: { department: "success" } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_kim/metadata",
        body: { public_metadata: { department: null, region: { code: null } } },
      },
    ]);
    // The membership stays, with the container the stack emptied.
    assert.deepEqual(world.membership("org_acme", "user_kim").public, { region: {} });
    assert.deepEqual((await stack.state()).resources.map((r) => r.name).sort(), [
      "member-alexis@example.com",
      "member-user_sam",
    ]);

    world.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(reads(world.calls()), []);
    assert.equal(writes(world.calls()).length, 2);
    assert.deepEqual(world.membership("org_acme", "user_sam").public, { app: { lastSeen: "today" } });
    assert.deepEqual(world.membership("org_acme", "user_alexis").public, {});
  });

  it("runs the users-from-file example from a YAML file of users by id and by email, then from the edited file", async () => {
    const [first, second] = ["user_2ZUtbk2yvnFGItdeze1ivCh3uqh", "user_2ZUtbk2yvnFGItdeze1ivCh3uqi"];
    const file = path.join(world.dir, "users.yaml");
    const write = (entries: object[]) => fs.writeFileSync(file, stringify(entries));
    write([
      { userId: first, publicMetadata: { role: "admin", beta: true }, unsafeMetadata: { theme: "dark" } },
      { userId: second, publicMetadata: { role: "support" }, privateMetadata: { ticketingId: "tk-4711" } },
      { emailAddress: "kim@example.com", publicMetadata: { role: "viewer" } },
    ]);
    const { stack, projectDir } = await example("users-from-file", { "example:usersFile": file });
    const up = assertOk(await stack.up());
    assert.deepEqual(ops(up), [
      ["kim@example.com", "create"],
      [first, "create"],
      [second, "create"],
    ]);
    assert.deepEqual(reads(world.calls()), twice(byEmail("kim@example.com")));
    assertSameCalls(writes(world.calls()), [
      {
        method: "PATCH",
        path: `/v1/users/${first}/metadata`,
        body: { public_metadata: { role: "admin", beta: true }, unsafe_metadata: { theme: "dark" } },
      },
      {
        method: "PATCH",
        path: `/v1/users/${second}/metadata`,
        body: { public_metadata: { role: "support" }, private_metadata: { ticketingId: "tk-4711" } },
      },
      { method: "PATCH", path: "/v1/users/user_kim/metadata", body: { public_metadata: { role: "viewer" } } },
    ]);
    assert.deepEqual(world.user(first).public, { app: { onboarded: true }, role: "admin", beta: true });
    assert.deepEqual(world.user(second).private, { crm: "c-1", ticketingId: "tk-4711" });
    const state = await stack.state();
    assert.equal(stackOutputs(state).managedUsers, 3);
    assert.equal(state.resources.find((r) => r.name === "kim@example.com")?.id, "user_kim");
    assert.ok(state.resources.find((r) => r.name === second)?.secretOutputs.includes("privateMetadata"));
    assertNowhereInPlainText(stack, projectDir, "tk-4711");

    // Edit the file: the user found by email dropped, one changed.
    world.reset();
    write([
      { userId: first, publicMetadata: { role: "admin", beta: false }, unsafeMetadata: { theme: "dark" } },
      { userId: second, publicMetadata: { role: "support" }, privateMetadata: { ticketingId: "tk-4711" } },
    ]);
    const change = assertOk(await stack.up());
    assert.deepEqual(ops(change), [
      ["kim@example.com", "delete"],
      [first, "update"],
      [second, "same"],
    ]);
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: `/v1/users/${first}/metadata`,
        body: { public_metadata: { role: "admin", beta: false }, unsafe_metadata: { theme: "dark" } },
      },
      { method: "PATCH", path: "/v1/users/user_kim/metadata", body: { public_metadata: { role: null } } },
    ]);
    assert.deepEqual(world.user("user_kim").public, { app: { tour: "done" } });

    world.reset();
    assertOk(await stack.destroy());
    assert.equal(world.calls().length, 2);
    assert.deepEqual(world.user(first), { public: { app: { onboarded: true } }, private: {}, unsafe: {} });
    assert.deepEqual(world.user(second), { public: {}, private: { crm: "c-1" }, unsafe: {} });
  });
});
