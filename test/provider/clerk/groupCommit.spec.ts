/**
 * The grouping of reads (provider/clerk/readBatcher.ts): group commit, against a stub list reader
 * whose answers the test releases, so what is asserted holds on any machine.
 */
import assert from "node:assert/strict";
import { maxIdsPerList, readBatched, type ListReader } from "../../../provider/clerk/readBatcher";
import { resolveSettings } from "../../../provider/clerk/settings";
import { isNotFound } from "../../../provider/core/errors";
import { kinds, type EntityIds } from "../../../provider/core/kinds";

/** A list reader that records each request and answers when the test says so. */
function stubReader() {
  const lists: { keys: string[]; answer: (entries: unknown[] | "garbage") => void }[] = [];
  const singles: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reader: ListReader = {
    spec: kinds.organization,
    groupOf: () => "",
    keyOf: (ids) => ids.organizationId!,
    idsOf: (_group, key) => ({ organizationId: key }),
    singleReadsUpTo: 1,
    list: (_settings, _client, _group, keys) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) =>
        lists.push({
          keys,
          answer: (entries) => {
            inFlight--;
            resolve(entries === "garbage" ? "garbage" : { data: entries, totalCount: entries.length });
          },
        }),
      );
    },
    entriesOf: (answer) => {
      if (typeof answer !== "object" || answer === null) throw new Error("expected a list");
      const list = answer as { data: unknown[]; totalCount: unknown };
      return { entries: list.data, totalCount: list.totalCount };
    },
    placeOf: (entity) => ({ group: "", key: (entity as { id: string }).id }),
    readOne: async (_settings, ids) => {
      singles.push(ids.organizationId!);
      return { publicMetadata: { id: ids.organizationId! }, privateMetadata: {} };
    },
  };
  /** Answers every pending list with each asked-for entity (private metadata included). */
  const answerAll = () => {
    for (const list of lists.splice(0)) {
      list.answer(
        list.keys.map((id) => ({
          id,
          raw: { public_metadata: {}, private_metadata: {} },
          publicMetadata: { id },
          privateMetadata: { secret: `s-${id}` },
        })),
      );
    }
  };
  return { reader, lists, singles, answerAll, maxInFlight: () => maxInFlight };
}

const settings = resolveSettings(
  { secretKey: "sk_test_groupcommit", apiUrl: "http://127.0.0.1:9", rateLimit: "off" },
  {},
);
const ids = (n: number): EntityIds => ({ organizationId: `org_${String(n).padStart(4, "0")}` });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("readBatcher: group commit", () => {
  it("sends a lone read in the same turn of the event loop, as its own GET", async () => {
    const stub = stubReader();
    const read = readBatched(stub.reader, settings, ids(1), "read");
    await turn();
    assert.deepEqual(stub.singles, ["org_0001"]);
    assert.deepEqual(await read, { publicMetadata: { id: "org_0001" }, privateMetadata: {} });
    assert.equal(stub.lists.length, 0);
  });

  it("sends a burst in lists of at most 100 ids, one list in flight at a time", async () => {
    const stub = stubReader();
    const reads = Array.from({ length: 250 }, (_, i) => readBatched(stub.reader, settings, ids(i), "read"));
    const sizes: number[] = [];
    while (sizes.reduce((a, b) => a + b, 0) < 250) {
      await turn();
      assert.equal(stub.lists.length, 1, "exactly one list in flight");
      sizes.push(stub.lists[0]!.keys.length);
      stub.answerAll();
    }
    assert.deepEqual(sizes, [maxIdsPerList, maxIdsPerList, 50]);
    const answers = await Promise.all(reads);
    answers.forEach((answer, i) =>
      assert.deepEqual(answer.privateMetadata, { secret: `s-${ids(i).organizationId}` }),
    );
    assert.equal(stub.maxInFlight(), 1);
  });

  it("groups reads that arrive while a list is in flight into the next one: a streaming pool of P costs about N / P lists", async () => {
    for (const parallel of [8, 16, 64]) {
      const stub = stubReader();
      const total = 176;
      let next = 0;
      let done = 0;
      // The engine's step executor: P workers, each starting its next read when one finishes.
      const worker = async () => {
        while (next < total) {
          const n = next++;
          const answer = await readBatched(stub.reader, settings, ids(n), "read");
          assert.deepEqual(answer.publicMetadata, { id: ids(n).organizationId });
          done++;
        }
      };
      const workers = Array.from({ length: parallel }, worker);
      // Clerk answers each list a few turns later, as a real request would.
      while (done < total) {
        await turn();
        await turn();
        stub.answerAll();
      }
      await Promise.all(workers);
      const floor = Math.ceil(total / Math.min(parallel, maxIdsPerList));
      assert.ok(
        stub.lists.length + stub.singles.length <= floor + 1,
        `P ${parallel}: ${stub.lists.length} lists, floor ${floor}`,
      );
      assert.equal(stub.maxInFlight(), 1);
    }
  });

  it("fails only the reads of a list that failed; a read that arrived meanwhile goes in the next request and gets its own entity", async () => {
    const stub = stubReader();
    const first = [
      readBatched(stub.reader, settings, ids(1), "read"),
      readBatched(stub.reader, settings, ids(2), "read"),
    ];
    await turn();
    assert.deepEqual(stub.lists[0]!.keys, ["org_0001", "org_0002"]);
    const late = [
      readBatched(stub.reader, settings, ids(3), "read"),
      readBatched(stub.reader, settings, ids(4), "read"),
    ];
    await turn();
    assert.equal(stub.lists.length, 1, "the late reads wait for the list in flight");
    stub.lists.shift()!.answer("garbage");
    for (const [i, read] of first.entries()) {
      await assert.rejects(read, (error: Error) => {
        assert.match(error.message, new RegExp(`org_000${i + 1}`));
        assert.equal(isNotFound(error), false);
        return true;
      });
    }
    await turn();
    assert.deepEqual(stub.lists[0]!.keys, ["org_0003", "org_0004"]);
    stub.answerAll();
    assert.deepEqual((await late[0]!).privateMetadata, { secret: "s-org_0003" });
    assert.deepEqual((await late[1]!).privateMetadata, { secret: "s-org_0004" });
  });
});
