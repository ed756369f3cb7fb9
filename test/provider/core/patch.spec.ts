import assert from "node:assert/strict";
import { mergeMetadata } from "../../../emulator/merge";
import { isPlainObject, type JsonObject, type JsonValue } from "../../../provider/core/json";
import { getAt, setAt } from "../../../provider/core/keyPaths";
import { collectLeaves, listOwned, ownershipOf } from "../../../provider/core/ownership";
import {
  buildPatch,
  createPatch,
  deletePatch,
  exactPatch,
  isEmptyPatch,
  updatePatch,
} from "../../../provider/core/patch";
import type { KeyPath } from "../../../provider/core/keyPaths";
import { withoutNulls } from "../../../provider/core/projection";
import { mergeCases } from "../../fixtures/mergeCases";

// ---------------------------------------------------------------------------------------------
// Helpers: a seeded generator of declarations, foreign keys that never collide with them, and
// a comparison that ignores empty containers (which Clerk leaves behind, see below).
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG so every run checks the same cases. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const declaredKeys = ["a", "b", "c", "d"];

function randomLeaf(random: () => number, allowNull: boolean): JsonValue {
  const pick = Math.floor(random() * (allowNull ? 7 : 6));
  switch (pick) {
    case 0:
      return Math.floor(random() * 100);
    case 1:
      return `s${Math.floor(random() * 10)}`;
    case 2:
      return random() < 0.5;
    case 3:
      return [Math.floor(random() * 3), "x"];
    case 4:
      return [{ id: Math.floor(random() * 3) }];
    case 5:
      return [];
    default:
      return null;
  }
}

interface Shape {
  allowNull: boolean;
  allowEmpty: boolean;
}

function randomDeclaration(random: () => number, shape: Shape, depth = 1): JsonObject {
  const out: JsonObject = {};
  for (const key of declaredKeys) {
    if (random() < 0.45) continue;
    if (depth < 4 && random() < 0.4) {
      const child = randomDeclaration(random, shape, depth + 1);
      if (Object.keys(child).length > 0 || shape.allowEmpty) out[key] = child;
    } else {
      out[key] = randomLeaf(random, shape.allowNull);
    }
  }
  return out;
}

/** Every path at which `value` holds a plain object (the root excluded). */
function objectPaths(value: unknown, prefix: KeyPath = []): KeyPath[] {
  if (!isPlainObject(value)) return [];
  const paths: KeyPath[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (isPlainObject(child)) paths.push([...prefix, key], ...objectPaths(child, [...prefix, key]));
  }
  return paths;
}

/** True when no prefix of `path` holds a non-object in `declaration` (so a foreign key may live under it). */
function staysContainer(declaration: JsonObject, path: KeyPath): boolean {
  for (let i = 1; i <= path.length; i++) {
    const value = getAt(declaration, path.slice(0, i));
    if (value !== undefined && !isPlainObject(value)) return false;
  }
  return true;
}

/**
 * Foreign keys (named `zz…`, never declared) placed at the root and inside containers that are
 * containers in every given declaration, so no declaration can own or overwrite them.
 */
function randomForeign(random: () => number, ...declarations: JsonObject[]): JsonObject {
  const candidates: KeyPath[] = [[], ...declarations.flatMap((d) => objectPaths(d))].filter((path) =>
    declarations.every((d) => staysContainer(d, path)),
  );
  const foreign: JsonObject = {};
  let n = 0;
  for (const path of candidates) {
    if (random() < 0.6) setAt(foreign, [...path, `zz${n++}`], randomLeaf(random, false));
    if (random() < 0.2) setAt(foreign, [...path, `zz${n++}`, "inner"], `deep${n}`);
  }
  return foreign;
}

/** Removes empty objects, bottom up. */
function prune(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (isPlainObject(child)) {
      const pruned = prune(child as JsonObject);
      if (Object.keys(pruned).length > 0) out[key] = pruned;
    } else out[key] = child;
  }
  return out;
}

