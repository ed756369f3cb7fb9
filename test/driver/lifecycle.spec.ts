import * as assert from "node:assert/strict";
import * as fs from "fs";
import { Recorded } from "./fixtures/recorder";
import { Harness } from "./fixtures/harness";

describe("driver engine lifecycle", () => {
  const h = new Harness();
  before(() => h.start());
  after(() => h.stop());
  beforeEach(() => h.clearCalls());

  it("preview calls only Check and Diff and writes no state", async () => {
    const stack = h.stack();
    const preview = await stack.preview(() => {
      new Recorded("a", { key: "a", value: 1 });
    });
    assert.equal(preview.ok, true, preview.errors.join("\n"));
    assert.deepEqual(
      preview.steps.map((s) => [s.name, s.op]),
      [["a", "create"]],
    );
    assert.deepEqual(h.methods(), ["configure", "check"]);
    assert.equal(fs.existsSync(stack.stateFile), false);
    assert.deepEqual(h.store(), {});

    await stack.up(() => {
      new Recorded("a", { key: "a", value: 1 });
      new Recorded("gone", { key: "gone" });
    });
    const before = fs.readFileSync(stack.stateFile, "utf8");
    const storeBefore = h.store();
    h.clearCalls();
    const changes = await stack.preview(() => {
      new Recorded("a", { key: "a2", value: 2 });
    });
    assert.deepEqual(
      changes.steps.map((s) => [s.name, s.op]),
      [
        ["a", "replace"],
        ["gone", "delete"],
      ],
    );
    assert.deepEqual(h.methods(), ["check", "diff", "check"]);
    assert.equal(fs.readFileSync(stack.stateFile, "utf8"), before);
    assert.deepEqual(h.store(), storeBefore);
  });

  it("up creates, and a second up with nothing changed makes no Create or Update", async () => {
    const stack = h.stack();
    const program = () => {
      new Recorded("a", { key: "a", value: 1 });
    };
    const first = await stack.up(program, { skipPreview: true });
    assert.equal(first.ok, true, first.errors.join("\n"));
    assert.deepEqual(
      first.steps.map((s) => s.op),
      ["create"],
    );
    assert.deepEqual(h.methods(), ["check", "create", "create:end"]);
    const [res] = stack.state().resources;
    assert.equal(res?.type, "pulumi-nodejs:dynamic/test:Recorded");
    assert.equal(res?.urn, "urn:pulumi:stack::project::pulumi-nodejs:dynamic/test:Recorded::a");
    assert.equal(res?.outputs.serial, h.store()[res!.id]?.outs.serial);
    assert.equal(typeof res?.inputs.__provider, "string");
    h.clearCalls();
    const second = await stack.up(program, { skipPreview: true });
    assert.deepEqual(
      second.steps.map((s) => s.op),
      ["same"],
    );
    assert.deepEqual(h.methods(), ["check", "diff"]);
  });

  it("updates a changed input with olds = old outputs and news = checked inputs", async () => {
    const stack = h.stack();
    await stack.up(() => {
      new Recorded("a", { key: "a", value: { limits: { seats: 10 }, tags: ["x", "y"] } });
    });
    const { id, outputs } = stack.state().resources[0]!;
    h.clearCalls();
    const result = await stack.up(() => {
      new Recorded("a", { key: "a", value: { limits: { seats: 25 }, tags: ["x", "z"] } });
    });
    assert.deepEqual(
      result.steps.map((s) => s.op),
      ["update"],
    );
    assert.deepEqual(result.steps[0]?.changedPaths, [
      { path: "value.limits.seats", old: 10, new: 25 },
      { path: "value.tags[1]", old: "y", new: "z" },
    ]);
    const update = h.calls().find((c) => c.method === "update");
    assert.equal(update?.id, id);
    assert.deepEqual(update?.olds, {
      key: "a",
      value: { limits: { seats: 10 }, tags: ["x", "y"] },
      serial: outputs.serial,
    });
    assert.deepEqual(update?.news, { key: "a", value: { limits: { seats: 25 }, tags: ["x", "z"] } });
    assert.deepEqual(stack.state().resources[0]?.outputs.value, { limits: { seats: 25 }, tags: ["x", "z"] });
    assert.equal(stack.state().resources[0]?.id, id);
  });

  it("replaces on a changed replace trigger by creating the new resource before deleting the old", async () => {
    const stack = h.stack();
    await stack.up(() => {
      new Recorded("a", { key: "one" });
    });
    const oldId = stack.state().resources[0]?.id;
    h.clearCalls();
    const result = await stack.up(
      () => {
        new Recorded("a", { key: "two" });
      },
      { skipPreview: true },
    );
    assert.equal(result.ok, true, result.errors.join("\n"));
    assert.deepEqual(
      result.steps.map((s) => [s.op, s.replaces]),
      [["replace", ["key"]]],
    );
    assert.deepEqual(h.methods(), ["check", "diff", "check", "create", "create:end", "delete"]);
    assert.equal(h.calls().at(-1)?.id, oldId);
    const state = stack.state().resources;
    assert.equal(state.length, 1);
    assert.notEqual(state[0]?.id, oldId);
    assert.equal(state[0]?.inputs.key, "two");
  });

  it("replaces delete-before-replace when the option or the provider asks for it", async () => {
    for (const [name, opts, args] of [
      ["opt", { deleteBeforeReplace: true }, {}],
      ["prov", {}, { dbr: true }],
    ] as const) {
      const stack = h.stack();
      await stack.up(() => {
        new Recorded(name, { key: "one", ...args }, opts);
      });
      h.clearCalls();
      const result = await stack.up(
        () => {
          new Recorded(name, { key: "two", ...args }, opts);
        },
        { skipPreview: true },
      );
      assert.equal(result.steps[0]?.deleteBeforeReplace, true, name);
      assert.deepEqual(h.methods(), ["check", "diff", "check", "delete", "create", "create:end"], name);
      assert.equal(stack.state().resources.length, 1);
    }
  });

  it("deletes a resource the program no longer registers, dependents first", async () => {
    const stack = h.stack();
    await stack.up(() => {
      const parent = new Recorded("parent", { key: "p" });
      new Recorded("child", { key: "c", value: parent.id });
      new Recorded("kept", { key: "k" });
    });
    h.clearCalls();
    const result = await stack.up(() => {
      new Recorded("kept", { key: "k" });
    });
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.op]),
      [
        ["kept", "same"],
        ["child", "delete"],
        ["parent", "delete"],
      ],
    );
    assert.deepEqual(
      stack.state().resources.map((r) => r.name),
      ["kept"],
    );
    assert.equal(Object.keys(h.store()).filter((id) => id.startsWith("c-") || id.startsWith("p-")).length, 0);
  });

  it("drops a retainOnDelete resource from state without calling Delete", async () => {
    const stack = h.stack();
    await stack.up(() => {
      new Recorded("kept-in-cloud", { key: "r" }, { retainOnDelete: true });
    });
    h.clearCalls();
    const result = await stack.up(() => undefined);
    assert.deepEqual(
      result.steps.map((s) => s.op),
      ["drop"],
    );
    assert.equal(
      h.calls().some((c) => c.method === "delete"),
      false,
    );
    assert.equal(stack.state().resources.length, 0);
  });

  it("refresh drops a resource whose Read answers an empty id and stores inputs Read returns", async () => {
    const stack = h.stack();
    await stack.up(() => {
      new Recorded("vanishes", { key: "v" });
      new Recorded("drifts", { key: "d", value: 1 });
    });
    const [vanishes, drifts] = stack.state().resources;
    const store = h.store();
    delete store[vanishes!.id];
    store[drifts!.id] = { inputs: { key: "d", value: 2 }, outs: { key: "d", value: 2, serial: 9 } };
    h.writeStore(store);
    h.clearCalls();
    const result = await stack.refresh();
    assert.equal(result.ok, true, result.errors.join("\n"));
    assert.deepEqual(result.steps.map((s) => [s.name, s.op]).sort(), [
      ["drifts", "read"],
      ["vanishes", "drop"],
    ]);
    delete drifts!.outputs.__provider;
    const read = h.calls().find((c) => c.method === "read" && c.id === drifts!.id);
    assert.deepEqual(read?.props, drifts!.outputs);
    const state = stack.state().resources;
    assert.deepEqual(
      state.map((r) => r.name),
      ["drifts"],
    );
    assert.equal(state[0]?.inputs.value, 2);
    assert.equal(typeof state[0]?.inputs.__provider, "string");
    assert.equal(state[0]?.outputs.serial, 9);
  });

  it("preview --refresh reads but persists nothing, and up --refresh plans against the refreshed state", async () => {
    const stack = h.stack();
    const program = () => {
      new Recorded("a", { key: "a", value: 1 });
    };
    await stack.up(program);
    const id = stack.state().resources[0]!.id;
    h.writeStore({ [id]: { inputs: { key: "a", value: 5 }, outs: { key: "a", value: 5, serial: 1 } } });
    const before = fs.readFileSync(stack.stateFile, "utf8");
    const preview = await stack.preview(program, { refresh: true });
    assert.deepEqual(
      preview.steps.map((s) => s.op),
      ["read", "update"],
    );
    assert.deepEqual(preview.steps[1]?.changedPaths, [{ path: "value", old: 5, new: 1 }]);
    assert.equal(fs.readFileSync(stack.stateFile, "utf8"), before);
    const up = await stack.up(program, { refresh: true });
    assert.deepEqual(
      up.steps.map((s) => s.op),
      ["read", "update"],
    );
    assert.equal(h.store()[id]?.outs.value, 1);
  });

  it("destroy deletes every resource in reverse dependency order", async () => {
    const stack = h.stack();
    await stack.up(() => {
      const a = new Recorded("a", { key: "a" });
      const b = new Recorded("b", { key: "b", value: a.id });
      new Recorded("c", { key: "c", value: b.id });
    });
    h.clearCalls();
    const result = await stack.destroy();
    assert.equal(result.ok, true, result.errors.join("\n"));
    assert.deepEqual(
      result.steps.map((s) => s.name),
      ["c", "b", "a"],
    );
    assert.deepEqual(h.methods(), ["delete", "delete", "delete"]);
    assert.equal(stack.state().resources.length, 0);
  });

  it("fails an import in the dynamic-provider host: Read gets the id alone, no Check or Diff first", async () => {
    const stack = h.stack();
    h.writeStore({ "ext-1": { inputs: { key: "ext" }, outs: { key: "ext", serial: 7 } } });
    h.clearCalls();
    const result = await stack.up(
      () => {
        new Recorded("adopted", { key: "ext" }, { import: "ext-1" });
      },
      { skipPreview: true },
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.steps.map((s) => [s.op, Boolean(s.error)]),
      [["import", true]],
    );
    // The host fails before the provider runs: no `__provider` in the empty properties (pulumi/pulumi#3550).
    assert.deepEqual(h.methods(), []);
    assert.deepEqual(stack.state().resources, []);
  });
});
