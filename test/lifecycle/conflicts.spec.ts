import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "../../provider";
import { assertOk, assertSameCalls, ops, World } from "./helpers";

describe("lifecycle: several resources on one entity", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  /** The check failure of whichever of the two resources the engine checks first, naming both. */
  const bothDeclare = (kind: string, a: string, b: string, path: string, entity: string) =>
    new RegExp(
      `${kind} "(${a}" and ${kind} "${b}|${b}" and ${kind} "${a})" both declare ` +
        `${path.replace(/[.[\]]/g, "\\$&")} of ${entity}; `,
    );

  it("fails preview and up --skip-preview of two resources declaring the same leaf of one user, naming both, the user and the path, without a request", async () => {
    const stack = await world.stack();
    const conflicting = () => {
      new clerk.UserMetadata("billing", { userId: "user_alexis", publicMetadata: { plan: "pro", seats: 5 } });
      new clerk.UserMetadata("support", { userId: "user_alexis", publicMetadata: { plan: "free", tier: 1 } });
    };
    // `up` without --skip-preview stops when its preview fails (engine/stack.ts), so these two runs cover
    // `pulumi preview`, `pulumi up` and `pulumi up --skip-preview`.
    for (const run of [
      () => stack.preview(conflicting),
      () => stack.up(conflicting, { skipPreview: true }),
    ]) {
      const result = await run();
      assert.equal(result.ok, false);
      const errors = result.errors.join("\n");
      assert.match(
        errors,
        bothDeclare("UserMetadata", "billing", "support", "publicMetadata.plan", "user user_alexis"),
      );
      assert.doesNotMatch(errors, /seats|tier/);
      assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at |Promise \{/);
    }
    assert.deepEqual(world.calls(), []);
    assert.deepEqual((await stack.state()).resources, []);
    assert.equal(world.user("user_alexis").public.plan, undefined);
  });

  /*
   * One conflict per run: the engine ends a deployment at the first resource whose check fails
   * (pkg/resource/deploy/step_generator.go, generateSteps: `if invalid { return … BailErrorf("resource %s is
   * invalid") }`, and deployment_executor.go, Execute, cancels on that error), so a program with two
   * conflicts reports the one it checks first. The old model reported both in one preview.
   */
  it("reports a nested overlap with an array, and a clash on an id known only once an Output resolves, for organizations and memberships", async () => {
    const stack = await world.stack();
    const organizations = () => {
      new clerk.OrganizationMetadata("limits", {
        organizationId: "org_acme",
        privateMetadata: { billing: { customerId: "cus_1" } },
      });
      new clerk.OrganizationMetadata("billing", {
        organizationId: pulumi.output("org_acme"),
        // An array is a leaf: it overlaps every path under it.
        privateMetadata: { billing: ["cus_1"] },
      });
    };
    const memberships = () => {
      new clerk.OrganizationMembershipMetadata("a", {
        organizationId: pulumi.output("org_acme"),
        userId: "user_sam",
        publicMetadata: { team: { name: "x" } },
      });
      new clerk.OrganizationMembershipMetadata("b", {
        organizationId: "org_acme",
        userId: "user_sam",
        publicMetadata: { team: { name: "y" } },
      });
    };
    const orgs = await stack.preview(organizations);
    assert.equal(orgs.ok, false);
    assert.match(
      orgs.errors.join("\n"),
      bothDeclare(
        "OrganizationMetadata",
        "limits",
        "billing",
        "privateMetadata.billing.customerId",
        "organization org_acme",
      ),
    );
    // Conflicts name paths, never the declared (possibly private) values.
    assert.doesNotMatch(orgs.stdout + orgs.stderr + orgs.errors.join("\n"), /cus_1/);

    const members = await stack.preview(memberships);
    assert.equal(members.ok, false);
    assert.match(
      members.errors.join("\n"),
      bothDeclare(
        "OrganizationMembershipMetadata",
        "a",
        "b",
        "publicMetadata.team.name",
        "organization membership org_acme/user_sam",
      ),
    );
    assert.deepEqual(world.calls(), []);
  });

  it("lets several resources own disjoint keys of one organization, each writing and removing only its own", async () => {
    const stack = await world.stack();
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
    const up = assertOk(await stack.up(program));
    assert.deepEqual(ops(up.preview!), [
      ["globex", "create"],
      ["limits", "create"],
      ["plan", "create"],
    ]);
    // The preview sent nothing: these are the update's requests, one PATCH per resource.
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
    const again = assertOk(await stack.up(program, { refresh: true, skipPreview: true }));
    assert.deepEqual(ops(again), [
      ["globex", "read"],
      ["globex", "same"],
      ["limits", "read"],
      ["limits", "same"],
      ["plan", "read"],
      ["plan", "same"],
    ]);
    // Reads only (refresh may batch the three into fewer list requests), no write.
    const reads = world.calls();
    assert.ok(reads.length >= 1 && reads.every((c) => c.method === "GET"), JSON.stringify(reads));

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
    assert.deepEqual(world.organization("org_globex").public, { region: "eu" });
    assert.deepEqual((await stack.state()).resources, []);
  });
});
