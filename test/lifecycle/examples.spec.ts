import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { assertOk, assertSameCalls, examplesDir, ops, sorted, World, type Call } from "./helpers";

/** The lookups' requests (reads) and the provider's writes, apart. */
const reads = (calls: Call[]) => sorted(calls.filter((c) => c.method === "GET"));
const writes = (calls: Call[]) => calls.filter((c) => c.method !== "GET");
const membershipRead = (userId: string): Call => ({
  method: "GET",
  path: `/v1/organizations/org_acme/memberships?user_id=${userId}&limit=1`,
});

const organizationProgram = path.join(examplesDir, "organization", "index.ts");
const membershipsProgram = path.join(examplesDir, "memberships", "index.ts");
const usersProgram = path.join(examplesDir, "users-from-file", "index.ts");

describe("lifecycle: the example programs", () => {
  const world = new World(() => ({
    users: [
      { id: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh", public_metadata: { app: { onboarded: true } } },
      { id: "user_2ZUtbk2yvnFGItdeze1ivCh3uqi", private_metadata: { crm: "c-1" } },
      { id: "user_2ZUtbk2yvnFGItdeze1ivCh3uqj" },
      { id: "user_alexis", email_address: "alexis@example.com" },
      { id: "user_sam", email_address: "sam@example.com" },
      { id: "user_kim", email_address: "kim@example.com" },
    ],
    organizations: [
      {
        id: "org_acme",
        name: "Acme",
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

  it("runs the organization example: preview, up, a no-change up, a nested change and destroy", async () => {
    const config = {
      "example:organizationId": "org_acme",
      "example:billingCustomerId": { value: "cus_example_77", secret: true as const },
    };
    const stack = world.stack(config);
    assertOk(await stack.preview(organizationProgram));
    assert.deepEqual(world.calls(), []);

    const up = assertOk(await stack.up(organizationProgram));
    assert.deepEqual(ops(up), [["acme", "create"]]);
    assert.deepEqual(up.outputs?.organizationId, "org_acme");
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
    assert.equal(fs.readFileSync(stack.stateFile, "utf8").includes("cus_example_77"), false);

    world.reset();
    assert.deepEqual(ops(assertOk(await stack.up(organizationProgram))), [["acme", "same"]]);
    assert.deepEqual(world.calls(), []);

    // Same state file, new config: seats 25 => 50, the auditLog flag no longer declared.
    const changed = world.stack(
      { ...config, "example:seats": "50", "example:features": '{"sso":true}' },
      { stateFile: stack.stateFile },
    );
    assert.deepEqual(ops(assertOk(await changed.up(organizationProgram))), [["acme", "update"]]);
    assert.deepEqual(world.calls(), [
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

    world.reset();
    assert.deepEqual(ops(assertOk(await changed.destroy())), [["acme", "delete"]]);
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

  it("runs the memberships example across several members, then drops one and changes another", async () => {
    const members = (value: object) => ({
      "example:organizationId": "org_acme",
      "example:members": JSON.stringify(value),
    });
    const stack = world.stack(
      members({
        user_alexis: { department: "eng", oncall: true },
        user_sam: { department: "support" },
        user_kim: { department: "sales", region: { code: "eu" } },
      }),
    );
    const up = assertOk(await stack.up(membershipsProgram));
    assert.equal(up.outputs?.managedMembers, 3);
    // getOrganizationMembership per member, in the preview's and the update's run of the program.
    assert.deepEqual(
      reads(world.calls()),
      sorted(
        ["user_alexis", "user_kim", "user_sam"].flatMap((id) => [membershipRead(id), membershipRead(id)]),
      ),
    );
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

    world.reset();
    const next = world.stack(
      members({ user_alexis: { department: "eng", oncall: true }, user_sam: { department: "success" } }),
      { stateFile: stack.stateFile },
    );
    const change = assertOk(await next.up(membershipsProgram));
    assert.deepEqual(ops(change), [
      ["member-user_alexis", "same"],
      ["member-user_kim", "delete"],
      ["member-user_sam", "update"],
    ]);
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
    assert.deepEqual(world.membership("org_acme", "user_kim").public, { region: {} });

    world.reset();
    assertOk(await next.destroy());
    assert.equal(writes(world.calls()).length, 2);
    assert.deepEqual(world.membership("org_acme", "user_sam").public, { app: { lastSeen: "today" } });
    assert.deepEqual(world.membership("org_acme", "user_alexis").public, {});
  });

  it("finds the organization by slug and members by email address: lookups only read, in preview too", async () => {
    const organization = world.stack({
      "example:organizationSlug": "acme",
      "example:billingCustomerId": { value: "cus_example_77", secret: true as const },
    });
    assertOk(await organization.preview(organizationProgram));
    assert.deepEqual(world.calls(), [{ method: "GET", path: "/v1/organizations/acme" }]);
    world.reset();
    const up = assertOk(await organization.up(organizationProgram));
    assert.equal(up.outputs?.organizationId, "org_acme");
    assert.deepEqual(reads(world.calls()), [
      { method: "GET", path: "/v1/organizations/acme" },
      { method: "GET", path: "/v1/organizations/acme" },
    ]);
    assert.deepEqual(
      writes(world.calls()).map((c) => c.path),
      ["/v1/organizations/org_acme/metadata"],
    );

    world.reset();
    const members = world.stack({
      "example:organizationSlug": "acme",
      "example:members": JSON.stringify({
        "sam@example.com": { department: "support" },
        "kim@example.com": {},
      }),
    });
    assertOk(await members.preview(membershipsProgram));
    const byEmail = (email: string): Call[] => [
      { method: "GET", path: `/v1/users?email_address=${encodeURIComponent(email)}&limit=100` },
      { method: "GET", path: `/v1/users/count?email_address=${encodeURIComponent(email)}` },
    ];
    assert.deepEqual(
      reads(world.calls()),
      sorted([
        { method: "GET", path: "/v1/organizations/acme" },
        ...byEmail("sam@example.com"),
        ...byEmail("kim@example.com"),
        membershipRead("user_sam"),
        membershipRead("user_kim"),
      ]),
    );
    assert.deepEqual(writes(world.calls()), []);
    world.reset();
    const membersUp = assertOk(await members.up(membershipsProgram));
    assert.deepEqual(membersUp.outputs?.roles, {
      "sam@example.com": "org:member",
      "kim@example.com": "org:member",
    });
    assert.deepEqual(writes(world.calls()), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
        body: { public_metadata: { department: "support" } },
      },
    ]);
    assert.deepEqual(world.membership("org_acme", "user_sam").public, {
      app: { lastSeen: "today" },
      department: "support",
    });
  });

  it("runs the users-from-file example from a temporary YAML file of several users", async () => {
    const [first, second, third] = [
      "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
      "user_2ZUtbk2yvnFGItdeze1ivCh3uqi",
      "user_2ZUtbk2yvnFGItdeze1ivCh3uqj",
    ];
    const file = path.join(world.dir, "users.yaml");
    const write = (entries: object[]) => fs.writeFileSync(file, stringify(entries));
    write([
      { userId: first, publicMetadata: { role: "admin", beta: true }, unsafeMetadata: { theme: "dark" } },
      { userId: second, publicMetadata: { role: "support" }, privateMetadata: { ticketingId: "tk-4711" } },
      { userId: third, publicMetadata: { role: "viewer" } },
    ]);
    const stack = world.stack({ "example:usersFile": file });
    const up = assertOk(await stack.up(usersProgram));
    assert.equal(up.outputs?.managedUsers, 3);
    assertSameCalls(world.calls(), [
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
      { method: "PATCH", path: `/v1/users/${third}/metadata`, body: { public_metadata: { role: "viewer" } } },
    ]);
    assert.deepEqual(world.user(first).public, { app: { onboarded: true }, role: "admin", beta: true });
    assert.deepEqual(world.user(second).private, { crm: "c-1", ticketingId: "tk-4711" });
    assert.equal(fs.readFileSync(stack.stateFile, "utf8").includes("tk-4711"), false);

    // Edit the file: one user dropped, one changed.
    world.reset();
    write([
      { userId: first, publicMetadata: { role: "admin", beta: false }, unsafeMetadata: { theme: "dark" } },
      { userId: second, publicMetadata: { role: "support" }, privateMetadata: { ticketingId: "tk-4711" } },
    ]);
    const change = assertOk(await stack.up(usersProgram));
    assert.deepEqual(ops(change), [
      [first, "update"],
      [second, "same"],
      [third, "delete"],
    ]);
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: `/v1/users/${first}/metadata`,
        body: { public_metadata: { role: "admin", beta: false }, unsafe_metadata: { theme: "dark" } },
      },
      { method: "PATCH", path: `/v1/users/${third}/metadata`, body: { public_metadata: { role: null } } },
    ]);

    world.reset();
    assertOk(await stack.destroy());
    assert.equal(world.calls().length, 2);
    assert.deepEqual(world.user(first), { public: { app: { onboarded: true } }, private: {}, unsafe: {} });
    assert.deepEqual(world.user(second), { public: {}, private: { crm: "c-1" }, unsafe: {} });
  });
});
