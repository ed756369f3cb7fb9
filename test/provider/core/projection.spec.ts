import assert from "node:assert/strict";
import { ownershipOf } from "../../../provider/core/ownership";
import { projectOwned, withoutNulls } from "../../../provider/core/projection";

describe("project", () => {
  describe("projectOwned", () => {
    it("keeps only the owned paths and never a foreign key", () => {
      const remote = { plan: "pro", zz: 1, limits: { seats: 5, zz: 2 }, other: { x: 1 } };
      assert.deepEqual(projectOwned(remote, ownershipOf({ plan: "x", limits: { seats: 1 } })), {
        plan: "pro",
        limits: { seats: 5 },
      });
    });

    it("leaves a missing owned path absent", () => {
      const owned = ownershipOf({ plan: "x", limits: { seats: 1 } });
      assert.deepEqual(projectOwned({}, owned), {});
      assert.deepEqual(projectOwned({ limits: {} }, owned), {});
      assert.deepEqual(projectOwned({ limits: 5 }, owned), {});
    });

    it("reads a missing absent leaf as null", () => {
      assert.deepEqual(projectOwned({ zz: 1 }, ownershipOf({ legacy: null, deep: { old: null } })), {
        legacy: null,
        deep: { old: null },
      });
    });

    it("shows a value that reappeared at an absent leaf", () => {
      assert.deepEqual(projectOwned({ legacy: "back" }, ownershipOf({ legacy: null })), { legacy: "back" });
    });

    it("shows the object when Clerk turned an owned leaf into an object", () => {
      assert.deepEqual(projectOwned({ feature: { enabled: true, zz: 1 } }, ownershipOf({ feature: true })), {
        feature: { enabled: true, zz: 1 },
      });
    });

    it("shows an array whole", () => {
      assert.deepEqual(projectOwned({ tags: ["a", "b"] }, ownershipOf({ tags: ["a"] })), {
        tags: ["a", "b"],
      });
    });

    it("projects nothing for nothing owned", () => {
      assert.deepEqual(projectOwned({ plan: "pro" }, {}), {});
    });
  });

  describe("withoutNulls", () => {
    it("drops null leaves at every depth and keeps containers", () => {
      assert.deepEqual(withoutNulls({ a: null, b: { c: null, d: 1 }, e: { f: null } }), {
        b: { d: 1 },
        e: {},
      });
    });

    it("never looks inside arrays", () => {
      assert.deepEqual(withoutNulls({ tags: [null, 1, { x: null }] }), { tags: [null, 1, { x: null }] });
    });
  });
});
