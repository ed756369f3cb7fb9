import assert from "node:assert/strict";
import { getAt, pathsOverlap, setAt } from "../../../provider/core/keyPaths";
import { collectLeaves, listOwned, ownershipOf } from "../../../provider/core/ownership";

describe("ownership", () => {
  describe("collectLeaves", () => {
    it("lists every non-object value with its path, depth first", () => {
      assert.deepEqual(
        collectLeaves({ plan: "pro", limits: { seats: 5, features: { sso: true } }, tags: ["a"] }),
        [
          { path: ["plan"], value: "pro" },
          { path: ["limits", "seats"], value: 5 },
          { path: ["limits", "features", "sso"], value: true },
          { path: ["tags"], value: ["a"] },
        ],
      );
    });

    it("treats arrays (even of objects) and null as leaves, and empty objects as no leaf", () => {
      assert.deepEqual(collectLeaves({ rules: [{ id: 1 }], gone: null, empty: {} }), [
        { path: ["rules"], value: [{ id: 1 }] },
        { path: ["gone"], value: null },
      ]);
    });
  });

  describe("ownershipOf", () => {
    it("marks declared values set and declared nulls absent", () => {
      assert.deepEqual(ownershipOf({ plan: "pro", legacy: null, limits: { seats: 5, old: null } }), {
        plan: "set",
        legacy: "absent",
        limits: { seats: "set", old: "absent" },
      });
    });

    it("owns an array as one leaf", () => {
      assert.deepEqual(ownershipOf({ tags: ["a", { x: 1 }] }), { tags: "set" });
    });

    it("owns nothing for empty containers", () => {
      assert.deepEqual(ownershipOf({ limits: {}, deep: { deeper: {} } }), {});
    });
  });

  describe("listOwned", () => {
    it("lists owned paths with their marks", () => {
      assert.deepEqual(listOwned({ a: "set", b: { c: "absent", d: { e: "set" } } }), [
        { path: ["a"], mark: "set" },
        { path: ["b", "c"], mark: "absent" },
        { path: ["b", "d", "e"], mark: "set" },
      ]);
    });
  });

  describe("getAt", () => {
    it("reads a nested value", () => {
      assert.deepEqual(getAt({ a: { b: { c: [1] } } }, ["a", "b", "c"]), [1]);
      assert.deepEqual(getAt({ a: 1 }, []), { a: 1 });
    });

    it("is undefined when a key is missing or the way crosses a non-object", () => {
      assert.equal(getAt({ a: {} }, ["a", "b"]), undefined);
      assert.equal(getAt({ a: 5 }, ["a", "b"]), undefined);
      assert.equal(getAt({ a: [{ b: 1 }] }, ["a", "0", "b"]), undefined);
      assert.equal(getAt({}, ["toString"]), undefined);
    });
  });

  describe("setAt", () => {
    it("creates containers on the way and replaces non-objects by containers", () => {
      const root: Record<string, unknown> = { a: 5 };
      setAt(root, ["a", "b", "c"], 1);
      setAt(root, ["x", "y"], 2);
      assert.deepEqual(root, { a: { b: { c: 1 } }, x: { y: 2 } });
    });
  });

  describe("prototype safety", () => {
    // BUG: ownershipOf/setAt follow a "__proto__" key into Object.prototype and write the mark
    // there. Cleaned up in `finally` so no other test sees the pollution.
    it("ownershipOf never writes a declared __proto__ key onto Object.prototype", () => {
      const declared = JSON.parse('{"__proto__": {"pollutedByOwnershipOf": 1}}');
      try {
        const tree = ownershipOf(declared);
        assert.equal(
          ({} as Record<string, unknown>).pollutedByOwnershipOf,
          undefined,
          "Object.prototype polluted",
        );
        assert.deepEqual(listOwned(tree), [{ path: ["__proto__", "pollutedByOwnershipOf"], mark: "set" }]);
      } finally {
        delete (Object.prototype as Record<string, unknown>).pollutedByOwnershipOf;
      }
    });
  });

  describe("pathsOverlap", () => {
    it("is true for equal paths and for one path inside the other", () => {
      assert.equal(pathsOverlap(["a", "b"], ["a", "b"]), true);
      assert.equal(pathsOverlap(["a"], ["a", "b", "c"]), true);
      assert.equal(pathsOverlap(["a", "b", "c"], ["a"]), true);
    });

    it("is false for siblings and for paths that share only a prefix", () => {
      assert.equal(pathsOverlap(["a", "b"], ["a", "c"]), false);
      assert.equal(pathsOverlap(["a", "b", "c"], ["a", "x"]), false);
      assert.equal(pathsOverlap(["a"], ["b"]), false);
    });
  });
});
