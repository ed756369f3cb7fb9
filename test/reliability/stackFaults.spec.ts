/**
 * Whole stacks under Clerk failures, through the engine driver and Pulumi's real dynamic-provider
 * host: a 200-resource stack applied while the emulator fails, drops, delays and rate-limits a
 * share of requests; faults that never stop; and bad declarations caught at preview.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { SeedData } from "../../emulator";
import { ProviderHost } from "../../driver/host";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../provider";
import {
  appMetadata,
  assertOk,
  assertSameView,
  merge,
  opCounts,
  pad,
  StackWorld,
  type MetadataView,
  type Obj,
} from "./stackHelpers";

// ---- the 200-resource fleet ----

const fleetSize = { users: 80, organizations: 60, memberships: 60 };
/** Entities seeded but never declared: they must come out untouched. */
const bystanders = 3;

const userId = (i: number) => `user_fleet${pad(i)}`;
const orgId = (i: number) => `org_fleet${pad(i)}`;

function fleetSeed(): SeedData {
  const users = Array.from({ length: fleetSize.users + bystanders }, (_, i) => {
    const app = appMetadata(userId(i));
    // Every tenth user holds a legacy key the stack declares `null` (must be absent).
    if (i % 10 === 0) app.public_metadata.legacy = "v1-flag";
    return { id: userId(i), first_name: `User ${i}`, ...app, unsafe_metadata: { ui: { lang: "en" } } };
  });
  const organizations = Array.from({ length: fleetSize.organizations + bystanders }, (_, i) => ({
    id: orgId(i),
    name: `Fleet ${i}`,
    ...appMetadata(orgId(i)),
  }));
  const memberships = Array.from({ length: fleetSize.memberships + bystanders }, (_, i) => ({
    organization_id: orgId(i),
    user_id: userId(i),
    ...appMetadata(`${orgId(i)}-${userId(i)}`),
  }));
  return { users, organizations, memberships } as SeedData;
}

function declaredUser(i: number): { public: Obj; private: Obj; unsafe: Obj } {
  return {
    public: {
      plan: `plan-${i % 3}`,
      limits: { seats: i + 1 },
      tags: [`t${i}`, i],
      ...(i % 10 === 0 ? { legacy: null } : {}),
    },
    private: { billing: { customer: `cus_fleet${pad(i)}` } },
    unsafe: { onboarding: { step: i % 4 } },
  };
}

function declaredOrganization(i: number): { public: Obj; private: Obj } {
  return { public: { plan: "pro", limits: { projects: i } }, private: { crm: `crm_${pad(i)}` } };
}

function declaredMembership(i: number): { public: Obj; private: Obj } {
  return { public: { department: `dept-${i % 4}` }, private: { seat: i } };
}

function fleetProgram(): void {
  for (let i = 0; i < fleetSize.users; i++) {
    const d = declaredUser(i);
    new UserMetadata(`user-${pad(i)}`, {
      userId: userId(i),
      publicMetadata: d.public,
      privateMetadata: d.private,
      unsafeMetadata: d.unsafe,
    });
  }
  for (let i = 0; i < fleetSize.organizations; i++) {
    const d = declaredOrganization(i);
    new OrganizationMetadata(`org-${pad(i)}`, {
      organizationId: orgId(i),
      publicMetadata: d.public,
      privateMetadata: d.private,
    });
  }
  for (let i = 0; i < fleetSize.memberships; i++) {
    const d = declaredMembership(i);
    new OrganizationMembershipMetadata(`member-${pad(i)}`, {
      organizationId: orgId(i),
      userId: userId(i),
      publicMetadata: d.public,
      privateMetadata: d.private,
    });
  }
}

/** What Clerk must hold after the fleet is applied: the seed with every declaration merged in. */
function expectedFleetView(before: MetadataView): MetadataView {
  const view: MetadataView = structuredClone(before);
  const apply = (key: string, declared: Record<string, Obj>) => {
    for (const [field, value] of Object.entries(declared)) view[key][field] = merge(view[key][field], value);
  };
  for (let i = 0; i < fleetSize.users; i++) apply(`user:${userId(i)}`, declaredUser(i));
  for (let i = 0; i < fleetSize.organizations; i++) apply(`org:${orgId(i)}`, declaredOrganization(i));
  for (let i = 0; i < fleetSize.memberships; i++)
    apply(`mem:${orgId(i)}/${userId(i)}`, declaredMembership(i));
  return view;
}

