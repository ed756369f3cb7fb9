import type { Fault } from "./types";

interface ActiveFault {
  fault: Fault;
  remaining: number | undefined;
}

/** True when a fault's `path` filter accepts `path` (the full path; a string may also omit `/v1`). */
function pathMatches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "string") return filter === path || `/v1${filter}` === path;
  filter.lastIndex = 0;
  return filter.test(path);
}

/**
 * The injected faults, checked in the order they were added. The first fault whose filters match and
 * whose `fraction` draw succeeds applies; a `count` fault expires after that many applications.
 */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number) {}

  /** Adds a fault; throws a `RangeError` for a `count` < 1 or a `fraction` outside 0..1. */
  inject(fault: Fault): void {
    if (fault.count !== undefined && !(Number.isInteger(fault.count) && fault.count >= 1)) {
      throw new RangeError("fault.count must be a positive integer");
    }
    if (fault.fraction !== undefined && !(fault.fraction >= 0 && fault.fraction <= 1)) {
      throw new RangeError("fault.fraction must be between 0 and 1");
    }
    this.faults.push({ fault: { ...fault }, remaining: fault.count });
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this request, if any, consuming one use of a `count` fault. */
  take(method: string, path: string): Fault | undefined {
    for (const active of this.faults) {
      const { fault } = active;
      if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!pathMatches(fault.path, path)) continue;
      if (fault.fraction !== undefined && !(this.random() < fault.fraction)) continue;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
      }
      return fault;
    }
    return undefined;
  }
}
