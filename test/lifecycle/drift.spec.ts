import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World } from "./helpers";

describe("lifecycle: drift made outside the stack", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  const program = () => {
    new clerk.OrganizationMetadata("acme", {
      organizationId: "org_acme",
      publicMetadata: { plan: "pro", limits: { seats: 25 } },
    });
    new clerk.UserMetadata("sam", {
      userId: "user_sam",
      publicMetadata: { role: "support" },
      unsafeMetadata: { theme: "dark" },
    });
  };

  it("shows a key changed in Clerk as a change after refresh, and puts it back on the next up --refresh", async () => {
    const stack = await world.stack();
    assertOk(await stack.up(program));
    await world.clerk().organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { plan: "free", limits: { seats: null } },
    });
    await world.clerk().users.updateUserMetadata("user_sam", { unsafeMetadata: { theme: "neon" } });

    // Without a refresh the stack cannot know: the preview is clean and sends nothing.
    world.reset();
    const blind = assertOk(await stack.preview(program));
    assert.deepEqual(ops(blind), [
      ["acme", "same"],
      ["sam", "same"],
    ]);
    assert.deepEqual(world.calls(), []);

    // The drift gate: preview --refresh reads each resource once and plans an update with the drifted paths.
    const gate = assertOk(await stack.preview(program, { refresh: true }));
    assertSameCalls(world.calls(), [
      { method: "GET", path: "/v1/organizations/org_acme" },
      { method: "GET", path: "/v1/users/user_sam" },
    ]);
    assert.deepEqual(ops(gate), [
      ["acme", "read"],
      ["acme", "update"],
      ["sam", "read"],
      ["sam", "update"],
    ]);
    const acmeUpdate = gate.steps.find((s) => s.name === "acme" && s.op === "update");
    assert.deepEqual(acmeUpdate?.changedPaths, [
      // The owned container is gone from the projection once its only owned leaf vanished.
      { kind: "add", path: "publicMetadata.limits", old: "(none)", new: { seats: 25 } },
      { kind: "update", path: "publicMetadata.plan", old: "free", new: "pro" },
    ]);
    const samUpdate = gate.steps.find((s) => s.name === "sam" && s.op === "update");
    assert.deepEqual(samUpdate?.changedPaths, [
      { kind: "update", path: "unsafeMetadata.theme", old: "neon", new: "dark" },
    ]);
    // A preview writes nothing: Clerk still holds the drift and the state still holds the old outputs.
    assert.equal(world.organization("org_acme").public.plan, "free");
    assert.deepEqual((await stack.state()).resources.find((r) => r.name === "acme")?.outputs.publicMetadata, {
      plan: "pro",
      limits: { seats: 25 },
    });

    world.reset();
    const fix = assertOk(await stack.up(program, { refresh: true }));
    assert.deepEqual(ops(fix), [
      ["acme", "read"],
      ["acme", "update"],
      ["sam", "read"],
      ["sam", "update"],
    ]);
    const calls = world.calls();
    // `up --refresh` without --skip-preview refreshes twice: in its preview, then in its update.
    assertSameCalls(calls.slice(0, 4), [
      { method: "GET", path: "/v1/organizations/org_acme" },
      { method: "GET", path: "/v1/users/user_sam" },
      { method: "GET", path: "/v1/organizations/org_acme" },
      { method: "GET", path: "/v1/users/user_sam" },
    ]);
    assertSameCalls(calls.slice(4), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: "pro", limits: { seats: 25 } } },
      },
      {
        method: "PATCH",
        path: "/v1/users/user_sam/metadata",
        body: { public_metadata: { role: "support" }, unsafe_metadata: { theme: "dark" } },
      },
    ]);
    assert.deepEqual(world.organization("org_acme").public, {
      onboarding: { completedAt: "2026-01-05" },
      limits: { storageGb: 100, seats: 25 },
      plan: "pro",
    });
    assert.deepEqual(world.user("user_sam").unsafe, { theme: "dark" });

    // Corrected: the gate is clean again.
    world.reset();
    const clean = assertOk(await stack.preview(program, { refresh: true }));
    assert.equal(
      clean.steps.some((s) => s.op !== "read" && s.op !== "same"),
      false,
    );
    assert.equal(world.calls().length, 2);
    assertOk(await stack.destroy());
  });

  it("does not count keys the app added, even inside a container the stack owns keys of, as drift", async () => {
    const stack = await world.stack();
    assertOk(await stack.up(program));
    await world.clerk().organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { limits: { apiCalls: 10 }, onboarding: { step: "done" }, newAppKey: [1, 2] },
      privateMetadata: { crmId: "crm_992" },
    });
    await world.clerk().users.updateUserMetadata("user_sam", {
      publicMetadata: { lastSeen: "now" },
      privateMetadata: { crm: "crm_18" },
      unsafeMetadata: { font: "large" },
    });

    world.reset();
    const gate = assertOk(await stack.preview(program, { refresh: true }));
    assert.deepEqual(ops(gate), [
      ["acme", "read"],
      ["acme", "same"],
      ["sam", "read"],
      ["sam", "same"],
    ]);
    assert.equal(
      gate.steps.some((s) => s.changedPaths !== undefined),
      false,
    );
    assertSameCalls(world.calls(), [
      { method: "GET", path: "/v1/organizations/org_acme" },
      { method: "GET", path: "/v1/users/user_sam" },
    ]);

    world.reset();
    const up = assertOk(await stack.up(program, { refresh: true }));
    assert.equal(
      up.steps.some((s) => s.op === "update"),
      false,
    );
    assert.equal(
      world.calls().every((c) => c.method === "GET"),
      true,
    );
    assert.deepEqual(world.organization("org_acme").public, {
      onboarding: { completedAt: "2026-01-05", step: "done" },
      limits: { storageGb: 100, seats: 25, apiCalls: 10 },
      plan: "pro",
      newAppKey: [1, 2],
    });

    // Destroying removes only the stack's keys; the app's additions stay.
    world.reset();
    assertOk(await stack.destroy());
    assert.deepEqual(world.organization("org_acme"), {
      public: {
        onboarding: { completedAt: "2026-01-05", step: "done" },
        limits: { storageGb: 100, apiCalls: 10 },
        newAppKey: [1, 2],
      },
      private: { crmId: "crm_992" },
    });
    assert.deepEqual(world.user("user_sam"), {
      public: { lastSeen: "now" },
      private: { crm: "crm_18" },
      unsafe: { font: "large" },
    });
  });
});
