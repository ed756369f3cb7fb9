import * as assert from "node:assert/strict";
import * as fs from "fs";
import { Recorded } from "./fixtures/recorder";
import { Harness } from "./fixtures/harness";

describe("driver engine lifecycle", () => {
  const h = new Harness();
  before(() => h.start());
  after(() => h.stop());
  beforeEach(() => h.clearCalls());

  it("preview calls only Check and writes no state", async () => {
    const stack = h.stack();
    const result = await stack.preview(() => {
      new Recorded("a", { key: "a", value: 1 });
    });
    assert.equal(result.ok, true, result.errors.join("\n"));
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.op]),
      [["a", "create"]],
    );
    assert.deepEqual(h.methods(), ["configure", "check"]);
    assert.equal(fs.existsSync(stack.stateFile), false);
    assert.deepEqual(h.store(), {});
  });

  it("up creates, and a second up with nothing changed makes no Create or Update", async () => {
    const stack = h.stack();
    const program = () => {
      new Recorded("a", { key: "a", value: 1 });
    };
    const first = await stack.up(program);
    assert.equal(first.ok, true, first.errors.join("\n"));
    assert.deepEqual(
      first.steps.map((s) => s.op),
      ["create"],
    );
    assert.equal(stack.state().resources.length, 1);
    h.clearCalls();
    const second = await stack.up(program);
    assert.deepEqual(
      second.steps.map((s) => s.op),
      ["same"],
    );
    assert.deepEqual(h.methods(), ["check", "diff"]);
  });
});
