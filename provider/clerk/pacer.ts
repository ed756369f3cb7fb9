import type { RateLimit } from "./settings";

/**
 * Paces requests so that no window of `limit.windowMs` ever holds more than `limit.requests`
 * of them (a sliding window). A request counts from when it leaves until `windowMs` after its
 * answer came back (when the caller calls the function `acquire` resolved to; without that call,
 * until `windowMs` after it left). The server counts a request when it arrives, somewhere in
 * between, so however long requests travel a burst never trips a server-side window of the same
 * size. Shared by every caller that holds the same instance.
 */
export class Pacer {
  private sent: { at: number }[] = [];

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Resolves when one more request fits the budget, and counts it as sent. Call the function it
   * resolves to once the answer (or the failure) came back.
   */
  async acquire(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      this.sent = this.sent.filter((entry) => entry.at > now - this.limit.windowMs);
      if (this.sent.length < this.limit.requests) {
        const entry = { at: now };
        this.sent.push(entry);
        return () => {
          entry.at = Math.max(entry.at, this.now());
        };
      }
      const oldest = Math.min(...this.sent.map((entry) => entry.at));
      await this.sleep(oldest + this.limit.windowMs - now + 1);
    }
  }
}
