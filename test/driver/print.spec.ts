import * as assert from "node:assert/strict";
import { diffProperties, objectDiff } from "../../driver/propertyDiff";
import { formatResult } from "../../driver/print";
import { wireSecret } from "../../driver/values";
import type { OperationResult } from "../../driver/types";

const base: Pick<OperationResult, "diagnostics"> = { diagnostics: [] };

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

  it("masks only the secret leaves: a changed secret prints [secret] => [secret], its plain siblings print", () => {
    const changes = diffProperties(
      { meta: { token: wireSecret("old-secret"), plan: "free" } },
      { meta: { token: wireSecret("new-secret"), plan: "pro" } },
    );
    assert.deepEqual(changes, [
      { path: "meta.plan", old: "free", new: "pro" },
      { path: "meta.token", old: "[secret]", new: "[secret]" },
    ]);
    assert.equal(JSON.stringify(changes).includes('secret"'), false);
  });

  it("prints update rows with nested input diffs and the engine's summary line", () => {
    const text = formatResult({
      ...base,
      ok: false,
      operation: "preview",
      errors: ["urn:x: boom"],
      changes: { create: 1, update: 1, delete: 1, replace: 1, same: 3 },
      steps: [
        { urn: "u1", name: "org", type: "t:Org", op: "create" },
        {
          urn: "u2",
          name: "meta",
          type: "t:Meta",
          op: "update",
          diff: objectDiff(
            { publicMetadata: { plan: "pro", key: wireSecret("a") } },
            { publicMetadata: { plan: "team", key: wireSecret("b") } },
          ),
        },
        { urn: "u3", name: "old", type: "t:Meta", op: "delete" },
        { urn: "u4", name: "renamed", type: "t:Org", op: "replace", replaces: ["slug"] },
        { urn: "u5", name: "same", type: "t:Org", op: "same" },
      ],
    });
    assert.match(text, /^ {2}\+ {2}t:Org org create$/m);
    assert.match(text, /^ {2}~ {2}t:Meta meta update$/m);
    assert.match(
      text,
      /~ publicMetadata: \{\n\s+~ key: \[secret\] => \[secret\]\n\s+~ plan: "pro" => "team"\n\s+\}/,
    );
    assert.match(text, /^ {2}- {2}t:Meta old delete$/m);
    assert.match(text, /^ {2}\+- t:Org renamed replace \[diff: slug\]$/m);
    assert.doesNotMatch(text, / same same/);
    assert.match(
      text,
      /Resources: \+ 1 to create, ~ 1 to update, - 1 to delete, \+- 1 to replace, 4 changes\. 3 unchanged/,
    );
    assert.match(text, /Errors:\n {2}urn:x: boom/);
  });

  it("words the summary in the past tense after an update: `Resources: ~ 2 updated, 3 unchanged`", () => {
    const text = formatResult({
      ...base,
      ok: true,
      errors: [],
      operation: "update",
      steps: [],
      changes: { update: 2, same: 3 },
    });
    assert.match(text, /Resources: ~ 2 updated, 3 unchanged/);
  });
});
