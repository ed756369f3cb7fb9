import assert from "node:assert/strict";
import type { FieldPaths, WritePlan } from "../../../provider/core/plan";
import { runGuarded } from "../../../provider/hooks/writeLedger";

let entityCounter = 0;
const freshEntity = () => `test|user|user_ledger${++entityCounter}`;

/** A plan that sets `sets` and removes `removes`, minus what `keep` protects. */
function planner(sets: FieldPaths, removes: FieldPaths, seen: FieldPaths[]): (keep: FieldPaths) => WritePlan {
  return (keep) => {
    seen.push(keep);
    const kept = (keep.publicMetadata ?? []).map((p) => JSON.stringify(p));
    const left = (removes.publicMetadata ?? []).filter((p) => !kept.includes(JSON.stringify(p)));
    return { request: { action: "nothing" }, sets, removes: { publicMetadata: left } };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("writeLedger", () => {
  describe("runGuarded", () => {
    it("hands a writer the leaves other writers hold, never its own", async () => {
      const entity = freshEntity();
      const seen: FieldPaths[] = [];
      await runGuarded(
        entity,
        "new",
        planner({ publicMetadata: [["plan"]] }, {}, seen),
        async () => undefined,
      );
      await runGuarded(
        entity,
        "old",
        planner({}, { publicMetadata: [["plan"]] }, seen),
        async () => undefined,
      );
      await runGuarded(
        entity,
        "new",
        planner({}, { publicMetadata: [["plan"]] }, seen),
        async () => undefined,
      );
      assert.deepEqual(seen, [{}, { publicMetadata: [["plan"]] }, {}]);
    });

    it("makes a write wait for a removal in flight of the same leaf, so the set lands last", async () => {
      const entity = freshEntity();
      const order: string[] = [];
      const removal = runGuarded(
        entity,
        "giver",
        planner({}, { publicMetadata: [["seat"]] }, []),
        async () => {
          await sleep(50);
          order.push("null landed");
        },
      );
      const write = runGuarded(entity, "taker", planner({ publicMetadata: [["seat"]] }, {}, []), async () => {
        order.push("set sent");
      });
      await Promise.all([removal, write]);
      assert.deepEqual(order, ["null landed", "set sent"]);
    });

    it("does not hold back a write of other leaves while a removal is in flight", async () => {
      const entity = freshEntity();
      const order: string[] = [];
      const removal = runGuarded(entity, "a", planner({}, { publicMetadata: [["seat"]] }, []), async () => {
        await sleep(50);
        order.push("null landed");
      });
      const write = runGuarded(entity, "b", planner({ publicMetadata: [["team"]] }, {}, []), async () => {
        order.push("set sent");
      });
      await Promise.all([removal, write]);
      assert.deepEqual(order, ["set sent", "null landed"]);
    });

    it("forgets what a writer set when Clerk refused the write (4xx), and keeps it when the write may have landed", async () => {
      const refused = Object.assign(new Error("refused"), { status: 422 });
      const unknown = Object.assign(new Error("timeout"), { status: undefined });
      for (const [error, held] of [
        [refused, {}],
        [unknown, { publicMetadata: [["plan"]] }],
      ] as const) {
        const entity = freshEntity();
        await assert.rejects(
          runGuarded(entity, "w", planner({ publicMetadata: [["plan"]] }, {}, []), async () => {
            throw error;
          }),
        );
        const seen: FieldPaths[] = [];
        await runGuarded(entity, "other", planner({}, {}, seen), async () => undefined);
        assert.deepEqual(seen, [held]);
      }
    });
  });
});
