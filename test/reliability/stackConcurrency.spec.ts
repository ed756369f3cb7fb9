/**
 * Many resources of one stack on the same user, organization and membership, applied at once
 * by Pulumi's real CLI, and the conflicts the program itself reports at preview.
 */
import assert from "node:assert/strict";
import type { SeedData } from "../../emulator";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../../provider";
import {
  appMetadata,
  assertOk,
  assertSameView,
  maxInFlight,
  merge,
  opCounts,
  pad,
  StackWorld,
  type Obj,
} from "./stackHelpers";
import { finalCheckpointOnly } from "../support/checkpoints";

const userId = "user_shared";
const orgId = "org_shared";
const keyCount = 50;

function seed(): SeedData {
  const withFeatures = (tag: string) => {
    const app = appMetadata(tag);
    // The app keeps a key inside the container every resource writes into.
    app.public_metadata.features = { appFlag: true };
    return app;
  };
  return {
    users: [
      { id: userId, first_name: "Shared", ...withFeatures(userId), unsafe_metadata: { ui: { lang: "en" } } },
      { id: "user_other", first_name: "Other" },
    ],
    organizations: [
      { id: orgId, name: "Shared", ...withFeatures(orgId) },
      { id: "org_other", name: "Other" },
    ],
    memberships: [{ organization_id: orgId, user_id: userId, ...withFeatures("membership") }],
  } as SeedData;
}

/** Resource `i` of each kind owns `features.f<i>` in public metadata and `k<i>` in private metadata. */
function declared(i: number): { public: Obj; private: Obj } {
  return { public: { features: { [`f${pad(i)}`]: i } }, private: { [`k${pad(i)}`]: `value-${i}` } };
}

