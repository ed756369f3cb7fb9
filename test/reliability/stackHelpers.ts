/**
 * Shared set-up of the stack-level reliability tests: an emulator seeded with entities that hold
 * keys "the app" wrote, stacks run by Pulumi's real CLI against it (the lifecycle `World`), the
 * expected metadata of every entity (app keys deep-merged with what the stack declares), a flat
 * view of Clerk's data for exact comparisons, when each request arrived and finished, and the
 * processes a run left behind.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mergeMetadata, startEmulator, type SeedData } from "../../emulator";
import type { JsonObject } from "../../provider";
import { World } from "../lifecycle/helpers";

export { appMetadata } from "../support/appMetadata";
export { assertOk, opCounts } from "../support/operations";

/** A JSON object, as metadata fields are (the provider's own `JsonObject`). */
export type Obj = JsonObject;

/** Every metadata field of every entity Clerk holds, keyed `user:<id>`, `org:<id>`, `mem:<org>/<user>`. */
export type MetadataView = Record<string, Record<string, Obj>>;

/** One answered request with its times (ms on this process's `performance.now()` clock). */
export interface TimedRequest {
  method: string;
  /** The path with its query string, as the emulator's log line prints it. */
  path: string;
  /** 0 for a dropped connection. */
  status: number;
  faulted: boolean;
  arrivedAt: number;
  finishedAt: number;
}

/** The most requests that were in flight at one moment (arrived, not yet answered). */
export function maxInFlight(requests: readonly TimedRequest[]): number {
  const edges = requests.flatMap((r) => [
    { at: r.arrivedAt, delta: 1 },
    { at: r.finishedAt, delta: -1 },
  ]);
  // At a tie, an answer leaves before an arrival counts.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.delta;
    max = Math.max(max, current);
  }
  return max;
}

/** Zero-padded index, so that ids sort and stay within `[A-Za-z0-9_]`. */
export function pad(i: number): string {
  return String(i).padStart(3, "0");
}

/** A seeded emulator, a scratch directory and stacks wired to both, with a flat view of Clerk's data. */
export class StackWorld extends World {
  private timed: TimedRequest[] = [];

  constructor(
    private readonly seedData: () => SeedData,
    private readonly prngSeed = 7,
  ) {
    super(seedData, prngSeed);
  }

  /** Like `World.start`, with the emulator's request listener kept, to time every request. */
  override async start(): Promise<void> {
    this.emulator = await startEmulator({
      seed: this.seedData(),
      randomSeed: this.prngSeed,
      logRequests: (line) => this.record(line),
    });
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-reliability-"));
  }

  /**
   * A world for the enclosing mocha suite: started before it, stopped after it, and with no
   * fault, no rate limit and an empty request log at the start of every test.
   */
  static forSuite(seed: () => SeedData, randomSeed?: number): StackWorld {
    const world = new StackWorld(seed, randomSeed);
    before(() => world.start());
    after(() => world.stop());
    beforeEach(() => {
      world.emulator.clearFaults();
      world.emulator.setRateLimit(false);
      world.reset();
    });
    return world;
  }

  /** Forgets the request log and the request times (stored data stays). */
  override reset(): void {
    super.reset();
    this.timed = [];
  }

  /** Every Clerk request answered (or dropped) since the last reset, in the order they finished, with times. */
  timedRequests(): TimedRequest[] {
    return [...this.timed];
  }

  /** Every metadata field of every entity, without a logged request. */
  view(): MetadataView {
    const snapshot = this.emulator.data.snapshot();
    const view: MetadataView = {};
    for (const u of snapshot.users) {
      view[`user:${u.id}`] = {
        public: u.public_metadata,
        private: u.private_metadata,
        unsafe: u.unsafe_metadata,
      };
    }
    for (const o of snapshot.organizations) {
      view[`org:${o.id}`] = { public: o.public_metadata, private: o.private_metadata };
    }
    for (const m of snapshot.memberships) {
      view[`mem:${m.organization.id}/${m.public_user_data.user_id}`] = {
        public: m.public_metadata,
        private: m.private_metadata,
      };
    }
    return view;
  }

  /** One line of the emulator's request log (`PATCH /v1/users/u/metadata 503 12ms (fault)`), admin routes left out. */
  private record(line: string): void {
    const match = /^(\S+) (\S+) (\d+) (\d+)ms( \(fault\))?$/.exec(line);
    if (!match || match[2].startsWith("/__emulator/")) return;
    const finishedAt = performance.now();
    this.timed.push({
      method: match[1],
      path: match[2],
      status: Number(match[3]),
      faulted: Boolean(match[5]),
      arrivedAt: finishedAt - Number(match[4]),
      finishedAt,
    });
  }
}

/** Clerk's merge (the emulator's own): objects merge recursively, `null` removes a key, anything else replaces. */
export function merge(target: Obj, patch: Obj): Obj {
  return mergeMetadata(target, patch) as Obj;
}

/** Fails with the first few differing entities (a 200-entity deepEqual diff is unreadable). */
export function assertSameView(actual: MetadataView, expected: MetadataView): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), "the same entities");
  const differing = Object.keys(expected).filter((key) => !deepEqualJson(actual[key], expected[key]));
  assert.deepEqual(
    differing.slice(0, 5).map((key) => ({ key, actual: actual[key] })),
    differing.slice(0, 5).map((key) => ({ key, actual: expected[key] })),
    `${differing.length} entities differ from what was expected`,
  );
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** A live process: its pid and command line. */
export interface ProcessInfo {
  pid: number;
  command: string;
}

/**
 * Every live process (of this user) whose environment holds `name=value`: the processes a CLI run
 * started with that variable set, and their children. Zombies (exited, not yet reaped) are left
 * out: they hold no resources and run nothing.
 */
export function processesWithEnv(name: string, value: string): ProcessInfo[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`);
      if (!environ.includes(needle)) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^State:\s+Z/m.test(status)) continue;
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Waits until `processesWithEnv(name, value)` is empty, for at most `ms`; resolves to what is still alive. */
export async function processesAfter(name: string, value: string, ms: number): Promise<ProcessInfo[]> {
  const until = Date.now() + ms;
  for (;;) {
    const alive = processesWithEnv(name, value);
    if (alive.length === 0 || Date.now() >= until) return alive;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
