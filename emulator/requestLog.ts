import type { Counters, LoggedRequest } from "./types";

/** The ordered log of requests (in arrival order) and counters of answered requests. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private counts: Counters = { total: 0, byStatus: {}, byMethod: {} };
  private finished = new WeakSet<LoggedRequest>();

  /** Appends a request on arrival (status 0 until `finish`); returns the entry to finish later. */
  start(entry: Omit<LoggedRequest, "status">): LoggedRequest {
    const logged: LoggedRequest = { ...entry, status: 0 };
    this.entries.push(logged);
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
