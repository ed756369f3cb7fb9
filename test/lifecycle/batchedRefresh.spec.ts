import * as assert from "node:assert/strict";
import type { SeedData } from "../../emulator";
import type { Stack } from "../../engine/stack";
import type { OperationResult } from "../../engine/types";
import { registered } from "../../bench/mixedStack";
import * as clerk from "../../provider";
import { assertOk, ops, World } from "./helpers";

const userIds = Array.from({ length: 12 }, (_, i) => `user_r${String(i).padStart(2, "0")}`);
const orgIds = ["org_r1", "org_r2", "org_r3", "org_r4"];

function seed(): SeedData {
  return {
    users: userIds.map((id, i) => ({ id, first_name: "R", private_metadata: { app: i } })),
    organizations: orgIds.map((id, i) => ({ id, name: id, created_by: userIds[i] })),
    memberships: userIds.slice(4).map((user_id, i) => ({ organization_id: orgIds[i % 2], user_id })),
  };
}

/** 12 users, 4 organizations and 8 memberships of two organizations, each owning one key. */
const program = () => {
  for (const userId of userIds)
    new clerk.UserMetadata(userId, { userId, privateMetadata: { owned: { by: userId } } });
  for (const organizationId of orgIds)
    new clerk.OrganizationMetadata(organizationId, {
      organizationId,
      publicMetadata: { tier: organizationId },
    });
  userIds.slice(4).forEach((userId, i) => {
    const organizationId = orgIds[i % 2];
    new clerk.OrganizationMembershipMetadata(`${organizationId}-${userId}`, {
      organizationId,
      userId,
      publicMetadata: { seat: userId },
    });
  });
};

/** Each resource's outputs by name (the engine may store resources in another order after a refresh). */
async function outputsByName(stack: Stack): Promise<Record<string, unknown>> {
  return Object.fromEntries((await stack.state()).resources.map((r) => [r.name, r.outputs]));
}

/**
 * The resources a `pulumi refresh` dropped from state, as Pulumi's display names them
 * (" -  <type> <name> deleted"). The steps cannot tell: in a refresh the engine reports a gone
 * resource's outcome with op `delete` (pkg/engine/update.go `OnResourceStepPost`, `RefreshStep.ResultOp`,
 * v3.248.0), which engine/results.ts folds into `drop` only for `preview --refresh`.
 */
function droppedBy(result: OperationResult): string[] {
  return [...result.stdout.matchAll(/^\s*-\s+pulumi-nodejs:dynamic\/clerk:\w+ (\S+) deleted\b/gm)]
    .map((m) => m[1]!)
    .sort();
}

/**
 * Slows every read to 1.5 s. From source, each resource carries a ~115 KB `__provider` that the
 * engine sends with every Read and the dynamic-provider host deserializes, which spreads the
 * reads over hundreds of milliseconds, more on a busy machine: only reads that wait while a
 * request is in flight share a list, so without this a slow machine may send every read alone
 * (the exact batches are pinned at hook level, test/provider/clerk/batchReads.spec.ts and
 * userMembershipLists.spec.ts).
 */
function readsTakeTime(world: World): void {
  world.emulator.inject({ method: "GET", latencyMs: 1500 });
}

