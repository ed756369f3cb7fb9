import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World } from "./helpers";

describe("lifecycle: requests sent to Clerk", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  const threeResources = () => {
    new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { beta: true } });
    new clerk.OrganizationMetadata("acme", { organizationId: "org_acme", publicMetadata: { plan: "pro" } });
    new clerk.OrganizationMembershipMetadata("acme-sam", {
      organizationId: "org_acme",
      userId: "user_sam",
      publicMetadata: { department: "support" },
    });
  };

  it("sends no request for a preview, and none for a second up with nothing changed", async () => {
    const stack = world.stack();
    const preview = assertOk(await stack.preview(threeResources));
    assert.deepEqual(ops(preview), [
      ["acme", "create"],
      ["acme-sam", "create"],
      ["alexis", "create"],
    ]);
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" } });

    assertOk(await stack.up(threeResources));
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: "pro" } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_sam/metadata",
        body: { public_metadata: { department: "support" } },
      },
      { method: "PATCH", path: "/v1/users/user_alexis/metadata", body: { public_metadata: { beta: true } } },
    ]);

    world.reset();
    const again = assertOk(await stack.up(threeResources));
    assert.deepEqual(ops(again), [
      ["acme", "same"],
      ["acme-sam", "same"],
      ["alexis", "same"],
    ]);
    assert.deepEqual(world.calls(), []);
    const previewAgain = assertOk(await stack.preview(threeResources));
    assert.deepEqual(
      previewAgain.steps.map((s) => s.op),
      ["same", "same", "same"],
    );
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" }, beta: true });
    assertOk(await stack.destroy());
  });

  it("sends exactly one request per created, updated and deleted resource, and one GET per resource on refresh", async () => {
    const stack = world.stack();
    const first = () => {
      new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { tier: "gold" } });
      new clerk.UserMetadata("sam", { userId: "user_sam", unsafeMetadata: { theme: "dark" } });
      new clerk.OrganizationMetadata("acme", { organizationId: "org_acme", publicMetadata: { plan: "pro" } });
      new clerk.OrganizationMembershipMetadata("acme-kim", {
        organizationId: "org_acme",
        userId: "user_kim",
        publicMetadata: { role: "auditor" },
      });
    };
    const create = assertOk(await stack.up(first));
    assert.deepEqual(ops(create), [
      ["acme", "create"],
      ["acme-kim", "create"],
      ["alexis", "create"],
      ["sam", "create"],
    ]);
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: "pro" } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_kim/metadata",
        body: { public_metadata: { role: "auditor" } },
      },
      {
        method: "PATCH",
        path: "/v1/users/user_alexis/metadata",
        body: { public_metadata: { tier: "gold" } },
      },
      { method: "PATCH", path: "/v1/users/user_sam/metadata", body: { unsafe_metadata: { theme: "dark" } } },
    ]);

    // One resource changes, one goes away, two stay the same.
    world.reset();
    const second = () => {
      new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { tier: "platinum" } });
      new clerk.UserMetadata("sam", { userId: "user_sam", unsafeMetadata: { theme: "dark" } });
      new clerk.OrganizationMembershipMetadata("acme-kim", {
        organizationId: "org_acme",
        userId: "user_kim",
        publicMetadata: { role: "auditor" },
      });
    };
    const update = assertOk(await stack.up(second));
    assert.deepEqual(ops(update), [
      ["acme", "delete"],
      ["acme-kim", "same"],
      ["alexis", "update"],
      ["sam", "same"],
    ]);
    assert.deepEqual(update.steps.find((s) => s.name === "alexis")?.changedPaths, [
      { path: "publicMetadata.tier", old: "gold", new: "platinum" },
    ]);
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_alexis/metadata",
        body: { public_metadata: { tier: "platinum" } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: null } },
      },
    ]);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" }, tier: "platinum" });
    assert.deepEqual(world.organization("org_acme").public, {
      onboarding: { completedAt: "2026-01-05" },
      limits: { storageGb: 100 },
    });

    world.reset();
    const refresh = assertOk(await stack.refresh());
    assert.deepEqual(ops(refresh), [
      ["acme-kim", "read"],
      ["alexis", "read"],
      ["sam", "read"],
    ]);
    assertSameCalls(world.calls(), [
      { method: "GET", path: "/v1/organizations/org_acme/memberships?user_id=user_kim&limit=1" },
      { method: "GET", path: "/v1/users/user_alexis" },
      { method: "GET", path: "/v1/users/user_sam" },
    ]);

    world.reset();
    const destroy = assertOk(await stack.destroy());
    assert.deepEqual(ops(destroy), [
      ["acme-kim", "delete"],
      ["alexis", "delete"],
      ["sam", "delete"],
    ]);
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_kim/metadata",
        body: { public_metadata: { role: null } },
      },
      { method: "PATCH", path: "/v1/users/user_alexis/metadata", body: { public_metadata: { tier: null } } },
      { method: "PATCH", path: "/v1/users/user_sam/metadata", body: { unsafe_metadata: { theme: null } } },
    ]);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" } });
    assert.deepEqual(world.user("user_sam").unsafe, {});
    assert.deepEqual(world.membership("org_acme", "user_kim").public, {});
    assert.deepEqual(stack.state().resources, []);
  });

  it("deletes a nested key removed from the program at its depth, and the app's keys beside it survive", async () => {
    const stack = world.stack();
    const declare = (limits: Record<string, unknown>, deep: Record<string, unknown>) => () => {
      new clerk.OrganizationMetadata("acme", {
        organizationId: "org_acme",
        publicMetadata: { limits, features: { flags: { deep } } },
        privateMetadata: { billing: { plan: { code: "p1", legacy: "l0" } } },
      });
    };
    assertOk(await stack.up(declare({ seats: 25, projects: 10 }, { sso: true, audit: true })));
    // The app writes keys beside the stack's, at every depth.
    await world.clerk().organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { limits: { apiCalls: 5000 }, features: { flags: { deep: { beta: "app" } } } },
      privateMetadata: { billing: { plan: { appNote: "keep" } } },
    });

    world.reset();
    const program = () => {
      new clerk.OrganizationMetadata("acme", {
        organizationId: "org_acme",
        publicMetadata: { limits: { seats: 25 }, features: { flags: { deep: { sso: true } } } },
        privateMetadata: { billing: { plan: { code: "p1" } } },
      });
    };
    const preview = assertOk(await stack.preview(program));
    assert.deepEqual(preview.steps[0]?.changedPaths, [
      { path: "privateMetadata", old: "[secret]", new: "[secret]" },
      { path: "publicMetadata.features.flags.deep.audit", old: true, new: "(removed)" },
      { path: "publicMetadata.limits.projects", old: 10, new: "(removed)" },
    ]);
    assert.deepEqual(world.calls(), []);

    const up = assertOk(await stack.up(program));
    assert.deepEqual(ops(up), [["acme", "update"]]);
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: {
            limits: { seats: 25, projects: null },
            features: { flags: { deep: { sso: true, audit: null } } },
          },
          private_metadata: { billing: { plan: { code: "p1", legacy: null } } },
        },
      },
    ]);
    assert.deepEqual(world.organization("org_acme"), {
      public: {
        onboarding: { completedAt: "2026-01-05" },
        limits: { storageGb: 100, seats: 25, apiCalls: 5000 },
        features: { flags: { deep: { sso: true, beta: "app" } } },
      },
      private: { crmId: "crm_991", billing: { plan: { code: "p1", appNote: "keep" } } },
    });

    world.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: { limits: { seats: null }, features: { flags: { deep: { sso: null } } } },
          private_metadata: { billing: { plan: { code: null } } },
        },
      },
    ]);
    assert.deepEqual(world.organization("org_acme"), {
      public: {
        onboarding: { completedAt: "2026-01-05" },
        limits: { storageGb: 100, apiCalls: 5000 },
        features: { flags: { deep: { beta: "app" } } },
      },
      private: { crmId: "crm_991", billing: { plan: { appNote: "keep" } } },
    });
  });
});