describe("reliability: a whole stack under Clerk faults", () => {
  const world = StackWorld.forSuite(fleetSeed, 20260522);

  it("applies 200 resources while Clerk fails, drops, delays and rate-limits requests, and ends with exactly the declared keys next to the app's", async () => {
    const before = world.view();
    const expected = expectedFleetView(before);
    const emulator = world.emulator;
    // Clerk's own limit, hit for real (the provider's pacing is off), plus injected faults.
    emulator.setRateLimit({ requests: 20, windowMs: 1000 });
    emulator.inject({ status: 500, fraction: 0.04 });
    emulator.inject({ status: 502, fraction: 0.04 });
    emulator.inject({ status: 503, fraction: 0.04 });
    emulator.inject({ status: 429, retryAfter: 1, fraction: 0.03 });
    emulator.inject({ drop: true, fraction: 0.03 });
    emulator.inject({ latencyMs: 80, fraction: 0.15 });

    const lines: string[] = [];
    const stack = world.stack(
      {
        "clerk:maxRetries": "8",
        "clerk:maxRetryTimeMs": "60000",
        "clerk:requestTimeoutMs": "10000",
        "clerk:rateLimit": "off",
      },
      { parallel: 20, log: (line) => lines.push(line) },
    );
    const started = Date.now();
    const up = assertOk(await stack.up(fleetProgram));
    const elapsed = Date.now() - started;

    assert.deepEqual(opCounts(up), { create: 200 });
    // One line per step of the preview `up` runs first, then one per step of the update.
    assert.equal(lines.length, 400);
    assert.equal(stack.state().resources.length, 200);
    assertSameView(world.view(), expected);

    // The faults really happened, every kind of them, and were all ridden out.
    const requests = emulator.requests();
    const byStatus = (status: number) => requests.filter((r) => r.status === status).length;
    for (const status of [0, 429, 500, 502, 503]) assert.ok(byStatus(status) > 0, `some answers ${status}`);
    const rateLimited = requests.filter((r) => r.status === 429 && !r.faulted).length;
    assert.ok(rateLimited > 0, "Clerk's own rate limit answered 429");
    // One successful write per resource: no write was applied twice, none was lost.
    const written = requests.filter((r) => r.method === "PATCH" && r.status === 200);
    assert.equal(written.length, 200);
    assert.equal(new Set(written.map((r) => r.path)).size, 200);
    assert.ok(elapsed < 90_000, `took ${elapsed} ms`);

    // Nothing left to do: a second up, faults gone, sends nothing.
    emulator.clearFaults();
    emulator.setRateLimit(false);
    emulator.reset();
    const again = assertOk(await stack.up(fleetProgram));
    assert.deepEqual(opCounts(again), { same: 200 });
    assert.equal(emulator.requests().length, 0);
    assertSameView(world.view(), expected);
  });
});

// ---- faults that never stop ----

function smallSeed(): SeedData {
  return {
    users: ["user_ada", "user_bob"].map((id) => ({ id, first_name: id, ...appMetadata(id) })),
    organizations: ["org_north", "org_south"].map((id) => ({ id, name: id, ...appMetadata(id) })),
    memberships: [
      { organization_id: "org_north", user_id: "user_ada", ...appMetadata("north-ada") },
      { organization_id: "org_south", user_id: "user_bob", ...appMetadata("south-bob") },
    ],
  } as SeedData;
}

/** Version 1 declares one resource of each kind; version 2 changes them and adds three more. */
function smallProgram(version: 1 | 2): () => void {
  return () => {
    new UserMetadata("ada", { userId: "user_ada", publicMetadata: { plan: `v${version}` } });
    new OrganizationMetadata("north", {
      organizationId: "org_north",
      publicMetadata: { limits: { seats: 10 * version } },
      privateMetadata: { crm: `crm-v${version}` },
    });
    new OrganizationMembershipMetadata("north-ada", {
      organizationId: "org_north",
      userId: "user_ada",
      publicMetadata: { role: `role-v${version}` },
    });
    if (version === 2) {
      new UserMetadata("bob", { userId: "user_bob", unsafeMetadata: { theme: "dark" } });
      new OrganizationMetadata("south", { organizationId: "org_south", publicMetadata: { plan: "team" } });
      new OrganizationMembershipMetadata("south-bob", {
        organizationId: "org_south",
        userId: "user_bob",
        privateMetadata: { seat: 2 },
      });
    }
  };
}

const smallResources = [
  {
    name: "ada",
    type: "UserMetadata",
    op: "update",
    ids: ["userId=user_ada"],
    path: "/v1/users/user_ada/metadata",
  },
  {
    name: "north",
    type: "OrganizationMetadata",
    op: "update",
    ids: ["organizationId=org_north"],
    path: "/v1/organizations/org_north/metadata",
  },
  {
    name: "north-ada",
    type: "OrganizationMembershipMetadata",
    op: "update",
    ids: ["organizationId=org_north", "userId=user_ada"],
    path: "/v1/organizations/org_north/memberships/user_ada/metadata",
  },
  {
    name: "bob",
    type: "UserMetadata",
    op: "create",
    ids: ["userId=user_bob"],
    path: "/v1/users/user_bob/metadata",
  },
  {
    name: "south",
    type: "OrganizationMetadata",
    op: "create",
    ids: ["organizationId=org_south"],
    path: "/v1/organizations/org_south/metadata",
  },
  {
    name: "south-bob",
    type: "OrganizationMembershipMetadata",
    op: "create",
    ids: ["organizationId=org_south", "userId=user_bob"],
    path: "/v1/organizations/org_south/memberships/user_bob/metadata",
  },
];

