/**
 * Whole stacks under Clerk failures, run by Pulumi's real CLI: a 200-resource stack applied while
 * the emulator answers scripted faults (429 with and without Retry-After, 5xx, dropped
 * connections) to chosen requests; faults that never stop; and bad declarations caught at preview.
 * Every fault is scripted for one request of one path, so what each resource met is known
 * exactly, whatever the machine's speed.
 */
import assert from "node:assert/strict";
import type { Fault, SeedData } from "../../emulator";
import type { Stack } from "../../engine/stack";
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
import { finalCheckpointOnly } from "../support/checkpoints";

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

const userPath = (i: number) => `/v1/users/${userId(i)}/metadata`;
const orgPath = (i: number) => `/v1/organizations/${orgId(i)}/metadata`;
const memberPath = (i: number) => `/v1/organizations/${orgId(i)}/memberships/${userId(i)}/metadata`;

/** The path every resource of the fleet writes (its create is one PATCH). */
function fleetPaths(): string[] {
  return [
    ...Array.from({ length: fleetSize.users }, (_, i) => userPath(i)),
    ...Array.from({ length: fleetSize.organizations }, (_, i) => orgPath(i)),
    ...Array.from({ length: fleetSize.memberships }, (_, i) => memberPath(i)),
  ];
}

type ScriptedFault = Pick<Fault, "status" | "retryAfter" | "drop">;

/**
 * What Clerk answers to the first requests of chosen paths, in order; every later request of the
 * path is served. Spread over the three kinds and the whole run, with several faults in a row.
 */
const script: { path: string; faults: ScriptedFault[] }[] = [
  { path: userPath(3), faults: [{ status: 429, retryAfter: 1 }] },
  { path: userPath(11), faults: [{ status: 500 }, { status: 500 }] },
  { path: userPath(27), faults: [{ drop: true }] },
  { path: userPath(42), faults: [{ status: 503 }, { status: 429, retryAfter: 1 }, { drop: true }] },
  { path: userPath(64), faults: [{ status: 429 }] },
  { path: userPath(79), faults: [{ status: 502 }] },
  { path: orgPath(0), faults: [{ status: 503 }] },
  { path: orgPath(18), faults: [{ drop: true }, { drop: true }] },
  { path: orgPath(33), faults: [{ status: 429, retryAfter: 2 }, { status: 500 }] },
  { path: orgPath(59), faults: [{ status: 502 }, { status: 503 }, { status: 500 }] },
  { path: memberPath(5), faults: [{ status: 429, retryAfter: 1 }] },
  { path: memberPath(21), faults: [{ drop: true }, { status: 502 }] },
  { path: memberPath(44), faults: [{ status: 500 }] },
  { path: memberPath(59), faults: [{ status: 503 }, { drop: true }, { status: 429, retryAfter: 1 }] },
];

/** The faults the emulator still holds (each scripted fault is used once, then it expires). */
async function faultsLeft(world: StackWorld): Promise<unknown[]> {
  const answer = await fetch(`${world.emulator.url}/__emulator/faults`);
  return ((await answer.json()) as { faults: unknown[] }).faults;
}

