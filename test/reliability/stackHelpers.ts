/**
 * Shared set-up of the stack-level reliability tests: an emulator seeded with entities that hold
 * keys "the app" wrote, stacks driven by the engine driver against it, the expected metadata of
 * every entity (app keys deep-merged with what the stack declares), and a flat view of Clerk's
 * data for exact comparisons.
 */
import assert from "node:assert/strict";
import { mergeMetadata, type SeedData } from "../../emulator";
import type { JsonObject } from "../../provider";
import { World } from "../lifecycle/helpers";

export { appMetadata } from "../support/appMetadata";
export { assertOk, opCounts } from "../support/operations";

/** A JSON object, as metadata fields are (the provider's own `JsonObject`). */
export type Obj = JsonObject;

/** Every metadata field of every entity Clerk holds, keyed `user:<id>`, `org:<id>`, `mem:<org>/<user>`. */
export type MetadataView = Record<string, Record<string, Obj>>;

/** Zero-padded index, so that ids sort and stay within `[A-Za-z0-9_]`. */
export function pad(i: number): string {
  return String(i).padStart(3, "0");
}

/** A seeded emulator, a scratch directory and stacks wired to both, with a flat view of Clerk's data. */
export class StackWorld extends World {
  constructor(seed: () => SeedData, randomSeed = 7) {
    super(seed, randomSeed);
  }

  /**
   * A world for the enclosing mocha suite: started before it, stopped after it, and with no
   * fault, no rate limit and an empty request log at the start of every test.
   */
  static forSuite(seed: () => SeedData, randomSeed?: number): StackWorld {
    const world = new StackWorld(seed, randomSeed);
    before(() => world.start());
    after(() => world.stop());
    beforeEach(() => {
      world.emulator.clearFaults();
      world.emulator.setRateLimit(false);
      world.emulator.reset();
    });
    return world;
  }

  /** Every metadata field of every entity, without a logged request. */
  view(): MetadataView {
    const snapshot = this.emulator.data.snapshot();
    const view: MetadataView = {};
    for (const u of snapshot.users) {
      view[`user:${u.id}`] = {
        public: u.public_metadata,
        private: u.private_metadata,
        unsafe: u.unsafe_metadata,
      };
    }
    for (const o of snapshot.organizations) {
      view[`org:${o.id}`] = { public: o.public_metadata, private: o.private_metadata };
    }
    for (const m of snapshot.memberships) {
      view[`mem:${m.organization.id}/${m.public_user_data.user_id}`] = {
        public: m.public_metadata,
        private: m.private_metadata,
      };
    }
    return view;
  }
}

/** Clerk's merge (the emulator's own): objects merge recursively, `null` removes a key, anything else replaces. */
export function merge(target: Obj, patch: Obj): Obj {
  return mergeMetadata(target, patch) as Obj;
}

/** Fails with the first few differing entities (a 200-entity deepEqual diff is unreadable). */
export function assertSameView(actual: MetadataView, expected: MetadataView): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), "the same entities");
  const differing = Object.keys(expected).filter((key) => !deepEqualJson(actual[key], expected[key]));
  assert.deepEqual(
    differing.slice(0, 5).map((key) => ({ key, actual: actual[key] })),
    differing.slice(0, 5).map((key) => ({ key, actual: expected[key] })),
    `${differing.length} entities differ from what was expected`,
  );
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
