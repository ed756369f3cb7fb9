import type { RateLimit } from "./settings";

/** One caller waiting for a slot. */
type Waiter = (release: () => void) => void;

/**
 * Paces requests so that no window of `limit.windowMs` ever holds more than `limit.requests`
 * of them (a sliding window). A request counts from when it leaves until `windowMs` after its
 * answer came back (when the caller calls the function `acquire` resolved to; without that call,
 * until `windowMs` after it left). The server counts a request when it arrives, somewhere in
 * between, so however long requests travel a burst never trips a server-side window of the same
 * size. Callers get slots in the order they asked (first in, first out), except that a caller may
 * ask to go first: a call that sends two requests (`users.getUserList` also sends
 * `GET /users/count`) takes its second slot ahead of calls that have not started. Shared by every
 * caller that holds the same instance.
 */
export class Pacer {
  private sent: { at: number }[] = [];
  private readonly waiting: Waiter[] = [];
  private pumping = false;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Resolves when one more request fits the budget, and counts it as sent. Call the function it
   * resolves to once the answer (or the failure) came back. With `first`, the caller goes ahead of
   * every caller still waiting (for the second request of a call that already holds a slot).
   */
  acquire(first = false): Promise<() => void> {
    return new Promise((resolve) => {
      if (first) this.waiting.unshift(resolve);
      else this.waiting.push(resolve);
      void this.grant();
    });
  }

  /** Hands out slots to the waiting callers in order, sleeping while the window is full. */
  private async grant(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const now = this.now();
        this.sent = this.sent.filter((entry) => entry.at > now - this.limit.windowMs);
        if (this.sent.length < this.limit.requests) {
          const entry = { at: now };
          this.sent.push(entry);
          this.waiting.shift()!(() => {
            entry.at = Math.max(entry.at, this.now());
          });
          continue;
        }
        const oldest = Math.min(...this.sent.map((entry) => entry.at));
        await this.sleep(oldest + this.limit.windowMs - now + 1);
      }
    } finally {
      this.pumping = false;
    }
  }
}
