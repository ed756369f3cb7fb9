/**
 * The grouping of reads (provider/clerk/readBatcher.ts): group commit, against a stub list reader
 * whose answers the test releases, so what is asserted holds on any machine.
 */
import assert from "node:assert/strict";
import { mock } from "node:test";
import {
  catchUpQuietMs,
  gatherQuietMs,
  maxIdsPerList,
  readBatched,
  type ListReader,
} from "../../../provider/clerk/readBatcher";
import { resolveSettings } from "../../../provider/clerk/settings";
import { isNotFound } from "../../../provider/core/errors";
import { kinds, type EntityIds } from "../../../provider/core/kinds";

/**
 * A list reader that records each request and answers lists when the test says so; with
 * `gatedSingles`, single reads too (else they answer at once).
 */
function stubReader({ gatedSingles = false } = {}) {
  const lists: { keys: string[]; answer: (entries: unknown[] | "garbage") => void }[] = [];
  const singles: string[] = [];
  const pendingSingles: (() => void)[] = [];
  /** The size of every list request sent, answered or not. */
  const sent: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reader: ListReader = {
    spec: kinds.organization,
    groupOf: () => "",
    keyOf: (ids) => ids.organizationId!,
    idsOf: (_group, key) => ({ organizationId: key }),
    singleReadsUpTo: 1,
    list: (_settings, _client, _group, keys) => {
      sent.push(keys.length);
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
      if (gatedSingles) await new Promise<void>((resolve) => pendingSingles.push(resolve));
      return { publicMetadata: { id: ids.organizationId! }, privateMetadata: {} };
    },
  };
  /** Answers every pending list with each asked-for entity (private metadata included). */
  const answerAll = () => {
    for (const answer of pendingSingles.splice(0)) answer();
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
  return { reader, lists, sent, singles, answerAll, maxInFlight: () => maxInFlight };
}

let instance = 0;
/**
 * Settings of an instance of its own: lanes are per instance, so a test never meets the lanes
 * (and catch-ups) an earlier test left behind.
 */
function freshSettings() {
  instance++;
  return resolveSettings(
    { secretKey: `sk_test_groupcommit${instance}`, apiUrl: "http://127.0.0.1:9", rateLimit: "off" },
    {},
  );
}
let settings = freshSettings();
const ids = (n: number): EntityIds => ({ organizationId: `org_${String(n).padStart(4, "0")}` });
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Waits, a turn of the event loop at a time, until `condition` holds; fails after 2 s. */
async function until(condition: () => boolean): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    assert.ok(performance.now() - started < 2000, "timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe("readBatcher: group commit", () => {
  beforeEach(() => {
    settings = freshSettings();
  });

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
      // The next list goes at once, or after a catch-up when fewer than 100 reads wait.
      await until(() => stub.lists.length > 0);
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
      settings = freshSettings();
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
        stub.sent.length + stub.singles.length <= floor + 1,
        `P ${parallel}: ${stub.sent.length} lists and ${stub.singles.length} single reads, floor ${floor}`,
      );
      assert.equal(stub.maxInFlight(), 1);
    }
  });

  it("lets the reads the engine starts in reply to a request catch up, one at a time, so a pool of P costs about N / P lists however late each arrives", async () => {
    for (const parallel of [8, 16, 64]) {
      settings = freshSettings();
      const stub = stubReader({ gatedSingles: true });
      const total = 176;
      let next = 0;
      let done = 0;
      let step = 0;
      // The engine's step executor seen from the provider: each worker's next read arrives one to
      // four turns after its answer (a round trip through the engine), never all in the same turn.
      const worker = async () => {
        while (next < total) {
          const n = next++;
          await readBatched(stub.reader, settings, ids(n), "read");
          done++;
          for (let wait = 1 + (step++ % 4); wait > 0; wait--) await turn();
        }
      };
      const workers = Array.from({ length: parallel }, async (_, w) => {
        for (let wait = w % 4; wait > 0; wait--) await turn();
        await worker();
      });
      while (done < total) {
        for (let wait = 0; wait < 8; wait++) await turn();
        stub.answerAll();
      }
      await Promise.all(workers);
      const floor = Math.ceil(total / Math.min(parallel, maxIdsPerList));
      assert.ok(
        stub.sent.length + stub.singles.length <= floor + 1,
        `P ${parallel}: ${stub.sent.length} lists and ${stub.singles.length} single reads, floor ${floor}: ${stub.sent.join(" ")}`,
      );
    }
  });

  it("holds reads that arrive just after a request until as many reads arrived as it answered, then sends them together", async () => {
    const stub = stubReader();
    const first = [1, 2, 3].map((n) => readBatched(stub.reader, settings, ids(n), "read"));
    await turn();
    stub.answerAll();
    await Promise.all(first);
    const late = [4, 5].map((n) => readBatched(stub.reader, settings, ids(n), "read"));
    for (let wait = 0; wait < 5; wait++) await turn();
    assert.equal(
      stub.lists.length,
      0,
      "two of the three reads the request answered have arrived: the lane waits",
    );
    const third = readBatched(stub.reader, settings, ids(6), "read");
    await turn();
    assert.deepEqual(stub.lists[0]!.keys, ["org_0004", "org_0005", "org_0006"]);
    stub.answerAll();
    await Promise.all([...late, third]);
  });

  it("keeps gathering while reads keep arriving, however slowly the host hands them over, and sends them in one list", async () => {
    const stub = stubReader();
    const first = Array.from({ length: 10 }, (_, n) => readBatched(stub.reader, settings, ids(n), "read"));
    await turn();
    stub.answerAll();
    await Promise.all(first);
    // Five of the ten replies, each arriving 15 ms after the one before: 60 ms in all, on a
    // mocked clock (the lane's timers), so the machine's speed plays no part.
    mock.timers.enable({ apis: ["setTimeout"] });
    const late: Promise<unknown>[] = [];
    try {
      for (let n = 10; n < 15; n++) {
        late.push(readBatched(stub.reader, settings, ids(n), "read"));
        mock.timers.tick(15);
        await turn();
      }
      assert.equal(stub.sent.length, 1, "still gathering");
      mock.timers.tick(catchUpQuietMs);
    } finally {
      mock.timers.reset();
    }
    await until(() => stub.lists.length > 0);
    assert.deepEqual(stub.lists[0]!.keys, ["org_0010", "org_0011", "org_0012", "org_0013", "org_0014"]);
    stub.answerAll();
    await Promise.all(late);
  });

  it("gathers an adopting create's reads on an idle lane until none came for a while, then holds each next list, however slowly reads come, until as many arrived as the last list answered", async () => {
    const stub = stubReader();
    mock.timers.enable({ apis: ["setTimeout"] });
    const reads: Promise<unknown>[] = [];
    try {
      // The engine's first steps: eight reads 50 ms apart, held until none came for gatherQuietMs.
      for (let n = 0; n < 8; n++) {
        reads.push(readBatched(stub.reader, settings, ids(n), "adopt", { gather: true }));
        mock.timers.tick(50);
        await turn();
      }
      assert.deepEqual([stub.singles, stub.sent], [[], []], "held while the lane gathers");
      mock.timers.tick(gatherQuietMs);
      await turn();
      await turn();
      assert.equal(stub.lists[0]?.keys.length, 8);
      stub.answerAll();
      await Promise.all(reads.splice(0));
      // The answer freed eight steps of the engine: their reads come 150 ms apart (slower than any
      // quiet period), and go as one list as soon as the eighth arrives.
      for (let n = 8; n < 16; n++) {
        reads.push(readBatched(stub.reader, settings, ids(n), "adopt", { gather: true }));
        if (n < 15) assert.equal(stub.sent.length, 1, `still gathering at ${n}`);
        mock.timers.tick(150);
        await turn();
      }
      await turn();
      await turn();
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(stub.sent, [8, 8]);
    stub.answerAll();
    await Promise.all(reads);
    assert.deepEqual(stub.singles, []);
  });

  it(`sends held reads once no read arrived for ${catchUpQuietMs} ms when fewer reads arrive than the request answered`, async () => {
    const stub = stubReader();
    const first = [1, 2, 3].map((n) => readBatched(stub.reader, settings, ids(n), "read"));
    await turn();
    stub.answerAll();
    await Promise.all(first);
    const started = performance.now();
    const late = readBatched(stub.reader, settings, ids(4), "read");
    await turn();
    assert.deepEqual(stub.singles, [], "held");
    assert.deepEqual((await late).publicMetadata, { id: "org_0004" });
    assert.deepEqual(stub.singles, ["org_0004"]);
    assert.ok(performance.now() - started >= catchUpQuietMs - 1);
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
    await until(() => stub.lists.length > 0);
    assert.deepEqual(stub.lists[0]!.keys, ["org_0003", "org_0004"]);
    stub.answerAll();
    assert.deepEqual((await late[0]!).privateMetadata, { secret: "s-org_0003" });
    assert.deepEqual((await late[1]!).privateMetadata, { secret: "s-org_0004" });
  });
});

