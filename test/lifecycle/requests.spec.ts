import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World } from "./helpers";

describe("lifecycle: requests sent to Clerk", () => {
  const world = new World();
  beforeEach(() => world.start());
  afterEach(() => world.stop());

  /**
   * A user, an organization and two memberships of two organizations: four read scopes, so a refresh
   * reads each with its own GET (reads of one scope that wait together would share a list request).
   */
  const first = () => {
    new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { tier: "gold" } });
    new clerk.OrganizationMetadata("acme", { organizationId: "org_acme", publicMetadata: { plan: "pro" } });
    new clerk.OrganizationMembershipMetadata("acme-kim", {
      organizationId: "org_acme",
      userId: "user_kim",
      publicMetadata: { role: "auditor" },
    });
    new clerk.OrganizationMembershipMetadata("globex-sam", {
      organizationId: "org_globex",
      userId: "user_sam",
      publicMetadata: { desk: "eu-1" },
    });
  };
  /** The edit: alexis changes, acme goes away, the memberships stay the same. */
  const second = () => {
    new clerk.UserMetadata("alexis", { userId: "user_alexis", publicMetadata: { tier: "platinum" } });
    new clerk.OrganizationMembershipMetadata("acme-kim", {
      organizationId: "org_acme",
      userId: "user_kim",
      publicMetadata: { role: "auditor" },
    });
    new clerk.OrganizationMembershipMetadata("globex-sam", {
      organizationId: "org_globex",
      userId: "user_sam",
      publicMetadata: { desk: "eu-1" },
    });
  };
  const reads = {
    alexis: { method: "GET", path: "/v1/users/user_alexis" },
    acme: { method: "GET", path: "/v1/organizations/org_acme" },
    "acme-kim": { method: "GET", path: "/v1/organizations/org_acme/memberships?user_id=user_kim&limit=1" },
    "globex-sam": {
      method: "GET",
      path: "/v1/organizations/org_globex/memberships?user_id=user_sam&limit=1",
    },
  };

  // Pulumi's own provider tests (pkg/testing/integration/program.go, v3.248.0, `TestPreviewUpdateAndEdits`
  // and `PreviewAndUpdate`): `preview --diff`, `up --skip-preview`; `stack export` / `stack import`;
  // the same preview and up again with `--expect-no-changes`; `refresh --expect-no-changes`; a
  // `preview --expect-no-changes` after it; then each edit previewed and applied; then destroy.
  it("passes Pulumi's provider-test matrix with one request per write, none for a preview or a no-change up, and one GET per resource on refresh", async () => {
    const stack = await world.stack();

    const preview = assertOk(await stack.preview(first, { diff: true }));
    assert.deepEqual(ops(preview), [
      ["acme", "create"],
      ["acme-kim", "create"],
      ["alexis", "create"],
      ["globex-sam", "create"],
    ]);
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" } });

    const create = assertOk(await stack.up(first, { skipPreview: true }));
    assert.deepEqual(ops(create), ops(preview));
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/users/user_alexis/metadata",
        body: { public_metadata: { tier: "gold" } },
      },
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
        path: "/v1/organizations/org_globex/memberships/user_sam/metadata",
        body: { public_metadata: { desk: "eu-1" } },
      },
    ]);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" }, tier: "gold" });

    // The state survives a round trip through `stack export` and `stack import`.
    /** The resources in state by name (the engine may store them in another order after a refresh). */
    const resources = async () => Object.fromEntries((await stack.state()).resources.map((r) => [r.name, r]));
    const before = await resources();
    const exported = path.join(world.dir, "stack.json");
    assert.equal((await stack.cli(["stack", "export", "--file", exported])).code, 0);
    assert.equal((await stack.cli(["stack", "import", "--file", exported])).code, 0);
    fs.rmSync(exported);
    assert.deepEqual(await resources(), before);

    // Nothing changed: the preview and the up both pass --expect-no-changes and send nothing.
    world.reset();
    const samePreview = assertOk(await stack.preview(first, { diff: true, expectNoChanges: true }));
    const sameUp = assertOk(await stack.up(first, { skipPreview: true, expectNoChanges: true }));
    for (const result of [samePreview, sameUp]) {
      assert.deepEqual(ops(result), [
        ["acme", "same"],
        ["acme-kim", "same"],
        ["alexis", "same"],
        ["globex-sam", "same"],
      ]);
    }
    assert.deepEqual(world.calls(), []);

    // Refresh finds Clerk as the stack left it, with one GET per resource; so does a preview after it.
    const refresh = assertOk(await stack.refresh({ expectNoChanges: true }));
    assert.deepEqual(ops(refresh), [
      ["acme", "read"],
      ["acme-kim", "read"],
      ["alexis", "read"],
      ["globex-sam", "read"],
    ]);
    assertSameCalls(world.calls(), Object.values(reads));
    world.reset();
    assertOk(await stack.preview(first, { expectNoChanges: true }));
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(await resources(), before);

    // The edit: `preview --diff` prints each changed key, old and new, and sends nothing.
    const review = assertOk(await stack.preview(second, { diff: true }));
    assert.deepEqual(world.calls(), []);
    assert.deepEqual(ops(review), [
      ["acme", "delete"],
      ["acme-kim", "same"],
      ["alexis", "update"],
      ["globex-sam", "same"],
    ]);
    assert.deepEqual(review.steps.find((s) => s.name === "alexis")?.changedPaths, [
      { kind: "update", path: "publicMetadata.tier", old: "gold", new: "platinum" },
    ]);
    assert.match(
      review.stdout,
      /~ pulumi-nodejs:dynamic\/clerk:UserMetadata: \(update\)\n\s+\[id=user_alexis\]/,
    );
    assert.match(review.stdout, /~ tier\s*: "gold" => "platinum"/);
    assert.match(
      review.stdout,
      /- pulumi-nodejs:dynamic\/clerk:OrganizationMetadata: \(delete\)\n\s+\[id=org_acme\]/,
    );
    assert.match(review.stdout, /\(delete\)\n(?:.*\n){3}\s+publicMetadata: \{\n\s+plan: "pro"\n/);
    // Resources that stay the same are not printed (no --show-sames).
    assert.doesNotMatch(review.stdout, /\[id=org_acme\/user_kim\]|\[id=org_globex\/user_sam\]/);

    // Applied: one PATCH for the update, one for the delete, none for the two that stay.
    const update = assertOk(await stack.up(second, { skipPreview: true }));
    assert.deepEqual(ops(update), ops(review));
    assertSameCalls(world.calls(), [
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
    assertOk(await stack.refresh({ expectNoChanges: true }));
    assertSameCalls(world.calls(), [reads.alexis, reads["acme-kim"], reads["globex-sam"]]);

    world.reset();
    const destroy = assertOk(await stack.destroy());
    assert.deepEqual(ops(destroy), [
      ["acme-kim", "delete"],
      ["alexis", "delete"],
      ["globex-sam", "delete"],
    ]);
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/memberships/user_kim/metadata",
        body: { public_metadata: { role: null } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_globex/memberships/user_sam/metadata",
        body: { public_metadata: { desk: null } },
      },
      { method: "PATCH", path: "/v1/users/user_alexis/metadata", body: { public_metadata: { tier: null } } },
    ]);
    assert.deepEqual(world.user("user_alexis").public, { app: { lastLogin: "monday" } });
    assert.deepEqual(world.membership("org_acme", "user_kim").public, {});
    assert.deepEqual(world.membership("org_globex", "user_sam").public, {});
    assert.deepEqual((await stack.state()).resources, []);
  });

  it("deletes a nested key removed from the program at its depth, and the app's keys beside it survive", async () => {
    const stack = await world.stack();
    const declare = (limits: Record<string, unknown>, deep: Record<string, unknown>) => () => {
      new clerk.OrganizationMetadata("acme", {
        organizationId: "org_acme",
        publicMetadata: { limits, features: { flags: { deep } } },
        privateMetadata: { billing: { plan: { code: "p1", legacy: "l0" } } },
      });
    };
    assertOk(
      await stack.up(declare({ seats: 25, projects: 10 }, { sso: true, audit: true }), { skipPreview: true }),
    );
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
    const preview = assertOk(await stack.preview(program, { diff: true }));
    // privateMetadata changed too (billing.plan.legacy goes), but no display can say so: the
    // dynamic-provider host's `diff` returns neither `diffs` nor `detailedDiff`
    // (sdk/nodejs/cmd/dynamic-provider/index.ts, v3.248.0), so the display compares old and new
    // inputs itself, and the engine hands it secrets already masked as "[secret]" on both sides
    // (pkg/engine/events.go `filterPropertyValue`): equal, hence unmarked.
    assert.deepEqual(preview.steps[0]?.changedPaths, [
      { kind: "delete", path: "publicMetadata.features.flags.deep.audit", old: true, new: "(removed)" },
      { kind: "delete", path: "publicMetadata.limits.projects", old: 10, new: "(removed)" },
    ]);
    assert.match(preview.stdout, /- audit\s*: true/);
    assert.match(preview.stdout, /- projects\s*: 10/);
    assert.match(preview.stdout, /\n\s+privateMetadata\s*: \[secret\]\n/);
    assert.equal(preview.stdout.includes("legacy"), false);
    assert.deepEqual(world.calls(), []);

    const up = assertOk(await stack.up(program, { skipPreview: true }));
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
