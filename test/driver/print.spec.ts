import * as assert from "node:assert/strict";
import { diffProperties } from "../../driver/propertyDiff";
import { formatResult } from "../../driver/print";

describe("driver property diff and printout", () => {
  it("lists changed, added and removed key paths with array positions, ignoring __provider and key order", () => {
    const olds = {
      __provider: "a",
      publicMetadata: { limits: { seats: 10 }, legacy: true, tags: ["a", "b"], same: { x: 1, y: 2 } },
    };
    const news = {
      __provider: "b",
      publicMetadata: { same: { y: 2, x: 1 }, tags: ["a", "c", "d"], limits: { seats: 25 }, plan: "pro" },
    };
    assert.deepEqual(diffProperties(olds, news), [
      { path: "publicMetadata.legacy", old: true, new: "(removed)" },
      { path: "publicMetadata.limits.seats", old: 10, new: 25 },
      { path: "publicMetadata.plan", old: "(none)", new: "pro" },
      { path: "publicMetadata.tags[1]", old: "b", new: "c" },
      { path: "publicMetadata.tags[2]", old: "(none)", new: "d" },
    ]);
  });

  it("masks a secret property as [secret] without descending into it", () => {
    const changes = diffProperties({ key: { a: "old-secret" } }, { key: { a: "new-secret" } }, ["key"]);
    assert.deepEqual(changes, [{ path: "key", old: "[secret]", new: "[secret]" }]);
  });

  it("prints one line per resource with its symbol and the changed paths beneath updates", () => {
    const text = formatResult({
      ok: false,
      errors: ["urn:x: boom"],
      steps: [
        { urn: "u1", name: "org", type: "t:Org", op: "create" },
        {
          urn: "u2",
          name: "meta",
          type: "t:Meta",
          op: "update",
          changedPaths: [
            { path: "publicMetadata.limits.seats", old: 10, new: 25 },
            { path: "publicMetadata.legacy", old: true, new: "(removed)" },
          ],
        },
        { urn: "u3", name: "old", type: "t:Meta", op: "delete" },
        { urn: "u4", name: "renamed", type: "t:Org", op: "replace", replaces: ["slug"] },
        { urn: "u5", name: "same", type: "t:Org", op: "same" },
      ],
    });
    assert.match(text, /^ {2}\+ {2}t:Org org create$/m);
    assert.match(text, /^ {2}~ {2}t:Meta meta update$/m);
    assert.match(text, /publicMetadata\.limits\.seats: 10 => 25/);
    assert.match(text, /publicMetadata\.legacy: true => \(removed\)/);
    assert.match(text, /^ {2}- {2}t:Meta old delete$/m);
    assert.match(text, /^ {2}\+- t:Org renamed replace \[diff: slug\]$/m);
    assert.doesNotMatch(text, / same same/);
    assert.match(text, /Errors:\n {2}urn:x: boom/);
  });
});
