import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as rules from "../../driver/rules";
import type { Registration } from "../../driver/types";
import { annotateSecrets, wireSecret } from "../../driver/values";
import { Recorded } from "./fixtures/recorder";
import { Harness } from "./fixtures/harness";

/*
 * One conformance test (or a few) per engine rule, on the tests' own recording provider, so that each rule is
 * pinned independently of the Clerk provider. The rule table in driver/README.md points here.
 */
describe("driver conformance with Pulumi's engine (v3.248.0)", () => {
  const h = new Harness();
  before(() => h.start());
  after(() => h.stop());
  beforeEach(() => h.clearCalls());

  describe("1. import", () => {
    it("sends Read the id alone, and an answer without outputs means the resource does not exist", () => {
      assert.deepEqual(rules.importRead("ext-1"), { id: "ext-1", properties: {}, inputs: {} });
      assert.deepEqual(rules.importOutcome("x", "pulumi-nodejs", { id: "" }), {
        error: "resource 'x' does not exist",
      });
      assert.match(
        (rules.importOutcome("x", "p", { id: "x", properties: {} }) as { error: string }).error,
        /does not support importing/,
      );
    });

    it("is an import only when there is no old state with that id", () => {
      const reg: Registration = {
        urn: "urn:pulumi:stack::project::Recorded::a",
        type: "Recorded",
        name: "a",
        custom: true,
        parent: "",
        inputs: {},
        secretInputs: [],
        dependencies: [],
        options: { import: "a" },
      };
      assert.equal(rules.isImport(reg, undefined), true);
      assert.equal(rules.isImport(reg, { id: "a" }), false);
      assert.equal(rules.isImport(reg, { id: "b" }), true);
    });
  });

  describe("2. diff display", () => {
    it("shows an update as old inputs against new inputs: an output-only value never appears", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("d", { key: "d", value: 1 }), { skipPreview: true });
      const preview = await stack.preview(() => void new Recorded("d", { key: "d", value: 2 }));
      assert.deepEqual(preview.steps[0]?.changedPaths, [{ path: "value", old: 1, new: 2 }]);
      assert.equal(JSON.stringify(preview.steps[0]?.diff).includes("serial"), false);
    });
  });

  describe("3. refresh", () => {
    it("keeps the old inputs unless Read returns inputs, and replaces the outputs", () => {
      const old = { id: "a", inputs: { v: 1 }, outputs: { v: 1 } };
      assert.deepEqual(rules.refreshedState(old, { id: "a", properties: { v: 2 } }), {
        deleted: false,
        id: "a",
        inputs: { v: 1 },
        outputs: { v: 2 },
      });
      assert.deepEqual(rules.refreshedState(old, { id: "", properties: {} }), { deleted: true });
    });

    it("does not count refresh steps as changes outside `pulumi refresh`", () => {
      const step = { op: "read" as const, refresh: true, refreshResult: "update" as const };
      assert.equal(rules.countsAsChange(step, false), false);
      assert.equal(rules.countsAsChange(step, true), true);
    });

    it("fails `refresh --expect-no-changes` on drift, passes `preview --refresh --expect-no-changes` when only outputs drifted", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("r", { key: "r", value: 1 }), { skipPreview: true });
      const id = stack.state().resources[0]!.id;
      const store = h.store();
      store[id]!.outs.serial = 99; // drift the provider's diff ignores
      h.writeStore(store);
      const preview = await stack.preview(() => void new Recorded("r", { key: "r", value: 1 }), {
        refresh: true,
        expectNoChanges: true,
      });
      assert.equal(preview.ok, true, preview.errors.join("\n"));
      store[id]!.outs.value = 5;
      store[id]!.inputs.value = 5;
      h.writeStore(store);
      const refresh = await stack.refresh({ expectNoChanges: true });
      assert.equal(refresh.ok, false);
      assert.match(refresh.errors.join("\n"), /no changes were expected/);
      assert.equal(refresh.changes.update, 1);
    });

    it("refreshes twice in `up --refresh` without skipPreview (the preview's and the update's)", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("t", { key: "t" }), { skipPreview: true });
      h.clearCalls();
      await stack.up(() => void new Recorded("t", { key: "t" }), { refresh: true });
      assert.equal(h.methods().filter((m) => m === "read").length, 2);
      assert.deepEqual(rules.upPhases(false), ["preview", "update"]);
    });
  });

  describe("4. config", () => {
    it("records the whole config as the default provider's inputs (secrets encrypted) and destroys with it", async () => {
      const secret = "sk_recorded_0123456789";
      const first = h.stack({
        host: undefined,
        hostOptions: { env: h.env },
        config: { "clerk:secretKey": { value: secret, secret: true }, "clerk:instance": "one" },
      });
      await first.up(() => void new Recorded("c", { key: "c" }), { skipPreview: true });
      const raw = fs.readFileSync(first.stateFile, "utf8");
      assert.equal(raw.includes(secret), false);
      assert.deepEqual(first.state().providers?.[0]?.inputs, {
        "clerk:secretKey": secret,
        "clerk:instance": "one",
      });
      h.clearCalls();
      const later = h.stack({
        host: undefined,
        hostOptions: { env: h.env },
        config: { "clerk:secretKey": { value: "sk_other", secret: true }, "clerk:instance": "two" },
      });
      fs.copyFileSync(first.stateFile, later.stateFile);
      const destroyed = await later.destroy();
      assert.equal(destroyed.ok, true, destroyed.errors.join("\n"));
      const configure = h.calls().find((c) => c.method === "configure");
      assert.equal(configure?.secretKey, secret);
      assert.equal(configure?.instance, "one");
    });

    it("marks secret config keys secret for the program", async () => {
      const stack = h.stack({
        config: { "clerk:secretKey": { value: "s", secret: true }, "clerk:instance": "i" },
      });
      const result = await stack.preview(() => ({
        secret: (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(
          "clerk:secretKey",
        ),
        plain: (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(
          "clerk:instance",
        ),
      }));
      assert.deepEqual(result.outputs, { secret: true, plain: false });
    });
  });

  describe("5. program errors", () => {
    it("does not fail a run on pulumi.log.error, but keeps it in diagnostics", async () => {
      const stack = h.stack();
      const result = await stack.up(
        () => {
          void pulumi.log.error("declared twice");
          new Recorded("l", { key: "l" });
        },
        { skipPreview: true },
      );
      assert.equal(result.ok, true, result.errors.join("\n"));
      assert.deepEqual(
        result.diagnostics.map((d) => [d.severity, d.message]),
        [["error", "declared twice"]],
      );
      assert.equal(rules.programFailed({ loggedErrors: ["x"] }), false);
      assert.equal(rules.programFailed({ error: "boom", loggedErrors: [] }), true);
    });
  });

  describe("6. ignoreChanges", () => {
    it("puts the old input back at each ignored path (deleting it when old had none)", () => {
      const { inputs } = rules.applyIgnoreChanges(
        { a: { b: 2, c: 3 }, d: 1, list: [1, 2] },
        { a: { b: 1 }, list: [9, 9] },
        ["a.b", "a.c", "d", "list[1]"],
      );
      assert.deepEqual(inputs, { a: { b: 1 }, list: [1, 9] });
    });

    it("makes a change at an ignored path a same step", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("i", { key: "i", value: 1 }), { skipPreview: true });
      const result = await stack.up(
        () => void new Recorded("i", { key: "i", value: 2 }, { ignoreChanges: ["value"] }),
        { skipPreview: true },
      );
      assert.deepEqual(
        result.steps.map((s) => s.op),
        ["same"],
      );
      assert.equal(
        h
          .calls()
          .filter((c) => c.method === "check")
          .at(-1)?.news?.value,
        1,
      );
    });
  });

  describe("7. aliases and renames", () => {
    it("renames without an alias as a create and, after it, a delete of the old resource", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("old", { key: "k" }), { skipPreview: true });
      const result = await stack.up(() => void new Recorded("new", { key: "k" }), { skipPreview: true });
      assert.deepEqual(
        result.steps.map((s) => [s.name, s.op]),
        [
          ["new", "create"],
          ["old", "delete"],
        ],
      );
    });

    it("keeps the same resource when the new name carries an alias to the old one", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("before", { key: "k" }), { skipPreview: true });
      const id = stack.state().resources[0]!.id;
      const result = await stack.up(
        () => void new Recorded("after", { key: "k" }, { aliases: [{ name: "before" }] }),
        {
          skipPreview: true,
        },
      );
      assert.equal(result.ok, true, result.errors.join("\n"));
      assert.deepEqual(
        result.steps.map((s) => [s.name, s.op]),
        [["after", "same"]],
      );
      assert.deepEqual(
        stack.state().resources.map((r) => [r.name, r.id]),
        [["after", id]],
      );
    });
  });

  describe("8. protect, deleteBeforeReplace, retainOnDelete", () => {
    it("refuses to delete a protected resource and keeps it in state", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("p", { key: "p" }, { protect: true }), { skipPreview: true });
      const result = await stack.destroy();
      assert.equal(result.ok, false);
      assert.match(result.errors.join("\n"), /cannot be deleted\nbecause it is protected/);
      assert.equal(stack.state().resources.length, 1);
    });

    it("lets an explicit deleteBeforeReplace: false override the provider's request", async () => {
      assert.equal(rules.deleteBeforeReplace(true, false), false);
      assert.equal(rules.deleteBeforeReplace(false, true), true);
      assert.equal(rules.deleteBeforeReplace(true, undefined), true);
      const stack = h.stack();
      await stack.up(
        () => void new Recorded("x", { key: "one", dbr: true }, { deleteBeforeReplace: false }),
        {
          skipPreview: true,
        },
      );
      h.clearCalls();
      await stack.up(
        () => void new Recorded("x", { key: "two", dbr: true }, { deleteBeforeReplace: false }),
        {
          skipPreview: true,
        },
      );
      assert.deepEqual(h.methods(), ["check", "diff", "check", "create", "create:end", "delete"]);
    });

    it("drops a retainOnDelete resource without calling Delete", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("k", { key: "k" }, { retainOnDelete: true }), {
        skipPreview: true,
      });
      h.clearCalls();
      await stack.destroy();
      assert.deepEqual(h.methods(), []);
      assert.equal(stack.state().resources.length, 0);
    });
  });

  describe("9. parallelism", () => {
    it("defaults to PULUMI_PARALLEL, else 4 × the CPU count; Check and Diff run one at a time", () => {
      assert.equal(rules.defaultParallel({ PULUMI_PARALLEL: "7" }), 7);
      assert.ok(rules.defaultParallel({}) >= 4);
      assert.equal(rules.generatorConcurrency(false, 16), 1);
      assert.equal(rules.generatorConcurrency(true, 16), 16);
    });
  });

  describe("10. secrets", () => {
    it("re-marks provider answers secret by property name at any depth", () => {
      const outs = annotateSecrets(
        { a: { b: "x", c: "y" }, list: [1] },
        { a: { b: wireSecret("x") }, list: [wireSecret(1)] },
      );
      assert.deepEqual(outs, { a: { b: wireSecret("x"), c: "y" }, list: wireSecret([1]) });
    });

    it("applies additionalSecretOutputs to outputs only", () => {
      assert.deepEqual(rules.markSecretOutputs({ t: "v", u: 1 }, {}, ["t"]), { t: wireSecret("v"), u: 1 });
    });
  });

  describe("11. failures", () => {
    it("stores nothing for a failed create, keeps the old state for a failed update, and runs no deletes", () => {
      assert.equal(rules.stateAfterFailure("create"), "nothing");
      assert.equal(rules.stateAfterFailure("update"), "old");
      assert.equal(rules.runsAfterFailure("in-flight"), true);
      assert.equal(rules.runsAfterFailure("new-step"), false);
      assert.equal(rules.runsAfterFailure("deletes"), false);
    });

    it("does not delete removed resources when a step failed", async () => {
      const stack = h.stack();
      await stack.up(() => void new Recorded("gone", { key: "g" }), { skipPreview: true });
      const result = await stack.up(() => void new Recorded("bad", { key: "b", failCreate: true }), {
        skipPreview: true,
      });
      assert.equal(result.ok, false);
      assert.deepEqual(
        stack.state().resources.map((r) => r.name),
        ["gone"],
      );
    });
  });
});