describe("readBatcher: a whole group's reads wait for their siblings", () => {
  /** A reader of whole groups (as a user's memberships): records each list and answers when told. */
  function groupReader() {
    const lists: { group: string; keys: string[]; answer: () => void }[] = [];
    const reader: ListReader = {
      spec: kinds.organizationMembership,
      listsWholeGroup: true,
      groupOf: (ids) => ids.userId!,
      keyOf: (ids) => ids.organizationId!,
      idsOf: (userId, organizationId) => ({ organizationId, userId }),
      singleReadsUpTo: 0,
      list: (_settings, _client, group, keys) =>
        new Promise((resolve) =>
          lists.push({
            group,
            keys,
            answer: () =>
              resolve({
                data: ["org_a", "org_b"].map((id) => ({
                  id,
                  userId: group,
                  raw: { public_metadata: {}, private_metadata: {} },
                  publicMetadata: { id },
                  privateMetadata: {},
                })),
                totalCount: 2,
              }),
          }),
        ),
      entriesOf: (answer) => {
        const list = answer as { data: unknown[]; totalCount: unknown };
        return { entries: list.data, totalCount: list.totalCount };
      },
      placeOf: (entity) => {
        const { id, userId } = entity as { id: string; userId: string };
        return { group: userId, key: id };
      },
      readOne: () => Promise.reject(new Error("no single reads")),
    };
    return { reader, lists };
  }
  const membership = (organizationId: string, userId: string): EntityIds => ({ organizationId, userId });

  it("holds a group's first read until a read of another group arrives, then sends the group's reads in one list", async () => {
    const stub = groupReader();
    const first = readBatched(stub.reader, settings, membership("org_a", "user_x"), "read");
    await turn();
    await turn();
    assert.equal(stub.lists.length, 0, "the first read waits for its siblings");
    const sibling = readBatched(stub.reader, settings, membership("org_b", "user_x"), "read");
    await turn();
    assert.equal(stub.lists.length, 0);
    const next = readBatched(stub.reader, settings, membership("org_a", "user_y"), "read");
    await until(() => stub.lists.length > 0);
    assert.deepEqual(
      stub.lists.map((list) => [list.group, list.keys]),
      [["user_x", ["org_a", "org_b"]]],
    );
    stub.lists[0]!.answer();
    assert.deepEqual((await first).publicMetadata, { id: "org_a" });
    assert.deepEqual((await sibling).publicMetadata, { id: "org_b" });
    // The last group's read goes once no read arrived for a while.
    await until(() => stub.lists.length > 1);
    assert.deepEqual([stub.lists[1]!.group, stub.lists[1]!.keys], ["user_y", ["org_a"]]);
    stub.lists[1]!.answer();
    assert.deepEqual((await next).publicMetadata, { id: "org_a" });
  });
});
