import type { Counters, LoggedRequest } from "./types";

/** Told of every finished request with the milliseconds since it arrived (the foreground log). */
export type RequestListener = (entry: LoggedRequest, ms: number) => void;

/**
 * One line of the foreground request log: method, path with query, status (0: dropped), whole
 * milliseconds, and `(fault)` for an injected answer. `GET /v1/users/user_1 200 2ms`.
 */
export function formatRequestLine(entry: LoggedRequest, ms: number): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(entry.queryAll)) for (const v of values) params.append(key, v);
  const search = params.toString();
  const fault = entry.faulted ? " (fault)" : "";
  return `${entry.method} ${entry.path}${search ? `?${search}` : ""} ${entry.status} ${Math.round(ms)}ms${fault}`;
}

/** The ordered log of requests (in arrival order) and counters of answered requests. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private counts: Counters = { total: 0, byStatus: {}, byMethod: {} };
  private finished = new WeakSet<LoggedRequest>();
  private started = new WeakMap<LoggedRequest, number>();

  /** `listener` hears of each finished request (not of requests finished before a `reset`). */
  constructor(private readonly listener?: RequestListener) {}

  /** Appends a request on arrival (status 0 until `finish`); returns the entry to finish later. */
  start(entry: Omit<LoggedRequest, "status">): LoggedRequest {
    const logged: LoggedRequest = { ...entry, status: 0 };
    this.entries.push(logged);
    this.started.set(logged, performance.now());
    return logged;
  }

  /** Sets the final status (0 for a dropped connection) and counts the request; only the first call counts. */
  finish(entry: LoggedRequest, status: number, faulted: boolean): void {
    if (this.finished.has(entry)) return;
    this.finished.add(entry);
    entry.status = status;
    if (faulted) entry.faulted = true;
    this.counts.total += 1;
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
    this.counts.byMethod[entry.method] = (this.counts.byMethod[entry.method] ?? 0) + 1;
    this.listener?.(entry, performance.now() - (this.started.get(entry) ?? performance.now()));
  }

  /** A deep copy of the log. */
  requests(): LoggedRequest[] {
    return structuredClone(this.entries);
  }

  /** A copy of the counters. */
  counters(): Counters {
    return structuredClone(this.counts);
  }

  /** Clears the log and the counters. */
  reset(): void {
    this.entries = [];
    this.counts = { total: 0, byStatus: {}, byMethod: {} };
  }
}