/** The state file's text with ciphertexts blanked (the driver re-encrypts on every save). */
function stateText(file: string): string {
  return fs.readFileSync(file, "utf8").replace(/"v1:[^"]*"/g, '"<ciphertext>"');
}

describe("reliability: a whole stack when Clerk keeps failing", () => {
  const world = StackWorld.forSuite(smallSeed);

  it("fails every resource within maxRetries with an error naming the operation, ids, status, code and trace id, leaves state unchanged, and the next up finishes the job", async () => {
    const stateFile = world.stateFile();
    assertOk(await world.stack({}, { stateFile }).up(smallProgram(1)));
    const viewBefore = world.view();
    const stateBefore = world.stack({}, { stateFile }).state();
    const textBefore = stateText(stateFile);

    world.emulator.reset();
    world.emulator.inject({ status: 503 });
    const failing = world.stack(
      { "clerk:maxRetries": "2", "clerk:maxRetryTimeMs": "2000" },
      { stateFile, parallel: 10 },
    );
    const started = Date.now();
    const result = await failing.up(smallProgram(2));
    const elapsed = Date.now() - started;

    assert.equal(result.ok, false);
    // The engine lets steps in flight finish after the first failure and starts no new one
    // (step_executor.go `cancelDueToError`): every step that ran failed, and none ran twice.
    const ran = smallResources.filter((r) => result.steps.some((s) => s.name === r.name));
    assert.ok(ran.length >= 1);
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.op, Boolean(s.error)]).sort(),
      ran.map((r) => [r.name, r.op, true]).sort(),
    );
    const requests = world.emulator.requests();
    for (const r of ran) {
      const step = result.steps.find((s) => s.name === r.name)!;
      const error = step.error!;
      assert.match(
        error,
        new RegExp(`^${r.type} ${r.ids.join(" ")}: ${r.op} \\(set owned keys\\) failed with HTTP 503`),
      );
      assert.match(error, /\(service_unavailable: Injected fault: HTTP 503\.\)/);
      assert.match(error, /Clerk trace id [0-9a-f]{32}/);
      assert.match(error, /after 3 attempts/);
      assert.equal(error.includes(world.emulator.secretKey), false);
      // maxRetries 2: the first attempt and two retries, no more.
      assert.equal(requests.filter((q) => q.path === r.path).length, 3, r.path);
    }
    assert.equal(requests.length, 3 * ran.length);
    // maxRetryTimeMs (2 s) bounds the failing steps; the rest is the host's start and the preview.
    assert.ok(elapsed < 2000 + 8000, `took ${elapsed} ms`);

    // Nothing was written: not Clerk, not the state.
    assertSameView(world.view(), viewBefore);
    // The resources' state is untouched; the default provider's recorded config is the new one, as
    // the engine records it when the provider is (re)configured, before any resource step.
    assert.deepEqual(JSON.parse(stateText(stateFile)).resources, JSON.parse(textBefore).resources);
    assert.deepEqual(failing.state().resources, stateBefore.resources);

    world.emulator.clearFaults();
    world.emulator.reset();
    const retry = assertOk(await world.stack({}, { stateFile }).up(smallProgram(2)));
    assert.deepEqual(opCounts(retry), { update: 3, create: 3 });
    assert.equal(world.emulator.requests().length, 6);
    const view = world.view();
    assert.deepEqual(view["user:user_ada"].public, {
      ...appMetadata("user_ada").public_metadata,
      plan: "v2",
    });
    assert.deepEqual(view["org:org_north"].public, {
      app: appMetadata("org_north").public_metadata.app,
      limits: { appLimit: 5, seats: 20 },
    });
    assert.deepEqual(view["org:org_north"].private, {
      ...appMetadata("org_north").private_metadata,
      crm: "crm-v2",
    });
    assert.deepEqual(view["mem:org_north/user_ada"].public, {
      ...appMetadata("north-ada").public_metadata,
      role: "role-v2",
    });
    assert.deepEqual(view["user:user_bob"].unsafe, { theme: "dark" });
    assert.deepEqual(view["org:org_south"].public, {
      ...appMetadata("org_south").public_metadata,
      plan: "team",
    });
    assert.deepEqual(view["mem:org_south/user_bob"].private, {
      ...appMetadata("south-bob").private_metadata,
      seat: 2,
    });
  });

  it("gives up on every resource once maxRetryTimeMs has passed, however many retries are left", async () => {
    const stateFile = world.stateFile();
    world.emulator.inject({ status: 502, latencyMs: 100 });
    const stack = world.stack(
      { "clerk:maxRetries": "1000", "clerk:maxRetryTimeMs": "1500" },
      { stateFile, parallel: 10 },
    );
    const started = Date.now();
    const result = await stack.up(smallProgram(1));
    const elapsed = Date.now() - started;

    assert.equal(result.ok, false);
    assert.equal(result.steps.length, 3);
    for (const step of result.steps) {
      assert.match(
        step.error ?? "",
        /create \(set owned keys\) failed with HTTP 502 \(bad_gateway: .*\), Clerk trace id [0-9a-f]{32}, after \d+ attempts\./,
      );
      const attempts = Number(/after (\d+) attempts/.exec(step.error!)![1]);
      assert.ok(attempts >= 2 && attempts < 1000, `${attempts} attempts`);
    }
    // The bound of one call plus the host's start and stop.
    // maxRetryTimeMs (1.5 s) bounds the failing steps; the rest is the host's start and the preview.
    assert.ok(elapsed < 1500 + 8000, `took ${elapsed} ms`);
    assert.equal(fs.existsSync(stateFile) ? stack.state().resources.length : 0, 0);
  });
});

