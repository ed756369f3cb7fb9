import * as assert from "node:assert/strict";
import { unknownValue } from "../../driver/values";
import { Recorded } from "./fixtures/recorder";
import { Harness, type HookCall } from "./fixtures/harness";

function maxConcurrentCreates(calls: HookCall[]): number {
  let current = 0;
  let max = 0;
  for (const c of calls) {
    if (c.method !== "create") continue;
    current += c.phase === "start" ? 1 : -1;
    max = Math.max(max, current);
  }
  return max;
}

describe("driver engine scheduling and failures", () => {
  const h = new Harness();
  before(() => h.start());
  after(() => h.stop());
  beforeEach(() => h.clearCalls());

  it("sends unknownValue to Check and Diff in preview for inputs that depend on unknown outputs", async () => {
    const stack = h.stack();
    const program = (key: string) => () => {
      const a = new Recorded("a", { key });
      new Recorded("b", { key: "b", value: a.id });
    };
    const fresh = await stack.preview(program("a"));
    assert.equal(fresh.ok, true, fresh.errors.join("\n"));
    const check = h.calls().find((c) => c.method === "check" && c.news?.key === "b");
    assert.equal(check?.news?.value, unknownValue);

    await stack.up(program("a"));
    h.clearCalls();
    const replacing = await stack.preview(program("a2"));
    assert.deepEqual(
      replacing.steps.map((s) => [s.name, s.op]),
      [
        ["a", "replace"],
        ["b", "update"],
      ],
    );
    const diff = h.calls().find((c) => c.method === "diff" && c.news?.key === "b");
    assert.equal(diff?.news?.value, unknownValue);
  });

  it("runs independent resources concurrently, never more than `parallel` at once", async () => {
    const program = () => {
      for (let i = 0; i < 6; i++) new Recorded(`r${i}`, { key: `r${i}`, delayMs: 150 });
    };
    const limited = h.stack({ parallel: 2 });
    await limited.up(program);
    assert.equal(maxConcurrentCreates(h.calls()), 2);
    h.clearCalls();
    const wide = h.stack();
    await wide.up(program);
    assert.equal(maxConcurrentCreates(h.calls()), 6);
  });

  it("reports a failing Create, keeps it out of state, saves the others, and a second up completes", async () => {
    const stack = h.stack();
    const program = (fail: boolean) => () => {
      new Recorded("ok", { key: "ok" });
      new Recorded("bad", { key: "bad", failCreate: fail, delayMs: 50 });
    };
    const first = await stack.up(program(true));
    assert.equal(first.ok, false);
    assert.match(first.errors.join("\n"), /bad.*create refused for bad/);
    assert.equal(first.steps.find((s) => s.name === "bad")?.error, "create refused for bad");
    assert.deepEqual(
      stack.state().resources.map((r) => r.name),
      ["ok"],
    );
    const second = await stack.up(program(false));
    assert.equal(second.ok, true, second.errors.join("\n"));
    assert.deepEqual(
      second.steps.map((s) => [s.name, s.op]),
      [
        ["ok", "same"],
        ["bad", "create"],
      ],
    );
    assert.deepEqual(
      stack
        .state()
        .resources.map((r) => r.name)
        .sort(),
      ["bad", "ok"],
    );
  });

  it("aborts a resource whose Check fails with each failure as `property: reason`", async () => {
    const stack = h.stack();
    const result = await stack.up(() => {
      new Recorded("x", { key: "x", invalid: "must be valid" });
    });
    assert.equal(result.ok, false);
    assert.match(result.steps[0]?.error ?? "", /check failed: invalid: must be valid/);
    assert.equal(
      h.calls().some((c) => c.method === "create"),
      false,
    );
  });

  it("reports a program that throws and deletes nothing", async () => {
    const stack = h.stack();
    await stack.up(() => {
      new Recorded("survivor", { key: "s" });
    });
    const result = await stack.up(() => {
      throw new Error("program exploded");
    });
    assert.equal(result.ok, false);
    assert.match(result.errors.join("\n"), /program exploded/);
    assert.equal(stack.state().resources.length, 1);
  });

  it("returns the program's stack exports", async () => {
    const stack = h.stack();
    const result = await stack.up(() => {
      const r = new Recorded("e", { key: "e" });
      return { id: r.id, key: r.key };
    });
    assert.equal(result.outputs?.key, "e");
    assert.equal(result.outputs?.id, stack.state().resources[0]?.id);
  });
});
