import assert from "node:assert/strict";
import {
  containsUnknown,
  isPlainObject,
  isUnknown,
  jsonEqual,
  unknownValue,
} from "../../../provider/core/json";

describe("json", () => {
  describe("unknownValue", () => {
    it("equals pulumi.runtime.unknownValue", () => {
      const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
      assert.equal(unknownValue, pulumi.runtime.unknownValue);
    });
  });

  describe("isUnknown", () => {
    it("is true only for the unknown sentinel", () => {
      assert.equal(isUnknown(unknownValue), true);
      assert.equal(isUnknown("04da6b54"), false);
      assert.equal(isUnknown(undefined), false);
      assert.equal(isUnknown({ value: unknownValue }), false);
    });
  });

  describe("isPlainObject", () => {
    it("accepts object literals and null-prototype objects", () => {
      assert.equal(isPlainObject({}), true);
      assert.equal(isPlainObject({ a: 1 }), true);
      assert.equal(isPlainObject(Object.create(null)), true);
    });

    it("rejects arrays, null, scalars, dates, maps and class instances", () => {
      class Thing {}
      for (const value of [[], null, undefined, 1, "x", true, new Date(0), new Map(), new Thing()]) {
        assert.equal(isPlainObject(value), false, String(value));
      }
    });
  });

  describe("containsUnknown", () => {
    it("finds the unknown sentinel at the top, in objects and in arrays at any depth", () => {
      assert.equal(containsUnknown(unknownValue), true);
      assert.equal(containsUnknown({ a: { b: unknownValue } }), true);
      assert.equal(containsUnknown({ a: [1, [2, { c: unknownValue }]] }), true);
    });

    it("is false for known JSON", () => {
      assert.equal(containsUnknown({ a: { b: [1, "x", null, { c: true }] } }), false);
      assert.equal(containsUnknown(undefined), false);
    });
  });

  describe("jsonEqual", () => {
    it("ignores key order at every depth", () => {
      assert.equal(
        jsonEqual({ a: 1, b: { c: 2, d: { e: 3, f: 4 } } }, { b: { d: { f: 4, e: 3 }, c: 2 }, a: 1 }),
        true,
      );
    });

    it("compares arrays position by position", () => {
      assert.equal(jsonEqual([1, 2], [1, 2]), true);
      assert.equal(jsonEqual([1, 2], [2, 1]), false);
      assert.equal(jsonEqual([1, 2], [1, 2, 3]), false);
      assert.equal(jsonEqual([{ a: 1, b: 2 }], [{ b: 2, a: 1 }]), true);
    });

    it("tells apart values of different shapes", () => {
      assert.equal(jsonEqual({}, []), false);
      assert.equal(jsonEqual(null, {}), false);
      assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 2 }), false);
      assert.equal(jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
      assert.equal(jsonEqual("1", 1), false);
      assert.equal(jsonEqual({ a: null }, {}), false);
    });
  });
});
