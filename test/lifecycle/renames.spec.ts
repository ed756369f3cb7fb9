import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "../../provider";
import { assertOk, ops, World } from "./helpers";

describe("lifecycle: renames and moved keys lose nothing", () => {
  const world = new World();
  before(() => world.start());
  after(() => world.stop());
  beforeEach(() => world.reset());

  it("keeps the keys of a resource renamed without aliases: the old one's delete leaves what the new one wrote", async () => {
    const stack = await world.stack();
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
    const stack = await world.stack();
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

  /**
   * Resolves to `value` once Clerk has received a PATCH to `path` (at once in a preview). The program
   * runs in this process (the inline route), so a resource taking it as an input registers, and
   * the engine starts its update, while that PATCH is still in flight. Until a second PATCH to `path`
   * arrives, it watches, and notes how many earlier ones were still unanswered when it did.
   */
  const oncePatchArrived = (path: string, value: string, inFlightAtArrival: number[]) =>
    new Promise<string>((resolve) => {
      if (pulumi.runtime.isDryRun()) return resolve(value);
      const deadline = Date.now() + 60_000;
      let seen = 0;
      const poll = () => {
        const patches = world.emulator.requests().filter((r) => r.method === "PATCH" && r.path === path);
        for (; seen < patches.length; seen++) {
          if (seen > 0) inFlightAtArrival.push(patches.slice(0, seen).filter((r) => r.status === 0).length);
        }
        if (seen > 0) resolve(value);
        if (seen < 2 && Date.now() < deadline) setTimeout(poll, 2);
        else resolve(value);
      };
      poll();
    });

  for (const slowSide of ["giver", "taker"] as const) {
    it(`keeps a leaf moved from one resource to another of the same entity in one up, when the ${slowSide}'s request is in flight while the other one runs`, async () => {
      const stack = await world.stack();
      const path = "/v1/organizations/org_acme/memberships/user_kim/metadata";
      const inFlightAtArrival: number[] = [];
      const program = (moved: boolean) => () => {
        // The slow side registers first; the other side's update starts once the slow PATCH is in flight.
        const userId = (side: "giver" | "taker") =>
          moved && side !== slowSide ? oncePatchArrived(path, "user_kim", inFlightAtArrival) : "user_kim";
        new clerk.OrganizationMembershipMetadata("giver", {
          organizationId: "org_acme",
          userId: userId("giver"),
          publicMetadata: moved ? { role: "admin" } : { role: "admin", seat: 4 },
        });
        new clerk.OrganizationMembershipMetadata("taker", {
          organizationId: "org_acme",
          userId: userId("taker"),
          publicMetadata: moved ? { team: "red", seat: 4 } : { team: "red" },
        });
      };
      assertOk(await stack.up(program(false), { skipPreview: true }));
      world.reset();
      world.emulator.inject({ method: "PATCH", path, latencyMs: 2000, count: 1 });
      const moved = assertOk(await stack.up(program(true), { skipPreview: true }));
      assert.deepEqual(ops(moved), [
        ["giver", "update"],
        ["taker", "update"],
      ]);
      const giverPatch = { role: "admin", seat: null };
      const takerPatch = { team: "red", seat: 4 };
      const bodies = world.calls().map((c) => [c.method, c.path, c.body]);
      if (slowSide === "giver") {
        // The taker's set of `seat` waited for the giver's removal of it to land.
        assert.deepEqual(bodies, [
          ["PATCH", path, { public_metadata: giverPatch }],
          ["PATCH", path, { public_metadata: takerPatch }],
        ]);
        assert.deepEqual(inFlightAtArrival, [0]);
      } else {
        // The giver, updating while the taker's write of `seat` is in flight, leaves `seat` alone.
        assert.deepEqual(bodies, [
          ["PATCH", path, { public_metadata: takerPatch }],
          ["PATCH", path, { public_metadata: { role: "admin" } }],
        ]);
        assert.deepEqual(inFlightAtArrival, [1], "the giver's PATCH arrives while the taker's is in flight");
      }
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
    const stack = await world.stack();
    const program = () => {
      new clerk.UserMetadata(
        "alexis",
        { userId: "user_alexis", publicMetadata: { plan: "pro" }, unsafeMetadata: { theme: "dark" } },
        { ignoreChanges: ["unsafeMetadata"] },
      );
    };
    assertOk(await stack.up(program, { skipPreview: true }));
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
    // Drift in the ignored field alone is no change at all: the drift gate passes and nothing is written.
    await world.clerk().users.updateUserMetadata("user_alexis", { unsafeMetadata: { theme: "sepia" } });
    world.reset();
    assertOk(await stack.preview(program, { refresh: true, expectNoChanges: true }));
    assert.equal(
      world.calls().every((c) => c.method === "GET"),
      true,
    );
    assert.equal(world.user("user_alexis").unsafe.theme, "sepia");
  });

  /*
   * Pulumi's display never shows which key of a secret field drifted: the engine masks every secret as
   * "[secret]" before the display diffs old and new (pkg/engine/events.go, filterPropertyValue), and the
   * Node dynamic-provider host returns no detailed diff to unmask it (sdk/nodejs/cmd/dynamic-provider/index.ts,
   * diff: changes and replaces only). The drift still plans an update, so the gate still fails.
   */
  it("shows each drifted public key with its old and new value in preview --refresh, and fails the drift gate on private drift too", async () => {
    const stack = await world.stack();
    const program = () => {
      new clerk.OrganizationMetadata("acme", {
        organizationId: "org_acme",
        publicMetadata: { plan: "pro", limits: { seats: 25 } },
        privateMetadata: { token: "t-1" },
      });
    };
    assertOk(await stack.up(program, { skipPreview: true }));
    await world.clerk().organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { plan: "free" },
      privateMetadata: { token: "t-2" },
    });
    const gate = await stack.preview(program, { refresh: true, expectNoChanges: true, diff: true });
    assert.equal(gate.ok, false);
    const update = gate.steps.find((s) => s.name === "acme" && s.op === "update");
    assert.deepEqual(update?.changedPaths, [
      { kind: "update", path: "publicMetadata.plan", old: "free", new: "pro" },
    ]);
    assert.match(gate.stdout, /~ plan\s*: "free" => "pro"/);
    // The private field is listed, masked and unchanged-looking; its values never print.
    assert.match(gate.stdout, /\n\s+privateMetadata\s*: \[secret\]\n/);
    assert.doesNotMatch(gate.stdout + gate.stderr, /t-1|t-2/);

    // Only the private key drifted: no key to show, yet the gate fails and up --refresh puts it back.
    await world
      .clerk()
      .organizations.updateOrganizationMetadata("org_acme", { publicMetadata: { plan: "pro" } });
    const privateOnly = await stack.preview(program, { refresh: true, expectNoChanges: true });
    assert.equal(privateOnly.ok, false);
    assert.deepEqual(
      privateOnly.steps.filter((s) => s.op === "update").map((s) => [s.name, s.changedPaths]),
      [["acme", undefined]],
    );
    world.reset();
    assertOk(await stack.up(program, { refresh: true, skipPreview: true }));
    assert.deepEqual(
      world.calls().filter((c) => c.method !== "GET"),
      [
        {
          method: "PATCH",
          path: "/v1/organizations/org_acme/metadata",
          body: {
            public_metadata: { plan: "pro", limits: { seats: 25 } },
            private_metadata: { token: "t-1" },
          },
        },
      ],
    );
    assert.equal(world.organization("org_acme").private.token, "t-1");
  });
});