describe("lifecycle: refresh reads in batches", () => {
  const world = new World(seed);
  beforeEach(() => world.start());
  afterEach(() => world.stop());

  /** The list requests a refresh sent, as `path ids-count`, sorted. */
  function listRequests(): string[] {
    return world.emulator
      .requests()
      .map((r) => `${r.path} ${(r.queryAll.user_id ?? r.queryAll.organization_id ?? []).length}`)
      .sort();
  }

  it("refreshes 24 resources of three kinds at parallel 64 with reads that arrive together sharing list requests, each resource keeping exactly its own values", async () => {
    const stack = await world.stack({}, { parallel: 64 });
    assertOk(await stack.up(program, { skipPreview: true }));
    const before = await outputsByName(stack);
    world.reset();
    readsTakeTime(world);
    const refresh = assertOk(await stack.refresh({ expectNoChanges: true }));
    assert.equal(refresh.steps.length, 24);
    const requests = world.emulator.requests();
    assert.ok(requests.every((r) => r.method === "GET" && r.status === 200));
    assert.ok(
      requests.some((r) => (r.queryAll.user_id ?? r.queryAll.organization_id ?? []).length > 1),
      listRequests().join("\n"),
    );
    assert.ok(requests.length < 24, listRequests().join("\n"));
    assert.deepEqual(await outputsByName(stack), before);
  });

  it("shows drift on exactly the resource whose key changed, in a preview --refresh that reads in batches", async () => {
    const stack = await world.stack({}, { parallel: 64 });
    assertOk(await stack.up(program, { skipPreview: true }));
    await world
      .clerk()
      .users.updateUserMetadata("user_r03", { privateMetadata: { owned: { by: "someone" } } });
    await world.clerk().organizations.updateOrganizationMembershipMetadata({
      organizationId: "org_r2",
      userId: "user_r05",
      publicMetadata: { seat: "moved" },
    });
    world.reset();
    readsTakeTime(world);
    const preview = await stack.preview(program, { refresh: true, expectNoChanges: true });
    assert.equal(preview.ok, false);
    const updated = ops(preview)
      .filter(([, op]) => op === "update")
      .map(([name]) => name);
    assert.deepEqual(updated, ["org_r2-user_r05", "user_r03"]);
    assert.ok(world.emulator.requests().every((r) => r.method === "GET"));
    assert.ok(world.emulator.requests().length < 24, listRequests().join("\n"));
  });

  it("drops users, organizations and memberships deleted outside the stack, even when Clerk ignores every id of a list", async () => {
    const stack = await world.stack({}, { parallel: 64 });
    assertOk(await stack.up(program, { skipPreview: true }));
    const client = world.clerk();
    // Every member of org_r2 (user_r05, r07, r09, r11) is deleted: its list filter names no known user.
    for (const id of ["user_r05", "user_r07", "user_r09", "user_r11"]) await client.users.deleteUser(id);
    await client.organizations.deleteOrganization("org_r4");
    world.reset();
    const refresh = assertOk(await stack.refresh());
    const deletedUsers = ["user_r05", "user_r07", "user_r09", "user_r11"];
    const gone = [...deletedUsers, ...deletedUsers.map((id) => `org_r2-${id}`), "org_r4"];
    assert.deepEqual(droppedBy(refresh), [...gone].sort());
    const names = (await stack.state()).resources.map((r) => r.name).sort();
    assert.equal(names.length, 24 - gone.length);
    assert.deepEqual(refresh.steps.map((s) => s.name).sort(), [...names, ...gone].sort());
    assert.ok(names.includes("org_r1-user_r04") && names.includes("user_r04") && names.includes("org_r3"));
  });

  it("fails the refresh of every user of a list request that keeps failing, each error naming its own user", async () => {
    const stack = await world.stack({ "clerk:maxRetries": { value: "1" } }, { parallel: 64 });
    assertOk(await stack.up(program, { skipPreview: true }));
    // A lone read goes as its own GET: slowed to 2 s, so the reads the engine
    // starts meanwhile queue behind it and go together in one list request, whatever the machine's speed.
    world.emulator.inject({ method: "GET", path: /^\/v1\/users\/user_/, latencyMs: 2000 });
    world.emulator.inject({ method: "GET", path: "/v1/users", status: 500 });
    const refresh = await stack.refresh();
    assert.equal(refresh.ok, false);
    const failed = refresh.steps.filter((s) => s.error);
    assert.ok(failed.length > 0);
    for (const step of failed) {
      assert.match(
        step.error!,
        new RegExp(`UserMetadata userId=${step.name}: read metadata failed with HTTP 500`),
      );
      assert.match(step.error!, /one list request for \d+ users/);
    }
    world.emulator.clearFaults();
  });
});

describe("lifecycle: memberships refreshed user by user", () => {
  const members = userIds.slice(0, 4);
  const organizations = orgIds.slice(0, 3);
  const seat = (organizationId: string, userId: string) => `${organizationId}-${userId}`;
  const world = new World(() => ({
    users: members.map((id) => ({ id, first_name: "R" })),
    organizations: organizations.map((id) => ({ id, name: id })),
    memberships: members.flatMap((user_id) =>
      organizations.map((organization_id) => ({ organization_id, user_id })),
    ),
  }));
  beforeEach(() => world.start());
  afterEach(() => world.stop());

  /** Each user's memberships of the 3 organizations, a user's registered before the next user's: the state holds them user by user. */
  const program = async () => {
    for (const userId of members) {
      const declared = organizations.map(
        (organizationId) =>
          new clerk.OrganizationMembershipMetadata(seat(organizationId, userId), {
            organizationId,
            userId,
            publicMetadata: { seat: seat(organizationId, userId) },
          }),
      );
      await registered(declared);
    }
  };

  it("keeps each membership's own values, records drift and drops a membership removed outside the stack, with at most one request per read", async () => {
    const stack = await world.stack({}, { parallel: 64 });
    assertOk(await stack.up(program, { skipPreview: true }));
    const before = await outputsByName(stack);
    const client = world.clerk();
    await client.organizations.updateOrganizationMembershipMetadata({
      organizationId: "org_r2",
      userId: "user_r01",
      publicMetadata: { seat: "moved" },
    });
    await client.organizations.deleteOrganizationMembership({ organizationId: "org_r3", userId: "user_r02" });
    world.reset();
    readsTakeTime(world);
    const refresh = assertOk(await stack.refresh());
    assert.deepEqual(droppedBy(refresh), ["org_r3-user_r02"]);
    const after = await outputsByName(stack);
    const drifted = after["org_r2-user_r01"] as { publicMetadata: unknown };
    assert.deepEqual(drifted.publicMetadata, { seat: "moved" });
    delete before["org_r3-user_r02"];
    delete before["org_r2-user_r01"];
    delete after["org_r2-user_r01"];
    assert.deepEqual(after, before);
    const requests = world.emulator.requests();
    assert.ok(requests.every((r) => r.method === "GET" && r.status === 200));
    assert.ok(requests.length <= members.length * organizations.length, String(requests.length));
  });
});
