import type { RateLimit } from "./settings";

/**
 * Paces requests so that no window of `limit.windowMs` ever holds more than `limit.requests`
 * of them (a sliding window, so a burst never trips a server-side window either). Shared by
 * every caller that holds the same instance.
 */
export class Pacer {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more request fits the budget, and counts it as sent. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.sent.length > 0 && this.sent[0] <= now - this.limit.windowMs) this.sent.shift();
      if (this.sent.length < this.limit.requests) {
        this.sent.push(now);
        return;
      }
      await this.sleep(this.sent[0] + this.limit.windowMs - now + 1);
    }
  }
}