// ---- bad declarations at preview ----

function deep(levels: number): Obj {
  let value: Obj = { leaf: true };
  for (let i = levels; i >= 1; i--) value = { [`l${i}`]: value };
  return value;
}

/** Declarations `check` refuses; `as never` marks input the types refuse too, passed on purpose. */
const badDeclarations: { what: string; program: () => void; message: RegExp }[] = [
  {
    what: "a user id with a slash",
    program: () => new UserMetadata("bad", { userId: "user_ada/evil", publicMetadata: { a: 1 } }),
    message: /check failed: userId: must contain only letters, digits and "_"/,
  },
  {
    what: "a membership whose organization id holds a slash",
    program: () =>
      new OrganizationMembershipMetadata("bad", {
        organizationId: "org_north/user_ada",
        userId: "user_ada",
        publicMetadata: { a: 1 },
      }),
    message: /check failed: organizationId: must contain only letters, digits and "_"/,
  },
  {
    what: "metadata that is a string",
    program: () =>
      new OrganizationMetadata("bad", { organizationId: "org_north", privateMetadata: "plan=pro" as never }),
    message: /check failed: privateMetadata: must be a plain JSON object, got a string/,
  },
  {
    what: "metadata that is an array at the top",
    program: () => new UserMetadata("bad", { userId: "user_ada", publicMetadata: ["a", "b"] as never }),
    message: /check failed: publicMetadata: must be a plain JSON object, got an array/,
  },
  {
    what: "a field over 8 KB",
    program: () =>
      new UserMetadata("bad", {
        userId: "user_ada",
        privateMetadata: { blob: "secret-blob-".repeat(700) },
      }),
    message: /check failed: privateMetadata: is \d+ bytes of JSON; Clerk allows at most 8192 bytes/,
  },
  {
    what: "metadata nested too deep",
    program: () => new UserMetadata("bad", { userId: "user_ada", unsafeMetadata: deep(66) }),
    message: new RegExp(
      `check failed: unsafeMetadata${Array.from({ length: 64 }, (_, i) => `\\.l${i + 1}`).join("")}: is nested deeper than 64 levels, this provider's own limit`,
    ),
  },
];

describe("reliability: bad declarations at preview through the driver", () => {
  const world = new StackWorld(smallSeed);
  let host: ProviderHost;
  before(async () => {
    await world.start();
    host = await ProviderHost.start();
  });
  after(async () => {
    await host?.stop();
    await world.stop();
  });
  beforeEach(() => world.emulator.reset());

  for (const bad of badDeclarations) {
    it(`fails the preview of ${bad.what} in the host's Check, naming the property path, without a request`, async () => {
      const stack = world.stack({}, { host });
      const result = await stack.preview(() => {
        // A well-formed resource next to it: the bad one fails the run, nothing is sent for either.
        new OrganizationMetadata("fine", { organizationId: "org_south", publicMetadata: { ok: true } });
        bad.program();
      });
      assert.equal(result.ok, false);
      const failed = result.steps.filter((s) => s.error);
      assert.deepEqual(
        failed.map((s) => s.name),
        ["bad"],
      );
      assert.match(failed[0].error!, bad.message);
      assert.equal(result.errors.length, 1);
      assert.doesNotMatch(result.errors[0], /secret-blob|plan=pro/);
      assert.equal(world.emulator.requests().length, 0);
      assert.equal(fs.existsSync(stack.stateFile), false);
    });
  }
});
