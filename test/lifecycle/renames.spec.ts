import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, ops, World } from "./helpers";

describe("lifecycle: renames and moved keys lose nothing", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("keeps the keys of a resource renamed without aliases: the old one's delete leaves what the new one wrote", async () => {
    const stack = world.stack();
    const declare = (name: string) => () => {
      new clerk.OrganizationMetadata(name, {
        organizationId: "org_globex",
        publicMetadata: { plan: "team", limits: { seats: 10 } },
        privateMetadata: { billing: "cus_9" },
      });
    };
    assertOk(await stack.up(declare("globex-plan")));
    world.reset();
    const renamed = assertOk(await stack.up(declare("globex-billing")));
    assert.deepEqual(ops(renamed), [
      ["globex-billing", "create"],
      ["globex-plan", "delete"],
    ]);
    // The create wrote every key; the delete, at the end, had nothing left of its own to remove.
    assert.deepEqual(
      world.calls().map((c) => [c.method, c.path]),
      [["PATCH", "/v1/organizations/org_globex/metadata"]],
    );
    assert.deepEqual(world.organization("org_globex").public, {
      region: "eu",
      plan: "team",
      limits: { seats: 10 },
    });
    assert.deepEqual(world.organization("org_globex").private, { billing: "cus_9" });
    // State is true: a refresh finds no drift, and the drift gate passes.
    assertOk(await stack.preview(declare("globex-billing"), { refresh: true, expectNoChanges: true }));
  });

  it("treats a resource renamed with aliases as the same resource: no step, no request", async () => {
    const stack = world.stack();
    assertOk(
      await stack.up(() => {
        new clerk.UserMetadata("kim", { userId: "user_kim", publicMetadata: { beta: true } });
      }),
    );
    world.reset();
    const renamed = assertOk(
      await stack.up(() => {
        new clerk.UserMetadata(
          "kim-profile",
          { userId: "user_kim", publicMetadata: { beta: true } },
          { aliases: [{ name: "kim" }] },
        );
      }),
    );
    assert.deepEqual(ops(renamed), [["kim-profile", "same"]]);
    assert.deepEqual(world.calls(), []);
    assert.equal(world.user("user_kim").public.beta, true);
  });

  for (const slowSide of ["giver", "taker"] as const) {
    it(`keeps a leaf moved from one resource to another of the same entity in one up, when the ${slowSide}'s request is the slow one`, async () => {
      const stack = world.stack();
      const program = (moved: boolean) => () => {
        new clerk.OrganizationMembershipMetadata("giver", {
          organizationId: "org_acme",
          userId: "user_kim",
          publicMetadata: moved ? { role: "admin" } : { role: "admin", seat: 4 },
        });
        new clerk.OrganizationMembershipMetadata("taker", {
          organizationId: "org_acme",
          userId: "user_kim",
          publicMetadata: moved ? { team: "red", seat: 4 } : { team: "red" },
        });
      };
      assertOk(await stack.up(program(false)));
      world.reset();
      // Both updates are in flight together; the slow one lands last.
      const path = "/v1/organizations/org_acme/memberships/user_kim/metadata";
      world.emulator.inject({ method: "PATCH", path, latencyMs: 400, count: 1 });
      const moved = assertOk(await stack.up(program(true)));
      assert.deepEqual(ops(moved).sort(), [
        ["giver", "update"],
        ["taker", "update"],
      ]);
      assert.deepEqual(world.membership("org_acme", "user_kim").public, {
        role: "admin",
        team: "red",
        seat: 4,
      });
      assertOk(await stack.preview(program(true), { refresh: true, expectNoChanges: true }));
    });
  }
});

describe("lifecycle: ignoreChanges and refreshed inputs", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("never writes back drift in a field listed in ignoreChanges, because read returns Clerk's values as inputs", async () => {
    const stack = world.stack();
    const program = () => {
      new clerk.UserMetadata(
        "alexis",
        { userId: "user_alexis", publicMetadata: { plan: "pro" }, unsafeMetadata: { theme: "dark" } },
        { ignoreChanges: ["unsafeMetadata"] },
      );
    };
    assertOk(await stack.up(program));
    await world.clerk().users.updateUserMetadata("user_alexis", {
      publicMetadata: { plan: "free" },
      unsafeMetadata: { theme: "neon" },
    });
    world.reset();
    assertOk(await stack.up(program, { refresh: true }));
    const patches = world.calls().filter((c) => c.method === "PATCH");
    assert.deepEqual(patches, [
      {
        method: "PATCH",
        path: "/v1/users/user_alexis/metadata",
        body: { public_metadata: { plan: "pro" }, unsafe_metadata: { theme: "neon" } },
      },
    ]);
    assert.equal(world.user("user_alexis").public.plan, "pro");
    assert.equal(world.user("user_alexis").unsafe.theme, "neon");
  });

  it("shows each drifted key with its old and new value in preview --refresh, and fails the drift gate", async () => {
    const stack = world.stack();
    const program = () => {
      new clerk.OrganizationMetadata("acme", {
        organizationId: "org_acme",
        publicMetadata: { plan: "pro", limits: { seats: 25 } },
        privateMetadata: { token: "t-1" },
      });
    };
    assertOk(await stack.up(program));
    await world.clerk().organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { plan: "free" },
      privateMetadata: { token: "t-2" },
    });
    const gate = await stack.preview(program, { refresh: true, expectNoChanges: true });
    assert.equal(gate.ok, false);
    const update = gate.steps.find((s) => s.name === "acme" && s.op === "update");
    assert.deepEqual(update?.changedPaths, [
      // The whole field is a secret, so the display masks it whole, as Pulumi's does.
      { path: "privateMetadata", old: "[secret]", new: "[secret]" },
      { path: "publicMetadata.plan", old: "free", new: "pro" },
    ]);
  });
});