function leafPaths(value: JsonObject): string[] {
  return collectLeaves(value).map((leaf) => JSON.stringify(leaf.path));
}

const key = (path: KeyPath) => JSON.stringify(path);

// ---------------------------------------------------------------------------------------------

describe("patch", () => {
  describe("createPatch", () => {
    it("sets every declared leaf at every depth", () => {
      assert.deepEqual(createPatch({ plan: "pro", limits: { seats: 5, features: { sso: true } } }), {
        plan: "pro",
        limits: { seats: 5, features: { sso: true } },
      });
    });

    it("sends null for a declared null leaf", () => {
      assert.deepEqual(createPatch({ plan: "pro", legacy: null, limits: { old: null } }), {
        plan: "pro",
        legacy: null,
        limits: { old: null },
      });
    });

    it("sends an array whole", () => {
      assert.deepEqual(createPatch({ tags: ["a", "b"], rules: [{ id: 1, on: true }] }), {
        tags: ["a", "b"],
        rules: [{ id: 1, on: true }],
      });
    });

    // BUG: setAt walks into node["__proto__"] (Object.prototype counts as a plain object, its
    // prototype being null) and writes there: a declared "__proto__" key pollutes every object
    // of the process instead of reaching the patch. Cleaned up in `finally`.
    it("sends a declared __proto__ key as an own key and never touches Object.prototype", () => {
      const declared = JSON.parse('{"__proto__": {"pollutedByCreatePatch": 1}}') as JsonObject;
      try {
        const patch = createPatch(declared);
        assert.equal(
          ({} as Record<string, unknown>).pollutedByCreatePatch,
          undefined,
          "Object.prototype polluted",
        );
        assert.deepEqual(Object.keys(patch), ["__proto__"]);
        assert.equal(Object.getPrototypeOf(patch), Object.prototype);
      } finally {
        delete (Object.prototype as Record<string, unknown>).pollutedByCreatePatch;
      }
    });

    it("sends nothing for a declared empty container", () => {
      assert.equal(isEmptyPatch(createPatch({ limits: {}, deep: { deeper: {} } })), true);
    });
  });

  describe("updatePatch", () => {
    it("sends null for a removed key at depth 1", () => {
      assert.deepEqual(updatePatch(ownershipOf({ plan: "pro", legacy: true }), { plan: "pro" }), {
        plan: "pro",
        legacy: null,
      });
    });

    it("sends a nested null for a removed key at depth 2", () => {
      assert.deepEqual(
        updatePatch(ownershipOf({ limits: { seats: 5, projects: 2 } }), { limits: { seats: 5 } }),
        { limits: { seats: 5, projects: null } },
      );
    });

    it("sends a nested null for a removed key at depth 3", () => {
      assert.deepEqual(updatePatch(ownershipOf({ a: { b: { c: 1, d: 2 } } }), { a: { b: { c: 1 } } }), {
        a: { b: { c: 1, d: null } },
      });
    });

    it("sends nested nulls for a whole removed subtree, leaf by leaf", () => {
      assert.deepEqual(
        updatePatch(
          ownershipOf({ plan: "pro", limits: { seats: 5, features: { sso: true, audit: false } } }),
          {},
        ),
        { plan: null, limits: { seats: null, features: { sso: null, audit: null } } },
      );
    });

    it("sets every declared leaf again, so drift is corrected", () => {
      assert.deepEqual(updatePatch(ownershipOf({ plan: "pro" }), { plan: "pro" }), { plan: "pro" });
    });

    it("sends a changed array whole and never a null inside it", () => {
      const patch = updatePatch(ownershipOf({ rules: [{ id: 1, on: true }], tags: ["a", "b", "c"] }), {
        rules: [{ id: 1 }],
        tags: ["d"],
      });
      assert.deepEqual(patch, { rules: [{ id: 1 }], tags: ["d"] });
      assert.deepEqual(mergeMetadata({ rules: [{ id: 1, on: true }], tags: ["a", "b", "c"] }, patch), {
        rules: [{ id: 1 }],
        tags: ["d"],
      });
    });

    it("sends an array whole even when Clerk holds a longer, drifted one", () => {
      const patch = updatePatch(ownershipOf({ tags: ["a"] }), { tags: ["a", "b"] });
      assert.deepEqual(mergeMetadata({ tags: ["x", "y", "z", "w"] }, patch), { tags: ["a", "b"] });
    });

    it("keeps a declared null leaf owned and sends null for it again", () => {
      const owned = ownershipOf({ plan: "pro", legacy: null });
      assert.deepEqual(owned, { plan: "set", legacy: "absent" });
      assert.deepEqual(updatePatch(owned, { plan: "pro", legacy: null }), { plan: "pro", legacy: null });
    });

    it("turns a declared null into a value without a conflicting null", () => {
      assert.deepEqual(updatePatch(ownershipOf({ legacy: null }), { legacy: "back" }), { legacy: "back" });
    });

    it("turns a leaf into an object with no null for the overlapping path", () => {
      const patch = updatePatch(ownershipOf({ feature: true }), { feature: { enabled: true } });
      assert.deepEqual(patch, { feature: { enabled: true } });
      assert.deepEqual(mergeMetadata({ feature: true, zz: 1 }, patch), { feature: { enabled: true }, zz: 1 });
    });

    it("turns an object into a leaf with no null for the overlapping paths", () => {
      const patch = updatePatch(ownershipOf({ feature: { enabled: true, rollout: { pct: 50 } } }), {
        feature: false,
      });
      assert.deepEqual(patch, { feature: false });
      assert.deepEqual(mergeMetadata({ feature: { enabled: true, rollout: { pct: 50 } } }, patch), {
        feature: false,
      });
    });

    it("turns a deep leaf into an object and keeps removing its old siblings", () => {
      assert.deepEqual(updatePatch(ownershipOf({ a: { b: 1, c: 2 } }), { a: { b: { x: 1 } } }), {
        a: { b: { x: 1 }, c: null },
      });
    });

    it("replaces a removed container by a declared null with one null", () => {
      assert.deepEqual(updatePatch(ownershipOf({ a: { b: 1, c: { d: 2 } } }), { a: null }), { a: null });
    });

    it("never mentions a path outside the old owned and newly declared leaves (random declarations)", () => {
      const random = seeded(1);
      for (let i = 0; i < 400; i++) {
        const shape = { allowNull: true, allowEmpty: true };
        const old = randomDeclaration(random, shape);
        const neu = randomDeclaration(random, shape);
        const foreign = randomForeign(random, old, neu);
        const remote = mergeMetadata(foreign, createPatch(old)) as JsonObject;
        const patch = updatePatch(ownershipOf(old), neu);
        const allowed = new Set([...listOwned(ownershipOf(old)).map((o) => key(o.path)), ...leafPaths(neu)]);
        for (const path of leafPaths(patch)) {
          assert.ok(allowed.has(path), `${path} in ${JSON.stringify({ old, neu, patch })}`);
        }
        assert.ok(!JSON.stringify(patch).includes('"zz'), JSON.stringify({ remote, patch }));
      }
    });
  });

  describe("deletePatch", () => {
    it("sends null for every owned leaf and nothing else", () => {
      assert.deepEqual(
        deletePatch(ownershipOf({ plan: "pro", limits: { seats: 5, f: { sso: true } }, tags: [1] })),
        {
          plan: null,
          limits: { seats: null, f: { sso: null } },
          tags: null,
        },
      );
    });

    it("sends null for a declared null leaf too (harmless: it is already absent)", () => {
      assert.deepEqual(deletePatch(ownershipOf({ legacy: null })), { legacy: null });
    });

    it("leaves foreign keys in Clerk, and leaves emptied containers as {}", () => {
      const owned = ownershipOf({ plan: "pro", limits: { seats: 5 }, shared: { mine: 1 } });
      const remote = { plan: "pro", limits: { seats: 5 }, shared: { mine: 1, theirs: 2 }, other: "x" };
      assert.deepEqual(mergeMetadata(remote, deletePatch(owned)), {
        limits: {},
        shared: { theirs: 2 },
        other: "x",
      });
    });

    it("is empty for nothing owned", () => {
      assert.equal(isEmptyPatch(deletePatch({})), true);
    });

    it("only ever names owned paths (random declarations)", () => {
      const random = seeded(2);
      for (let i = 0; i < 200; i++) {
        const declared = randomDeclaration(random, { allowNull: true, allowEmpty: true });
        const owned = listOwned(ownershipOf(declared)).map((o) => key(o.path));
        const patch = deletePatch(ownershipOf(declared));
        assert.deepEqual(leafPaths(patch).sort(), [...owned].sort());
        assert.ok(collectLeaves(patch).every((leaf) => leaf.value === null));
      }
    });
  });

  describe("exactPatch", () => {
    it("sets the declared leaves Clerk does not hold yet and removes undeclared remote keys at every depth", () => {
      const remote = {
        plan: "free",
        stale: 1,
        limits: { seats: 5, extra: 1, deep: { x: 1, y: 2 } },
        keep: { z: 1 },
      };
      const declared = { plan: "pro", limits: { seats: 10, deep: { x: 1 } }, keep: {} };
      const patch = exactPatch(remote, declared);
      assert.deepEqual(patch, {
        plan: "pro",
        stale: null,
        // deep.x already holds 1: nothing to send for it.
        limits: { seats: 10, extra: null, deep: { y: null } },
        keep: { z: null },
      });
      assert.deepEqual(mergeMetadata(remote, patch), declared);
    });

    it("keeps a declared empty container that Clerk holds", () => {
      const patch = exactPatch({ limits: { seats: 5 } }, { limits: {} });
      assert.deepEqual(patch, { limits: { seats: null } });
      assert.deepEqual(mergeMetadata({ limits: { seats: 5 } }, patch), { limits: {} });
    });

    it("removes a whole remote subtree with one null where the declaration has none of it", () => {
      assert.deepEqual(exactPatch({ a: { b: { c: 1 } }, keep: 1 }, { keep: 1 }), { a: null });
    });

    it("sends one null for a remote object declared null", () => {
      assert.deepEqual(exactPatch({ a: { b: 1 } }, { a: null }), { a: null });
    });

    it("replaces a remote object by a declared leaf without nulls inside it", () => {
      assert.deepEqual(exactPatch({ a: { b: 1 } }, { a: [1] }), { a: [1] });
    });

    it("replaces a remote scalar by a declared empty container", () => {
      const remote = { a: 5 };
      const declared = { a: {} };
      assert.deepEqual(mergeMetadata(remote, exactPatch(remote, declared)), declared);
    });

    it("creates a declared empty container that Clerk lacks", () => {
      const remote = {};
      const declared = { a: {} };
      assert.deepEqual(exactPatch(remote, declared), { a: {} });
      assert.deepEqual(mergeMetadata(remote, exactPatch(remote, declared)), declared);
    });

    it("replaces a deep remote scalar by a declared empty container and sends nothing for one Clerk holds", () => {
      const remote = { a: { b: 5 }, c: { d: 1 } };
      const declared = { a: { b: {} }, c: {} };
      assert.deepEqual(exactPatch(remote, declared), { a: { b: {} }, c: { d: null } });
      assert.deepEqual(mergeMetadata(remote, exactPatch(remote, declared)), declared);
      assert.deepEqual(exactPatch({ a: {} }, { a: {} }), {});
    });

    it("makes Clerk hold exactly the declaration without its nulls, foreign keys removed (random)", () => {
      const random = seeded(3);
      const shape = { allowNull: true, allowEmpty: true };
      for (let i = 0; i < 600; i++) {
        const remote = withoutNulls(randomDeclaration(random, shape));
        Object.assign(remote, randomForeign(random, remote));
        const declared = randomDeclaration(random, shape);
        const after = mergeMetadata(remote, exactPatch(remote, declared));
        assert.deepEqual(after, withoutNulls(declared), JSON.stringify({ remote, declared, after }));
      }
    });
  });

  describe("buildPatch", () => {
    it("leaves out a removal that overlaps a set leaf, around it or inside it", () => {
      assert.deepEqual(
        buildPatch(
          [
            { path: ["a"], value: 1 },
            { path: ["b", "c"], value: 2 },
          ],
          [["a", "x"], ["b"], ["d", "e"]],
        ),
        { a: 1, b: { c: 2 }, d: { e: null } },
      );
    });
  });

  describe("isEmptyPatch", () => {
    it("is true only for an empty body", () => {
      assert.equal(isEmptyPatch({}), true);
    });

    it("is false for any leaf, null and falsy values included", () => {
      for (const patch of [{ a: null }, { a: { b: null } }, { a: [] }, { a: 0 }, { a: "" }, { a: false }]) {
        assert.equal(isEmptyPatch(patch as JsonObject), false, JSON.stringify(patch));
      }
    });

    it("is false for an empty container, which creates or clears a container in Clerk", () => {
      assert.equal(isEmptyPatch({ a: {} }), false);
      assert.deepEqual(mergeMetadata({ a: 5 }, { a: {} }), { a: {} });
    });

    it("is true for the patches of a resource that declares or owns nothing", () => {
      assert.equal(isEmptyPatch(createPatch({})), true);
      assert.equal(isEmptyPatch(createPatch({ limits: {}, deep: { deeper: {} } })), true);
      assert.equal(isEmptyPatch(updatePatch({}, {})), true);
      assert.equal(isEmptyPatch(deletePatch({})), true);
      assert.equal(isEmptyPatch(exactPatch({}, {})), true);
    });

    it("is false for an update that still declares a leaf (it is set again to correct drift)", () => {
      assert.equal(isEmptyPatch(updatePatch(ownershipOf({ a: 1 }), { a: 1 })), false);
    });
  });

  describe("agreement with Clerk's merge", () => {
    describe("mergeCases", () => {
      for (const c of mergeCases) {
        it(`emulator oracle: ${c.name}`, () => {
          assert.deepEqual(mergeMetadata(c.before, c.patch), c.after);
        });
      }

      it("createPatch(after) applied to before holds every leaf of after, for every row", () => {
        for (const c of mergeCases) {
          const after = c.after as JsonObject;
          const result = mergeMetadata(c.before, createPatch(after)) as JsonObject;
          for (const leaf of collectLeaves(after)) {
            assert.deepEqual(getAt(result, leaf.path), leaf.value, `${c.name}: ${key(leaf.path)}`);
          }
        }
      });

      it("updatePatch(ownershipOf(before), after) turns before into after, for every row", () => {
        // Every row's `before` is taken as what the resource declared; `after` as its new
        // declaration. Only emptied containers may differ (Clerk keeps them as {}).
        for (const c of mergeCases) {
          const before = c.before as JsonObject;
          const after = c.after as JsonObject;
          const result = mergeMetadata(before, updatePatch(ownershipOf(before), after)) as JsonObject;
          assert.deepEqual(prune(result), prune(after), c.name);
        }
      });

      it("exactPatch(before, after) turns before into after exactly, for every row", () => {
        for (const c of mergeCases) {
          const before = c.before as JsonObject;
          const after = c.after as JsonObject;
          const result = mergeMetadata(before, exactPatch(before, after)) as JsonObject;
          assert.deepEqual(prune(result), prune(after), c.name);
        }
      });
    });

    const pairs: {
      name: string;
      old: JsonObject;
      neu: JsonObject;
      foreign: JsonObject;
      after: JsonObject;
    }[] = [
      {
        name: "removes owned keys at depth 1, 2 and 3 and keeps foreign siblings",
        old: { plan: "pro", limits: { seats: 5, projects: 2 }, a: { b: { c: 1, d: 2 } } },
        neu: { limits: { seats: 5 }, a: { b: { c: 1 } } },
        foreign: { zz: 1, limits: { zz: 2 }, a: { b: { zz: 3 } } },
        after: { zz: 1, limits: { seats: 5, zz: 2 }, a: { b: { c: 1, zz: 3 } } },
      },
      {
        name: "leaves an emptied container as {} when its last owned leaf is removed",
        old: { limits: { seats: 5 } },
        neu: {},
        foreign: { zz: 1 },
        after: { zz: 1, limits: {} },
      },
      {
        name: "replaces an array whole",
        old: { tags: ["a", "b", "c"] },
        neu: { tags: ["d"] },
        foreign: { zz: ["keep"] },
        after: { tags: ["d"], zz: ["keep"] },
      },
      {
        name: "turns a leaf into an object",
        old: { feature: true },
        neu: { feature: { enabled: true, rollout: 5 } },
        foreign: { zz: 1 },
        after: { feature: { enabled: true, rollout: 5 }, zz: 1 },
      },
      {
        name: "turns an object into a leaf",
        old: { feature: { enabled: true, rollout: 5 } },
        neu: { feature: "off" },
        foreign: { zz: 1 },
        after: { feature: "off", zz: 1 },
      },
      {
        name: "removes a key newly declared null",
        old: { plan: "pro", legacy: true },
        neu: { plan: "pro", legacy: null },
        foreign: { zz: 1 },
        after: { plan: "pro", zz: 1 },
      },
    ];

    describe("update scenarios", () => {
      for (const p of pairs) {
        it(p.name, () => {
          const remote = mergeMetadata(p.foreign, createPatch(p.old));
          assert.deepEqual(mergeMetadata(remote, updatePatch(ownershipOf(p.old), p.neu)), p.after);
        });
      }

      it("yields the new declaration plus the foreign keys for random pairs of declarations", () => {
        // Documented: the only difference is empty containers. A container whose owned leaves
        // were all removed stays in Clerk as {} (and a declared empty container is never created).
        const random = seeded(4);
        const shape = { allowNull: true, allowEmpty: true };
        let leftEmpty = 0;
        for (let i = 0; i < 500; i++) {
          const old = randomDeclaration(random, shape);
          const neu = randomDeclaration(random, shape);
          const foreign = randomForeign(random, old, neu);
          const remote = mergeMetadata(foreign, createPatch(old));
          const after = mergeMetadata(remote, updatePatch(ownershipOf(old), neu)) as JsonObject;
          const expected = mergeMetadata(foreign, withoutNulls(neu)) as JsonObject;
          const context = JSON.stringify({ old, neu, foreign, after });
          assert.deepEqual(prune(after), prune(expected), context);
          const expectedObjects = new Set(objectPaths(expected).map(key));
          const declaredObjects = new Set([...objectPaths(old), ...objectPaths(neu)].map(key));
          for (const path of objectPaths(after)) {
            if (expectedObjects.has(key(path))) continue;
            leftEmpty++;
            assert.deepEqual(prune(getAt(after, path) as JsonObject), {}, context);
            assert.ok(
              declaredObjects.has(key(path)),
              `${key(path)} was never a declared container: ${context}`,
            );
          }
        }
        assert.ok(leftEmpty > 0, "the generator should exercise emptied containers");
      });

      it("yields the same result whichever order two resources with disjoint keys apply in", () => {
        const first = { plan: "pro", limits: { seats: 5 } };
        const second = { tier: 2, limits: { projects: 3 } };
        const start = { zz: 1 };
        const ab = mergeMetadata(mergeMetadata(start, createPatch(first)), createPatch(second));
        const ba = mergeMetadata(mergeMetadata(start, createPatch(second)), createPatch(first));
        assert.deepEqual(ab, ba);
        const firstGone = mergeMetadata(ab, deletePatch(ownershipOf(first)));
        assert.deepEqual(firstGone, { zz: 1, tier: 2, limits: { projects: 3 } });
      });
    });
  });
});
