import * as assert from "node:assert/strict";
import type { OperationResult } from "../../engine/types";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World, type Call } from "./helpers";

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

describe("lifecycle: entities deleted outside the stack", () => {
  const world = new World();
  beforeEach(() => world.start());
  afterEach(() => world.stop());

  const program = () => {
    new clerk.UserMetadata("kim", { userId: "user_kim", publicMetadata: { beta: true } });
    new clerk.OrganizationMetadata("globex", {
      organizationId: "org_globex",
      publicMetadata: { plan: "pro" },
    });
    new clerk.OrganizationMembershipMetadata("acme-sam", {
      organizationId: "org_acme",
      userId: "user_sam",
      privateMetadata: { seat: 3 },
    });
    new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { beta: true } });
  };

  /**
   * A stack of the program, applied; `--parallel 1` makes the engine run one step at a time, so each
   * read goes alone as its entity's own GET (reads of one kind that wait together would share a list
   * request; test/lifecycle/batchedRefresh.spec.ts covers those).
   */
  async function appliedStack() {
    const stack = await world.stack({}, { parallel: 1 });
    assertOk(await stack.up(program, { skipPreview: true }));
    return stack;
  }

  async function deleteOutsideTheStack(): Promise<void> {
    const client = world.clerk();
    await client.organizations.deleteOrganizationMembership({
      organizationId: "org_acme",
      userId: "user_sam",
    });
    await client.organizations.deleteOrganization("org_globex");
    await client.users.deleteUser("user_kim");
    assert.equal(world.emulator.data.getUser("user_kim"), undefined);
    assert.equal(world.emulator.data.getOrganization("org_globex"), undefined);
    assert.equal(world.emulator.data.getMembership("org_acme", "user_sam"), undefined);
    world.reset();
  }

  /** Each logged request as `METHOD path status`, sorted. */
  function answered(): string[] {
    return world.emulator
      .requests()
      .map((r) => `${r.method} ${r.path} ${r.status}`)
      .sort();
  }

  it("drops a deleted user, organization and membership from state on refresh, and destroy still succeeds", async () => {
    const stack = await appliedStack();
    await deleteOutsideTheStack();

    const refresh = assertOk(await stack.refresh());
    assert.deepEqual(refresh.steps.map((s) => s.name).sort(), ["acme-sam", "alexis", "globex", "kim"]);
    assert.deepEqual(droppedBy(refresh), ["acme-sam", "globex", "kim"]);
    assert.deepEqual(refresh.changes, { delete: 3, same: 2 });
    // Gone means Clerk said so: its own 404 for each of the three.
    assert.deepEqual(answered(), [
      "GET /v1/organizations/org_acme/memberships 200",
      "GET /v1/organizations/org_globex 404",
      "GET /v1/users/user_alexis 200",
      "GET /v1/users/user_kim 404",
    ]);
    // A membership that is gone is an empty list answer for its user.
    assertSameCalls(
      world.calls().filter((c) => c.path.includes("memberships")),
      [{ method: "GET", path: "/v1/organizations/org_acme/memberships?user_id=user_sam&limit=1" }],
    );
    assert.deepEqual(
      (await stack.state()).resources.map((r) => r.id),
      ["user_alexis"],
    );

    world.reset();
    const destroy = assertOk(await stack.destroy());
    assert.deepEqual(ops(destroy), [["alexis", "delete"]]);
    assert.deepEqual(world.calls(), [
      { method: "PATCH", path: "/v1/users/user_alexis/metadata", body: { public_metadata: { beta: null } } },
    ]);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" } });
    assert.deepEqual((await stack.state()).resources, []);
  });

  it("destroys without a refresh, counting each vanished entity as already deleted", async () => {
    const stack = await appliedStack();
    await deleteOutsideTheStack();

    const destroy = assertOk(await stack.destroy());
    assert.deepEqual(ops(destroy), [
      ["acme-sam", "delete"],
      ["alexis", "delete"],
      ["globex", "delete"],
      ["kim", "delete"],
    ]);
    assert.equal(destroy.errors.length, 0);
    // One PATCH each; three answer Clerk's 404, which counts as deleted.
    assert.deepEqual(answered(), [
      "PATCH /v1/organizations/org_acme/memberships/user_sam/metadata 404",
      "PATCH /v1/organizations/org_globex/metadata 404",
      "PATCH /v1/users/user_alexis/metadata 200",
      "PATCH /v1/users/user_kim/metadata 404",
    ]);
    assert.deepEqual((await stack.state()).resources, []);
  });

  it("refreshes a program that still declares a vanished entity into a create, which then fails naming the missing id", async () => {
    const stack = await appliedStack();
    await deleteOutsideTheStack();

    const preview = assertOk(await stack.preview(program, { refresh: true }));
    assert.deepEqual(
      ops(preview).filter(([, op]) => op !== "read"),
      [
        ["acme-sam", "create"],
        ["acme-sam", "drop"],
        ["alexis", "same"],
        ["globex", "create"],
        ["globex", "drop"],
        ["kim", "create"],
        ["kim", "drop"],
      ],
    );
    assert.equal(
      world.calls().every((c) => c.method === "GET"),
      true,
    );
    // A preview keeps the state as it was.
    assert.equal((await stack.state()).resources.length, 4);

    // up --refresh drops them, then the first create fails with Clerk's 404, named; at --parallel 1
    // no other step starts after it (the engine stops scheduling steps once one fails).
    world.reset();
    const up = await stack.up(program, { refresh: true, skipPreview: true });
    assert.equal(up.ok, false);
    const failed = up.steps.filter((s) => s.error);
    assert.equal(failed.length, 1);
    const expected: Record<string, [RegExp, Call]> = {
      kim: [
        /UserMetadata userId=user_kim: create .* HTTP 404 .* The user user_kim was not found in this development instance\./,
        { method: "PATCH", path: "/v1/users/user_kim/metadata", body: { public_metadata: { beta: true } } },
      ],
      globex: [
        /OrganizationMetadata organizationId=org_globex: create .* HTTP 404 .* The organization org_globex was not found in this development instance\./,
        {
          method: "PATCH",
          path: "/v1/organizations/org_globex/metadata",
          body: { public_metadata: { plan: "pro" } },
        },
      ],
      "acme-sam": [
        /OrganizationMembershipMetadata organizationId=org_acme userId=user_sam: create .* HTTP 404 .* was not found in this development instance\./,
        {
          method: "PATCH",
          path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
          body: { private_metadata: { seat: 3 } },
        },
      ],
    };
    const [message, call] = expected[failed[0]!.name]!;
    assert.equal(failed[0]!.op, "create");
    assert.match(failed[0]!.error!, message);
    assert.deepEqual(
      world.calls().filter((c) => c.method !== "GET"),
      [call],
    );
    assert.deepEqual((await stack.state()).resources.map((r) => r.id).sort(), ["user_alexis"]);
  });
});
