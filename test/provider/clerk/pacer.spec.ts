import assert from "node:assert/strict";
import { Pacer } from "../../../provider/clerk/pacer";

/** A virtual clock: sleep() registers a timer and run() advances time to each timer in turn. */
class FakeTime {
  now = 0;
  sleeps: number[] = [];
  private timers: { at: number; resolve: () => void }[] = [];

  readonly clock = () => this.now;
  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.timers.push({ at: this.now + ms, resolve }));
  };

  /** Runs until `done` settles, firing timers in time order. */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      assert.ok(next, "stalled: nothing settled and no timer pending");
      this.now = Math.max(this.now, next.at);
      next.resolve();
    }
  }
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j] < sorted[i] + windowMs; j++) n++;
    max = Math.max(max, n);
  }
  return max;
}

describe("pacer", () => {
  describe("Pacer.acquire", () => {
    it("lets the first N requests through at once, without sleeping", async () => {
      const time = new FakeTime();
      const pacer = new Pacer({ requests: 5, windowMs: 1000 }, time.clock, time.sleep);
      for (let i = 0; i < 5; i++) await pacer.acquire();
      assert.deepEqual(time.sleeps, []);
      assert.equal(time.now, 0);
    });

    it("never lets more than N acquisitions into any window, called one after another", async () => {
      const time = new FakeTime();
      const pacer = new Pacer({ requests: 7, windowMs: 1000 }, time.clock, time.sleep);
      const times: number[] = [];
      await time.run(
        (async () => {
          for (let i = 0; i < 60; i++) {
            await pacer.acquire();
            times.push(time.now);
          }
        })(),
      );
      assert.equal(times.length, 60);
      assert.ok(maxInAnyWindow(times, 1000) <= 7, JSON.stringify(times));
      assert.ok(time.now < 9 * 1000 + 100, `paced far too slowly: ${time.now} ms`);
    });

    it("never lets more than N acquisitions into any window, called concurrently", async () => {
      const time = new FakeTime();
      const pacer = new Pacer({ requests: 10, windowMs: 10_000 }, time.clock, time.sleep);
      const times: number[] = [];
      await time.run(
        Promise.all(
          Array.from({ length: 95 }, async () => {
            await pacer.acquire();
            times.push(time.now);
          }),
        ),
      );
      assert.equal(times.length, 95);
      assert.ok(maxInAnyWindow(times, 10_000) <= 10, JSON.stringify(times));
    });

    it("keeps to the budget when requests arrive spread out in time", async () => {
      const time = new FakeTime();
      const pacer = new Pacer({ requests: 3, windowMs: 100 }, time.clock, time.sleep);
      const times: number[] = [];
      await time.run(
        Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            await time.sleep((i * 37) % 250);
            await pacer.acquire();
            times.push(time.now);
          }),
        ),
      );
      assert.ok(maxInAnyWindow(times, 100) <= 3, JSON.stringify(times));
    });

    it("frees a slot once the window has passed", async () => {
      const time = new FakeTime();
      const pacer = new Pacer({ requests: 2, windowMs: 1000 }, time.clock, time.sleep);
      await pacer.acquire();
      await pacer.acquire();
      time.now = 1000;
      await pacer.acquire();
      assert.deepEqual(time.sleeps, []);
    });
  });
});
