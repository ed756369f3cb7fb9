import type { RateLimit } from "./types";

/**
 * Parses a rate limit from text: the provider's form `N/Ss` (`"100/10s"`, as `clerk:rateLimit` and
 * `parseRateLimit` in provider/clerk/settings.ts take it; decimal seconds allowed), `N/MSms`
 * (`"100/10000ms"`), the emulator's older `N/MS` (`"100/10000"`, milliseconds), or `"off"` (→ `false`).
 * Throws an `Error` with the accepted forms otherwise.
 */
export function parseRateLimitText(text: string): RateLimit | false {
  const trimmed = text.trim();
  if (trimmed === "off") return false;
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(s|ms)?$/.exec(trimmed);
  const requests = match ? Number(match[1]) : 0;
  const amount = match ? Number(match[2]) : 0;
  if (!match || requests < 1 || amount <= 0 || (match[3] !== "s" && !Number.isInteger(amount))) {
    throw new Error(
      `rate limit must look like 100/10s (requests per seconds), 100/10000ms, 100/10000 (ms) or off, not ${JSON.stringify(text)}`,
    );
  }
  return { requests, windowMs: match[3] === "s" ? Math.round(amount * 1000) : amount };
}

/**
 * A sliding-window-log rate limiter per secret key: a request is allowed when fewer than `requests`
 * allowed requests of the same key started within the last `windowMs` milliseconds. Rejected requests
 * do not count. Off (`false`) by default.
 */
export class RateLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(private limit: RateLimit | false = false) {}

  /** Changes the limit (or turns it off) and forgets the history. Throws a `RangeError` for bad values. */
  set(limit: RateLimit | false): void {
    if (limit !== false) {
      if (!(Number.isInteger(limit.requests) && limit.requests >= 1)) {
        throw new RangeError("rateLimit.requests must be a positive integer");
      }
      if (!(Number.isFinite(limit.windowMs) && limit.windowMs > 0)) {
        throw new RangeError("rateLimit.windowMs must be a positive number");
      }
    }
    this.limit = limit === false ? false : { ...limit };
    this.log.clear();
  }

  /** Forgets the history (the limit stays). */
  reset(): void {
    this.log.clear();
  }

  /**
   * Records a request for `key` at `now` if allowed and returns `undefined`; otherwise returns the whole
   * seconds (at least 1) until the oldest request in the window leaves it and a slot frees.
   */
  check(key: string, now: number = Date.now()): number | undefined {
    if (this.limit === false) return undefined;
    const { requests, windowMs } = this.limit;
    const times = (this.log.get(key) ?? []).filter((t) => t > now - windowMs);
    if (times.length >= requests) {
      this.log.set(key, times);
      const freeAt = times[times.length - requests] + windowMs;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    times.push(now);
    this.log.set(key, times);
    return undefined;
  }
}
