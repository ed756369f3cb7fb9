import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World } from "./helpers";

describe("lifecycle: replacing a resource by changing its entity", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("moves a user's keys to the new user when userId changes, creating before deleting, and leaves the old user's own keys", async () => {
    const stack = await world.stack();
    const program = (userId: string) => () => {
      new clerk.UserMetadata("person", {
        userId,
        publicMetadata: { beta: true, app: { tier: "gold" } },
        privateMetadata: { vip: true },
      });
    };
    assertOk(await stack.up(program("user_alexis")));
    assert.deepEqual(world.user("user_alexis").public, {
      app: { lastLogin: "monday", tier: "gold" },
      beta: true,
    });

    world.reset();
    const up = assertOk(await stack.up(program("user_sam")));
    // The preview `up` runs first plans one replacement, forced by userId.
    const preview = up.preview!;
    assert.deepEqual(
      preview.steps.map((s) => [s.op, s.replaces]),
      [["replace", ["userId"]]],
    );
    assert.deepEqual(preview.steps[0]?.changedPaths, [
      { kind: "update", path: "userId", old: "user_alexis", new: "user_sam" },
    ]);
    assert.deepEqual(ops(up), [["person", "replace"]]);
    // The preview sent nothing: these two PATCHes are the update's.
    // Create-before-delete: the new user is written first, then the old user loses the stack's keys.
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_sam/metadata",
        body: { public_metadata: { beta: true, app: { tier: "gold" } }, private_metadata: { vip: true } },
      },
      {
        method: "PATCH",
        path: "/v1/users/user_alexis/metadata",
        body: { public_metadata: { beta: null, app: { tier: null } }, private_metadata: { vip: null } },
      },
    ]);
    assert.deepEqual(world.user("user_sam"), {
      public: { beta: true, app: { tier: "gold" } },
      private: { crm: "crm_17", vip: true },
      unsafe: {},
    });
    assert.deepEqual(world.user("user_alexis"), {
      public: { app: { lastLogin: "monday" } },
      private: {},
      unsafe: {},
    });
    const state = await stack.state();
    assert.deepEqual(
      state.resources.map((r) => r.id),
      ["user_sam"],
    );
    assert.deepEqual(state.pendingOperations, []);

    world.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_sam/metadata",
        body: { public_metadata: { beta: null, app: { tier: null } }, private_metadata: { vip: null } },
      },
    ]);
  });

  it("replaces organization and membership metadata when organizationId changes, and the old organization keeps the app's keys", async () => {
    const stack = await world.stack();
    const program = (organizationId: string) => () => {
      new clerk.OrganizationMetadata("org", {
        organizationId,
        publicMetadata: { plan: "pro" },
        privateMetadata: { billing: { day: 1 } },
      });
      new clerk.OrganizationMembershipMetadata("sam", {
        organizationId,
        userId: "user_sam",
        publicMetadata: { department: "support" },
      });
    };
    assertOk(await stack.up(program("org_acme")));

    world.reset();
    const up = assertOk(await stack.up(program("org_globex")));
    assert.deepEqual(
      ops(up).map(([name, op]) => [name, op, up.steps.find((s) => s.name === name)?.replaces]),
      [
        ["org", "replace", ["organizationId"]],
        ["sam", "replace", ["organizationId"]],
      ],
    );
    const calls = world.calls();
    assert.equal(calls.length, 4);
    // Both new copies are written before either old one is cleaned up.
    assertSameCalls(calls.slice(0, 2), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_globex/metadata",
        body: { public_metadata: { plan: "pro" }, private_metadata: { billing: { day: 1 } } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_globex/memberships/user_sam/metadata",
        body: { public_metadata: { department: "support" } },
      },
    ]);
    assertSameCalls(calls.slice(2), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: null }, private_metadata: { billing: { day: null } } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
        body: { public_metadata: { department: null } },
      },
    ]);
    assert.deepEqual(world.organization("org_globex"), {
      public: { region: "eu", plan: "pro" },
      private: { billing: { day: 1 } },
    });
    assert.deepEqual(world.membership("org_globex", "user_sam"), {
      public: { department: "support" },
      private: { seat: 7 },
    });
    // Old organization: only the stack's keys are gone (the emptied `billing` container stays, as documented).
    assert.deepEqual(world.organization("org_acme"), {
      public: { onboarding: { completedAt: "2026-01-05" }, limits: { storageGb: 100 } },
      private: { crmId: "crm_991", billing: {} },
    });
    assert.deepEqual(world.membership("org_acme", "user_sam").public, { app: { lastSeen: "today" } });
    assert.deepEqual((await stack.state()).resources.map((r) => r.id).sort(), [
      "org_globex",
      "org_globex/user_sam",
    ]);
    assertOk(await stack.destroy());
  });

  /*
   * The engine refuses both before any provider call: a replacement of a protected resource fails in
   * step generation (pkg/resource/deploy/step_generator.go, generateStepsFromDiff: "unable to replace
   * resource … as it is currently marked for protection", a bail outside preview), and its delete
   * fails in DeleteStep.Apply (pkg/resource/deploy/step.go, deleteProtectedError).
   */
  it("keeps a protected resource's keys and state when destroy or a change of userId would remove them", async () => {
    const stack = await world.stack();
    const sam = world.user("user_sam");
    const program = (userId: string) => () => {
      new clerk.UserMetadata(
        "vip",
        { userId, publicMetadata: { beta: true }, privateMetadata: { vip: true } },
        { protect: true },
      );
    };
    assertOk(await stack.up(program("user_alexis"), { skipPreview: true }));
    const kept = world.user("user_alexis");
    assert.deepEqual(kept.public, { app: { lastLogin: "monday" }, beta: true });

    world.reset();
    const destroy = await stack.destroy();
    assert.equal(destroy.ok, false);
    assert.match(destroy.errors.join("\n"), /cannot be deleted\s+because it is protected/);
    assert.deepEqual(
      destroy.steps.map((s) => [s.name, s.op, Boolean(s.error)]),
      [["vip", "delete", true]],
    );

    const replace = await stack.up(program("user_sam"), { skipPreview: true });
    assert.equal(replace.ok, false);
    assert.match(
      replace.errors.join("\n"),
      /unable to replace resource .*vip.*\s+as it is currently marked for protection/,
    );

    assert.deepEqual(world.calls(), []);
    assert.deepEqual(world.user("user_alexis"), kept);
    assert.deepEqual(world.user("user_sam"), sam);
    const state = await stack.state();
    assert.deepEqual(
      state.resources.map((r) => [r.name, r.id, r.protect]),
      [["vip", "user_alexis", true]],
    );
    assert.deepEqual(state.resources[0]!.outputs.publicMetadata, { beta: true });
    assert.deepEqual(state.pendingOperations, []);
  });
});