describe("reliability: a whole stack under Clerk faults", function () {
  // 200 resources through the real CLI: minutes on a busy 2-core machine.
  this.timeout(600_000);
  const world = StackWorld.forSuite(fleetSeed, 20260522);

  it("applies 200 resources while Clerk answers 429, 5xx and dropped connections to chosen requests, retries each exactly as often, and ends with exactly the declared keys next to the app's", async () => {
    const before = world.view();
    const expected = expectedFleetView(before);
    for (const { path, faults } of script) {
      for (const fault of faults) world.emulator.inject({ ...fault, method: "PATCH", path, count: 1 });
    }

    const stack = await world.stack({}, { parallel: 20, env: finalCheckpointOnly });
    // The preview sends no request; the update is what meets the faults.
    const up = assertOk(await stack.up(fleetProgram, { skipPreview: true }));
    assert.deepEqual(opCounts(up), { create: 200 });

    // Every scripted fault was met: none is left in the emulator.
    assert.deepEqual(await faultsLeft(world), []);
    // Each path saw its faults in order, then exactly one answered write; every other path one write.
    const requests = world.emulator.requests();
    assert.ok(
      requests.every((r) => r.method === "PATCH"),
      "only writes: a create is one PATCH",
    );
    const seen = new Map<string, { status: number; faulted: boolean }[]>();
    for (const r of requests)
      seen.set(r.path, [...(seen.get(r.path) ?? []), { status: r.status, faulted: !!r.faulted }]);
    assert.deepEqual([...seen.keys()].sort(), fleetPaths().sort());
    const scripted = new Map(script.map(({ path, faults }) => [path, faults]));
    for (const path of fleetPaths()) {
      const faults = scripted.get(path) ?? [];
      assert.deepEqual(
        seen.get(path),
        [
          ...faults.map((f) => ({ status: f.drop ? 0 : f.status!, faulted: true })),
          { status: 200, faulted: false },
        ],
        path,
      );
    }
    assert.equal(requests.length, 200 + script.reduce((n, s) => n + s.faults.length, 0));

    // A 429 with Retry-After is retried no sooner than it says.
    const timed = world.timedRequests();
    for (const { path, faults } of script) {
      const onPath = timed.filter((r) => r.path === path).sort((a, b) => a.arrivedAt - b.arrivedAt);
      faults.forEach((fault, k) => {
        if (fault.status !== 429 || fault.retryAfter === undefined) return;
        const waited = onPath[k + 1].arrivedAt - onPath[k].finishedAt;
        // The log's times are whole milliseconds.
        assert.ok(
          waited >= fault.retryAfter * 1000 - 5,
          `${path}: retried ${Math.round(waited)} ms after a 429 with Retry-After ${fault.retryAfter}`,
        );
      });
    }

    // Clerk holds exactly the declared keys next to the app's, and the state holds each resource
    // once, with complete outputs.
    assertSameView(world.view(), expected);
    const state = await stack.state();
    assert.equal(state.resources.length, 200);
    assert.equal(new Set(state.resources.map((r) => r.urn)).size, 200);
    assert.deepEqual(state.pendingOperations, []);
    const outputsOf = (name: string) => state.resources.find((r) => r.name === name)!.outputs;
    for (let i = 0; i < fleetSize.users; i++) {
      const d = declaredUser(i);
      const outs = outputsOf(`user-${pad(i)}`);
      assert.deepEqual(
        [outs.publicMetadata, outs.privateMetadata, outs.unsafeMetadata],
        [d.public, d.private, d.unsafe],
        `user-${pad(i)}`,
      );
    }
    for (let i = 0; i < fleetSize.organizations; i++) {
      const d = declaredOrganization(i);
      const outs = outputsOf(`org-${pad(i)}`);
      assert.deepEqual([outs.publicMetadata, outs.privateMetadata], [d.public, d.private], `org-${pad(i)}`);
    }
    for (let i = 0; i < fleetSize.memberships; i++) {
      const d = declaredMembership(i);
      const outs = outputsOf(`member-${pad(i)}`);
      assert.deepEqual(
        [outs.publicMetadata, outs.privateMetadata],
        [d.public, d.private],
        `member-${pad(i)}`,
      );
    }
    // The outputs are the declarations, so a next `up` has nothing to do: diff compares old outputs
    // with new inputs (CONTRACT.md, diff). A no-change `up` of 200 resources costs a minute here and
    // is pinned by the lifecycle tests, so it is not repeated.
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

describe("reliability: a whole stack when Clerk keeps failing", () => {
  const world = StackWorld.forSuite(smallSeed);

  it("fails every resource within maxRetries with an error naming the operation, ids, status, code and trace id, leaves Clerk and state unchanged, and the next up finishes the job", async () => {
    const dir = world.stackDir();
    assertOk(await (await world.stack({}, { dir })).up(smallProgram(1), { skipPreview: true }));
    const viewBefore = world.view();

    world.reset();
    world.emulator.inject({ status: 503 });
    const failing = await world.stack(
      { "clerk:maxRetries": { value: "2" }, "clerk:maxRetryTimeMs": { value: "2000" } },
      { dir, parallel: 10 },
    );
    const stateBefore = await failing.state();
    const result = await failing.up(smallProgram(2), { skipPreview: true });

    assert.equal(result.ok, false);
    // The engine lets steps in flight finish after the first failure and starts no new one
    // (pkg/resource/deploy/step_executor.go, `cancelDueToError`): every step that ran failed.
    const ran = smallResources.filter((r) => result.steps.some((s) => s.name === r.name));
    assert.ok(ran.length >= 1);
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.op, Boolean(s.error)]).sort(),
      ran.map((r) => [r.name, r.op, true]).sort(),
    );
    const requests = world.emulator.requests();
    for (const r of ran) {
      const error = result.steps.find((s) => s.name === r.name)!.error!;
      assert.match(
        error,
        new RegExp(`${r.type} ${r.ids.join(" ")}: ${r.op} \\(set owned keys\\) failed with HTTP 503`),
      );
      assert.match(error, /\(service_unavailable: Injected fault: HTTP 503\.\)/);
      assert.match(error, /Clerk trace id [0-9a-f]{32}/);
      assert.match(error, /after 3 attempts/);
      assert.equal(error.includes(world.emulator.secretKey), false);
      // maxRetries 2: the first attempt and two retries, no more.
      assert.equal(requests.filter((q) => q.path === r.path).length, 3, r.path);
    }
    assert.equal(requests.length, 3 * ran.length);
    assert.equal((result.stdout + result.stderr).includes(world.emulator.secretKey), false);

    // Nothing was written: not Clerk, not the resources' state (the default provider's recorded
    // config is the new one: the engine records it when it configures the provider, before any step).
    assertSameView(world.view(), viewBefore);
    const stateAfter = await failing.state();
    assert.deepEqual(stateAfter.resources, stateBefore.resources);
    assert.deepEqual(stateAfter.pendingOperations, []);

    world.emulator.clearFaults();
    world.reset();
    const retry = assertOk(await failing.up(smallProgram(2), { skipPreview: true }));
    assert.deepEqual(opCounts(retry), { update: 3, create: 3 }, `${retry.stdout}\n${retry.stderr}`);
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
    world.emulator.inject({ status: 502, latencyMs: 100 });
    const stack = await world.stack(
      { "clerk:maxRetries": { value: "1000" }, "clerk:maxRetryTimeMs": { value: "1500" } },
      { parallel: 10 },
    );
    const result = await stack.up(smallProgram(1), { skipPreview: true });

    assert.equal(result.ok, false);
    assert.deepEqual(result.steps.map((s) => s.name).sort(), ["ada", "north", "north-ada"]);
    const timed = world.timedRequests();
    for (const step of result.steps) {
      assert.match(
        step.error ?? "",
        /create \(set owned keys\) failed with HTTP 502 \(bad_gateway: .*\), Clerk trace id [0-9a-f]{32}, after \d+ attempts\./,
      );
      const attempts = Number(/after (\d+) attempts/.exec(step.error!)![1]);
      assert.ok(attempts >= 2 && attempts < 1000, `${attempts} attempts`);
      // Every attempt the error counts reached Clerk, and they all fit in the time bound: from the
      // first request's arrival to the last one's answer, 1.5 s and the 100 ms the last one took
      // (plus this machine's scheduling).
      const path = smallResources.find((r) => r.name === step.name)!.path;
      const onPath = timed.filter((r) => r.path === path);
      assert.equal(onPath.length, attempts, path);
      const span = Math.max(...onPath.map((r) => r.finishedAt)) - Math.min(...onPath.map((r) => r.arrivedAt));
      assert.ok(span < 1500 + 100 + 1000, `${path}: attempts spanned ${Math.round(span)} ms`);
    }
    assert.equal((await stack.state()).resources.length, 0);
  });
});

// ---- bad declarations at preview ----

function deep(levels: number): Obj {
  let value: Obj = { leaf: true };
  for (let i = levels; i >= 1; i--) value = { [`l${i}`]: value };
  return value;
}

/**
 * Declarations `check` refuses; `as never` marks input the types refuse too, passed on purpose.
 * The engine prints each failure as `<type> resource '<name>': property <path> value <value> has
 * a problem: <reason>` (sdk/go/common/diag/errors.go, `GetResourcePropertyInvalidValueError`,
 * filled by pkg/resource/deploy/step_generator.go, `issueCheckFailures`, v3.248.0), where
 * `<value>` is the input under `<path>` when `<path>` is a top-level property (`{<nil>}` for a
 * nested path), printed with `%v`: a secret input prints its plaintext. So a failure on
 * `privateMetadata` as a whole names no property and carries the path in the reason
 * (`<type> resource '<name>' has a problem: privateMetadata: <reason>`).
 */
const badDeclarations: { what: string; program: () => void; message: RegExp }[] = [
  {
    what: "a user id with a slash",
    program: () => new UserMetadata("bad", { userId: "user_ada/evil", publicMetadata: { a: 1 } }),
    message:
      /^pulumi-nodejs:dynamic\/clerk:UserMetadata resource 'bad': property userId value .* has a problem: must contain only letters, digits and "_"/,
  },
  {
    what: "a membership whose organization id holds a slash",
    program: () =>
      new OrganizationMembershipMetadata("bad", {
        organizationId: "org_north/user_ada",
        userId: "user_ada",
        publicMetadata: { a: 1 },
      }),
    message:
      /^pulumi-nodejs:dynamic\/clerk:OrganizationMembershipMetadata resource 'bad': property organizationId value .* has a problem: must contain only letters, digits and "_"/,
  },
  {
    what: "metadata that is a string",
    program: () =>
      new OrganizationMetadata("bad", { organizationId: "org_north", privateMetadata: "plan=pro" as never }),
    message:
      /^pulumi-nodejs:dynamic\/clerk:OrganizationMetadata resource 'bad' has a problem: privateMetadata: must be a plain JSON object, got a string$/,
  },
  {
    what: "metadata that is an array at the top",
    program: () => new UserMetadata("bad", { userId: "user_ada", publicMetadata: ["a", "b"] as never }),
    message:
      /^pulumi-nodejs:dynamic\/clerk:UserMetadata resource 'bad': property publicMetadata value .* has a problem: must be a plain JSON object, got an array$/,
  },
  {
    what: "a field over 8 KB",
    program: () =>
      new UserMetadata("bad", {
        userId: "user_ada",
        privateMetadata: { blob: "secret-blob-".repeat(700) },
      }),
    message:
      /^pulumi-nodejs:dynamic\/clerk:UserMetadata resource 'bad' has a problem: privateMetadata: is \d+ bytes of JSON, over this provider's check of at most 8192 bytes per field: Clerk documents only "Metadata is limited to 8KB maximum", not whether per field or for all fields together$/,
  },
  {
    what: "metadata nested too deep",
    program: () => new UserMetadata("bad", { userId: "user_ada", unsafeMetadata: deep(66) }),
    message: new RegExp(
      `resource 'bad': property unsafeMetadata${Array.from({ length: 64 }, (_, i) => `\\.l${i + 1}`).join("")} value .* has a problem: is nested deeper than 64 levels, this provider's own limit`,
    ),
  },
];

describe("reliability: bad declarations at preview", () => {
  const world = StackWorld.forSuite(smallSeed);
  let stack: Stack;
  before(async () => {
    stack = await world.stack();
  });

  for (const bad of badDeclarations) {
    it(`fails the preview of ${bad.what} in the provider's Check, naming the property path, without a request`, async () => {
      const result = await stack.preview(() => {
        // A well-formed resource next to it: the bad one fails the run, nothing is sent for either.
        new OrganizationMetadata("fine", { organizationId: "org_south", publicMetadata: { ok: true } });
        bad.program();
      });
      assert.equal(result.ok, false);
      // A Check failure is a diagnostic of the resource, before any step
      // (pkg/resource/deploy/step_generator.go, `issueCheckFailures`, v3.248.0).
      const failures = result.diagnostics.filter((d) => d.severity === "error" && d.urn);
      assert.deepEqual(
        failures.map((d) => d.urn!.slice(d.urn!.lastIndexOf("::") + 2)),
        ["bad"],
      );
      assert.match(failures[0].message, bad.message);
      assert.deepEqual(world.calls(), []);
      assert.equal((await stack.state()).resources.length, 0);
    });
  }

  it("prints no private metadata value when Check refuses privateMetadata itself", async () => {
    // The engine prints the value of a failing top-level property with `%v`, a secret's plaintext
    // included (see badDeclarations), so this holds only if the provider never reports a failure
    // as the `privateMetadata` property: it must name no property (the path in the reason) or a
    // nested one.
    for (const what of ["metadata that is a string", "a field over 8 KB"]) {
      const bad = badDeclarations.find((b) => b.what === what)!;
      const result = await stack.preview(bad.program);
      assert.equal(result.ok, false);
      const printed = [result.stdout, result.stderr, ...result.errors].join("\n");
      assert.match(printed, /has a problem/);
      assert.doesNotMatch(printed, /secret-blob|plan=pro/, `${what}: the private value is printed`);
    }
  });
});