function program(keys: number[]): () => void {
  return () => {
    for (const i of keys) {
      const d = declared(i);
      new UserMetadata(`user-key-${pad(i)}`, {
        userId,
        publicMetadata: d.public,
        privateMetadata: d.private,
        ...(i % 5 === 0 ? { unsafeMetadata: { [`u${pad(i)}`]: true } } : {}),
      });
      new OrganizationMetadata(`org-key-${pad(i)}`, {
        organizationId: orgId,
        publicMetadata: d.public,
        privateMetadata: d.private,
      });
      new OrganizationMembershipMetadata(`member-key-${pad(i)}`, {
        organizationId: orgId,
        userId,
        publicMetadata: d.public,
        privateMetadata: d.private,
      });
    }
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("reliability: many resources on one entity, applied at once", function () {
  // 150 resources through the real CLI: minutes on a busy 2-core machine.
  this.timeout(600_000);
  const world = StackWorld.forSuite(seed);

  it("keeps every key of 50 resources per entity applied in parallel, the app's keys too, and removing half removes exactly their keys", async () => {
    const initial = world.view();
    const expectedWith = (keys: number[]) => {
      const view = structuredClone(initial);
      for (const i of keys) {
        const d = declared(i);
        for (const entity of [`user:${userId}`, `org:${orgId}`, `mem:${orgId}/${userId}`]) {
          view[entity].public = merge(view[entity].public, d.public);
          view[entity].private = merge(view[entity].private, d.private);
        }
        if (i % 5 === 0)
          view[`user:${userId}`].unsafe = merge(view[`user:${userId}`].unsafe, { [`u${pad(i)}`]: true });
      }
      return view;
    };

    // Every request waits, so that the writes of one entity are really in flight together: the
    // engine's step generator checks and diffs one registration at a time and hands each step to a
    // pool of `--parallel` workers (pkg/resource/deploy/step_executor.go, `NewStepExecutor`,
    // v3.248.0), so requests overlap only when each lasts longer than registrations take to arrive.
    world.emulator.inject({ latencyMs: 2500 });
    const stack = await world.stack({}, { parallel: 50, env: finalCheckpointOnly });
    // The preview sends no request and is not what this test is about.
    const up = assertOk(await stack.up(program(range(keyCount)), { skipPreview: true }));
    assert.deepEqual(opCounts(up), { create: 3 * keyCount });
    const creating = maxInFlight(world.timedRequests());
    assert.ok(creating >= 25, `at most ${creating} requests were in flight at once`);
    // `--parallel 50` bounds the steps running at once (step_executor.go, `NewStepExecutor`: that many workers).
    assert.ok(creating <= 50, `${creating} requests were in flight at once`);

    const requests = world.emulator.requests();
    assert.equal(requests.length, 3 * keyCount);
    assert.ok(requests.every((r) => r.method === "PATCH" && r.status === 200));
    assertSameView(world.view(), expectedWith(range(keyCount)));

    // A second up that declares only the even keys deletes the odd resources, in parallel too: the
    // deletes have no dependencies among them, so they form one antichain run on the same workers
    // (pkg/resource/deploy/step_generator.go, `ScheduleDeletes`; deployment_executor.go, `performPostSteps`).
    world.reset();
    const evens = range(keyCount).filter((i) => i % 2 === 0);
    const odds = range(keyCount).filter((i) => i % 2 === 1);
    const half = assertOk(await stack.up(program(evens), { skipPreview: true }));
    assert.deepEqual(opCounts(half), { same: 3 * evens.length, delete: 3 * odds.length });
    const deleting = maxInFlight(world.timedRequests());
    assert.ok(deleting >= 25, `at most ${deleting} deletes were in flight at once (creates: ${creating})`);

    const deletes = world.emulator.requests();
    assert.equal(deletes.length, 3 * odds.length);
    // Each delete nulls exactly its own leaves and nothing else.
    for (const r of deletes) {
      assert.equal(r.method, "PATCH");
      const body = r.body as Record<string, Record<string, unknown>>;
      const i = Number(/k(\d+)/.exec(Object.keys(body.private_metadata)[0])![1]);
      const expected: Record<string, unknown> = {
        public_metadata: { features: { [`f${pad(i)}`]: null } },
        private_metadata: { [`k${pad(i)}`]: null },
      };
      if (r.path.startsWith("/v1/users/") && i % 5 === 0) expected.unsafe_metadata = { [`u${pad(i)}`]: null };
      assert.deepEqual(body, expected, r.path);
      assert.ok(odds.includes(i));
    }
    assertSameView(world.view(), expectedWith(evens));
    assert.equal((await stack.state()).resources.length, 3 * evens.length);
  });
});

describe("reliability: leaf conflicts inside one program, at preview", () => {
  const world = StackWorld.forSuite(seed);

  it("fails the preview of a stack where two of 51 resources declare the same leaf, naming both and the path, without a request", async () => {
    const stack = await world.stack({}, { parallel: 50 });
    const result = await stack.preview(() => {
      program(range(keyCount))();
      new OrganizationMetadata("late-comer", {
        organizationId: orgId,
        publicMetadata: { features: { f017: "mine" }, other: 1 },
      });
    });
    assert.equal(result.ok, false);
    const errors = result.errors.join("\n");
    // One sentence naming both resources, the path and the organization. Both resources carry the
    // conflict, but the engine stops generating steps at the first resource whose Check fails
    // (pkg/resource/deploy/step_generator.go, `continueStepsFromImport`: "resource %s is invalid", v3.248.0),
    // so only one of them is reported, whichever the engine checked first.
    assert.match(
      errors,
      /(OrganizationMetadata "late-comer" and OrganizationMetadata "org-key-017"|OrganizationMetadata "org-key-017" and OrganizationMetadata "late-comer") both declare publicMetadata\.features\.f017 of organization org_shared/,
    );
    assert.equal((errors.match(/both declare/g) ?? []).length, 1, errors);
    assert.doesNotMatch(errors, /mine/);
    assert.equal(world.emulator.requests().length, 0);
  });

  it("does not report a conflict at preview when an id comes from another resource's output and is still unknown", async () => {
    const stack = await world.stack();
    const conflicting = () => {
      const first = new OrganizationMetadata("first", {
        organizationId: orgId,
        publicMetadata: { plan: "pro" },
      });
      // The resource id of an OrganizationMetadata is its organization id: unknown until it exists.
      new OrganizationMetadata("second", {
        organizationId: first.id,
        publicMetadata: { plan: "free" },
      });
      new OrganizationMembershipMetadata("member", {
        organizationId: first.id,
        userId,
        publicMetadata: { seat: 1 },
      });
    };
    const preview = await stack.preview(conflicting);
    assertOk(preview);
    assert.deepEqual(opCounts(preview), { create: 3 });
    assert.doesNotMatch(preview.errors.join("\n"), /both declare/);
    assert.equal(world.emulator.requests().length, 0);
  });

  it("reports the conflict at the next preview once the other resource exists and the id is known", async () => {
    const stack = await world.stack();
    assertOk(
      await stack.up(() => {
        new OrganizationMetadata("first", { organizationId: orgId, publicMetadata: { plan: "pro" } });
      }),
    );
    world.emulator.reset();
    const result = await stack.preview(() => {
      const first = new OrganizationMetadata("first", {
        organizationId: orgId,
        publicMetadata: { plan: "pro" },
      });
      new OrganizationMetadata("second", {
        organizationId: first.id,
        publicMetadata: { plan: "free" },
      });
    });
    assert.equal(result.ok, false);
    assert.match(
      result.errors.join("\n"),
      /OrganizationMetadata "second" and OrganizationMetadata "first" both declare publicMetadata\.plan of organization org_shared/,
    );
    assert.equal(world.emulator.requests().length, 0);
    assertOk(await stack.destroy());
  });
});
