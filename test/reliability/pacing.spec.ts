import assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { configureFor } from "../support/hooks";
import { create, idsOf, kindKeys, startFleet, stored, type Fleet } from "./helpers";

/**
 * 60 creates at once, 20 of each kind, so the three providers compete for one budget. The
 * emulator allows 20 requests per second per key.
 */
describe("reliability: pacing against the rate limit", function () {
  let emulator: Emulator;
  let fleet: Fleet;

  before(async () => {
    ({ emulator, fleet } = await startFleet(
      { users: 60, organizations: 60, memberships: 60 },
      { tag: "pc" },
    ));
    emulator.setRateLimit({ requests: 20, windowMs: 1000 });
  });
  after(() => emulator.stop());

  /** Creates resources on `perKind` entities of each kind from `from` at once; returns the 429 count and time. */
  async function burst(from: number, plan: string, perKind = 20) {
    emulator.reset(); // also forgets the emulator's rate-limit history
    const started = Date.now();
    const jobs = kindKeys.flatMap((kind) =>
      Array.from({ length: perKind }, (_, i) => {
        const ids = idsOf(fleet, kind, from + i);
        return create(kind, { ...ids, publicMetadata: { plan } }).then(() => ({ kind, ids }));
      }),
    );
    const done = await Promise.all(jobs);
    const elapsed = Date.now() - started;
    for (const { kind, ids } of done) {
      assert.equal((stored(emulator, kind, ids)!.public_metadata as { plan?: string }).plan, plan);
    }
    const log = emulator.requests();
    const rejected = log.filter((r) => r.status === 429).length;
    const accepted = log.filter((r) => r.status === 200).length;
    console.log(
      `      ${plan}: ${log.length} requests, ${accepted} accepted, ${rejected} × 429, ${elapsed} ms`,
    );
    assert.equal(accepted, 3 * perKind);
    return { rejected, elapsed, requests: log.length };
  }

  it("paced at 20/1s by all three providers together, 60 creates see no 429 and take about 2 s", async () => {
    await configureFor(emulator, {
      "clerk:rateLimit": "20/1s",
      "clerk:maxRetries": "5",
      "clerk:maxRetryTimeMs": "8000",
    });
    const { rejected, elapsed } = await burst(0, "paced");
    // Zero: the pacer counts a request until a window after its answer came back, and the
    // emulator counts it on arrival, in between. (When the pacer counted from departure only,
    // the second wave of 20 left one window after the first wave left, but the first wave had
    // arrived a few ms later than it left (new connections), so all 20 got a 429: 20 × 429 in
    // every run.) One budget per key for all three providers: three budgets would send 60 at
    // once and see 40 × 429.
    assert.equal(rejected, 0, `${rejected} requests were rejected with 429`);
    assert.ok(elapsed >= 1900, `60 requests at 20/s need two full windows, took ${elapsed} ms`);
    assert.ok(elapsed < 4000, `took ${elapsed} ms`);
  });

  it("without pacing the same load hits 429s, and Retry-After still gets every create through", async () => {
    await configureFor(emulator, {
      "clerk:rateLimit": "off",
      "clerk:maxRetries": "5",
      "clerk:maxRetryTimeMs": "8000",
    });
    const { rejected, elapsed } = await burst(20, "unpaced");
    assert.ok(rejected >= 40, `only ${rejected} × 429`);
    assert.ok(elapsed >= 1900 && elapsed < 5000, `took ${elapsed} ms`);
  });

  it("a smaller budget than the server's is honoured too (5/1s: 15 creates take about 2 s, no 429)", async () => {
    await configureFor(emulator, {
      "clerk:rateLimit": "5/1s",
      "clerk:maxRetries": "5",
      "clerk:maxRetryTimeMs": "10000",
    });
    const { rejected, elapsed } = await burst(40, "slow", 5);
    assert.equal(rejected, 0);
    assert.ok(elapsed >= 1900 && elapsed < 4000, `took ${elapsed} ms`);
  });
});
