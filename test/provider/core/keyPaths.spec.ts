import assert from "node:assert/strict";
import { formatPath } from "../../../provider/core/keyPaths";

describe("paths", () => {
  describe("formatPath", () => {
    it("joins identifier keys with dots", () => {
      assert.equal(formatPath("publicMetadata", ["plan", "seats"]), "publicMetadata.plan.seats");
    });

    it("writes array positions in brackets", () => {
      assert.equal(formatPath("publicMetadata", ["tags", 1]), "publicMetadata.tags[1]");
      assert.equal(formatPath("publicMetadata", ["rules", 0, "id"]), "publicMetadata.rules[0].id");
    });

    it("quotes keys that are not identifiers", () => {
      assert.equal(formatPath("publicMetadata", ["a.b"]), 'publicMetadata["a.b"]');
      assert.equal(formatPath("publicMetadata", ["two words", "x"]), 'publicMetadata["two words"].x');
      assert.equal(formatPath("publicMetadata", ["1st"]), 'publicMetadata["1st"]');
      assert.equal(formatPath("publicMetadata", [""]), 'publicMetadata[""]');
    });

    it("returns the root alone for an empty path", () => {
      assert.equal(formatPath("privateMetadata", []), "privateMetadata");
    });
  });
});
