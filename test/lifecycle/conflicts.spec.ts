import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, World } from "./helpers";

describe("lifecycle: several resources on one entity", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("fails the preview of two resources declaring the same leaf of one user, naming both and the path, without a request", async () => {
    const stack = world.stack();
    const result = await stack.preview(() => {
      new clerk.UserMetadata("billing", { userId: "user_alexis", publicMetadata: { plan: "pro", seats: 5 } });
      new clerk.UserMetadata("support", { userId: "user_alexis", publicMetadata: { plan: "free", tier: 1 } });
    });
    assert.equal(result.ok, false);
    const errors = result.errors.join("\n");
    assert.match(
      errors,
      /UserMetadata "support" and UserMetadata "billing" both declare publicMetadata\.plan/,
    );
    assert.match(errors, /user user_alexis/);
    assert.doesNotMatch(errors, /seats|tier/);
    assert.deepEqual(world.calls(), []);
  });

  it("reports a nested overlap and a clash on an id known only once an Output resolves, for organizations and memberships", async () => {
    const stack = world.stack();
    const result = await stack.preview(() => {
      new clerk.OrganizationMetadata("limits", {
        organizationId: "org_acme",
        privateMetadata: { billing: { customerId: "cus_1" } },
      });
      new clerk.OrganizationMetadata("billing", {
        organizationId: pulumi.output("org_acme"),
        // An array is a leaf: it overlaps every path under it.
        privateMetadata: { billing: ["cus_1"] },
      });
      new clerk.OrganizationMembershipMetadata("a", {
        organizationId: "org_acme",
        userId: "user_sam",
        publicMetadata: { team: { name: "x" } },
      });
      new clerk.OrganizationMembershipMetadata("b", {
        organizationId: "org_acme",
        userId: "user_sam",
        publicMetadata: { team: { name: "y" } },
      });
    });
    assert.equal(result.ok, false);
    const errors = result.errors.join("\n");
    assert.match(
      errors,
      /OrganizationMetadata "(billing|limits)" and OrganizationMetadata "(limits|billing)" both declare privateMetadata\.billing/,
    );
    assert.match(
      errors,
      /OrganizationMembershipMetadata "b" and OrganizationMembershipMetadata "a" both declare publicMetadata\.team\.name/,
    );
    // Conflicts name paths, never the declared (possibly private) values.
    assert.doesNotMatch(errors, /cus_1/);
    assert.deepEqual(world.calls(), []);
  });

  it("lets several resources own disjoint keys of one organization, each writing and removing only its own", async () => {
    const stack = world.stack();
    const program = () => {
      new clerk.OrganizationMetadata("plan", {
        organizationId: "org_acme",
        publicMetadata: { plan: "pro", limits: { seats: 25 } },
      });
      new clerk.OrganizationMetadata("limits", {
        organizationId: "org_acme",
        publicMetadata: { limits: { projects: 10 } },
        // Same key name, other field: not the same leaf.
        privateMetadata: { plan: "internal-enterprise" },
      });
      // Same path on another organization: not the same entity.
      new clerk.OrganizationMetadata("globex", {
        organizationId: "org_globex",
        publicMetadata: { plan: "free" },
      });
    };
    const preview = assertOk(await stack.preview(program));
    assert.deepEqual(
      preview.steps.map((s) => s.op),
      ["create", "create", "create"],
    );
    assert.deepEqual(world.calls(), []);

    assertOk(await stack.up(program));
    assertSameCalls(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { plan: "pro", limits: { seats: 25 } } },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: {
          public_metadata: { limits: { projects: 10 } },
          private_metadata: { plan: "internal-enterprise" },
        },
      },
      {
        method: "PATCH",
        path: "/v1/organizations/org_globex/metadata",
        body: { public_metadata: { plan: "free" } },
      },
    ]);
    assert.deepEqual(world.organization("org_acme"), {
      public: {
        onboarding: { completedAt: "2026-01-05" },
        limits: { storageGb: 100, seats: 25, projects: 10 },
        plan: "pro",
      },
      private: { crmId: "crm_991", plan: "internal-enterprise" },
    });

    // A second up: neither resource sees the other's keys as drift.
    world.reset();
    const again = assertOk(await stack.up(program, { refresh: true }));
    assert.equal(
      again.steps.some((s) => s.op === "update"),
      false,
    );
    assert.equal(
      world.calls().every((c) => c.method === "GET"),
      true,
    );

    // Dropping one resource removes only its keys.
    world.reset();
    assertOk(
      await stack.up(() => {
        new clerk.OrganizationMetadata("plan", {
          organizationId: "org_acme",
          publicMetadata: { plan: "pro", limits: { seats: 25 } },
        });
        new clerk.OrganizationMetadata("globex", {
          organizationId: "org_globex",
          publicMetadata: { plan: "free" },
        });
      }),
    );
    assert.deepEqual(world.calls(), [
      {
        method: "PATCH",
        path: "/v1/organizations/org_acme/metadata",
        body: { public_metadata: { limits: { projects: null } }, private_metadata: { plan: null } },
      },
    ]);
    assert.deepEqual(world.organization("org_acme"), {
      public: {
        onboarding: { completedAt: "2026-01-05" },
        limits: { storageGb: 100, seats: 25 },
        plan: "pro",
      },
      private: { crmId: "crm_991" },
    });
    assertOk(await stack.destroy());
    assert.deepEqual(world.organization("org_acme").public, {
      onboarding: { completedAt: "2026-01-05" },
      limits: { storageGb: 100 },
    });
  });
});
