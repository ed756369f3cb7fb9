import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigValue } from "../driver/collect";
import { createStack } from "../driver/engine";
import { ProviderHost } from "../driver/host";
import { UserMetadata as SourceUserMetadata } from "../provider";
import { atMost, formatBytes, formatSeconds, info, type Figure } from "./figures";
import { runHostDirect } from "./hostDirect";
import { timeOperation, type TimedOperation } from "./operationTiming";
import type { ScratchInstall } from "./packageInstall";
import type { RemoteEmulator } from "./remoteEmulator";

const section = "4. Large stack: 1,000 UserMetadata through the engine driver and the real host";
/** The goal for the rate-limited run: at most this multiple of the floor the limit sets. */
const floorGoal = 1.15;
/** The rate limit of the rate-limited run, on both sides. */
const rateLimit = { requests: 100, windowMs: 1000 };

/** What the large-stack runs are given. */
export interface LargeStackOptions {
  /** An emulator in its own process, seeded with `userIds`. */
  emulator: RemoteEmulator;
  /** The scratch program with the packed package installed (the program and the host load it from there). */
  scratch: ScratchInstall;
  /** `UserMetadata`'s `__provider` as serialized from the installed package (for the host-direct runs). */
  providerString: string;
  /** The seeded users, one resource each. */
  userIds: readonly string[];
  /** The driver's `parallel` option. */
  parallel: number;
  /** How many resources the from-source comparison run declares. */
  sourceResources: number;
}

type UserMetadataClass = new (name: string, args: { userId: string; publicMetadata: object }) => unknown;

function program(Resource: UserMetadataClass, userIds: readonly string[], phase: string): () => void {
  return () => {
    userIds.forEach(
      (userId, i) => new Resource(`user-${i}`, { userId, publicMetadata: { bench: { phase, n: i } } }),
    );
  };
}

function baseConfig(emulator: RemoteEmulator, pacing: string): Record<string, ConfigValue> {
  return {
    "clerk:secretKey": { value: emulator.secretKey, secret: true },
    "clerk:apiUrl": emulator.url,
    "clerk:rateLimit": pacing,
  };
}

function plainConfig(config: Record<string, ConfigValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : v.value]));
}

const pidOf = (host: ProviderHost) => (host as unknown as { child: { pid?: number } }).child.pid;
const cpu = (ms: number | undefined) => (ms === undefined ? "n/a" : formatSeconds(ms));
const failuresOf = (op: TimedOperation) => op.result.errors.length;

/** Runs `fn` with a fresh host started in `cwd`, stopped afterwards. */
async function withHost<T>(cwd: string, fn: (host: ProviderHost) => Promise<T>): Promise<T> {
  const host = await ProviderHost.start({ cwd });
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}

/**
 * Figure 4. The program declares one `UserMetadata` per seeded user, with the class loaded from
 * the packed package in the scratch program (so `__provider` is the ~280 B users get), and the
 * driver applies it against the real dynamic-provider host started in the scratch program:
 * (a) no rate limit: wall time, resources per second, time inside and outside the emulator and
 * where the outside time goes; (b) the emulator limited to 100 requests/s and the provider
 * pacing at `100/1s`: wall time over the 10 s floor, 429s, failures; then a no-change up and a
 * preview of the same stack. Host-direct runs (no driver) and a smaller stack from source show
 * how much of the time is the driver's.
 */
export async function measureLargeStack(options: LargeStackOptions): Promise<Figure[]> {
  const { emulator, scratch, userIds, parallel } = options;
  const n = userIds.length;
  const { UserMetadata } = require(path.join(scratch.dir, "node_modules", "pulumi-clerk-metadata")) as {
    UserMetadata: UserMetadataClass;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-large-"));
  const figures: Figure[] = [];
  const label = `${n.toLocaleString("en-US")}`;
  try {
    await emulator.setRateLimit(false);
    const unlimited = baseConfig(emulator, "off");
    const stateFile = path.join(dir, "unlimited.json");
    const [up, same, preview] = await withHost(scratch.dir, async (host) => {
      const stack = createStack({ stateFile, config: unlimited, host, parallel });
      const apply = program(UserMetadata, userIds, "unlimited");
      const first = await timeOperation(emulator, pidOf(host), () => stack.up(apply));
      const again = await timeOperation(emulator, pidOf(host), () => stack.up(apply));
      const plan = await timeOperation(emulator, pidOf(host), () => stack.preview(apply));
      return [first, again, plan];
    });
    const outside = up.wallMs - up.emulator.busyMs;
    figures.push(
      info({
        section,
        name: `(a) up, ${label} creates, no rate limit, parallel ${parallel}`,
        value: `${formatSeconds(up.wallMs)}, ${((n / up.wallMs) * 1000).toFixed(1)} resources/s`,
        raw: { wallMs: up.wallMs, requests: up.requests, failures: failuresOf(up) },
        note: `${up.requests} requests, ${failuresOf(up)} failures`,
      }),
      info({
        section,
        name: "(a) time inside the emulator / outside it",
        value: `${formatSeconds(up.emulator.busyMs)} / ${formatSeconds(outside)}`,
        raw: { emulator: up.emulator, outsideMs: outside },
        note: `inside = union of request intervals in the emulator's own process (headers parsed → answer written; sum ${formatSeconds(up.emulator.sumMs)}); its CPU ${formatSeconds(up.emulator.cpuMs)}`,
      }),
      info({
        section,
        name: "(a) where the outside time goes",
        value: `driver state writes ${formatSeconds(up.stateWrites.ms)}`,
        raw: { stateWrites: up.stateWrites, benchCpuMs: up.benchCpuMs, hostCpuMs: up.hostCpuMs },
        note: `${up.stateWrites.writes} rewrites of the whole state file (${formatBytes(fs.statSync(stateFile).size)} at the end); CPU: bench process (driver + Pulumi runtime) ${cpu(up.benchCpuMs)}, provider host ${cpu(up.hostCpuMs)}`,
      }),
    );

    const direct = await runHostDirect({
      cwd: scratch.dir,
      providerString: options.providerString,
      config: plainConfig(unlimited),
      userIds,
      parallel,
      metadata: (i) => ({ bench: { phase: "direct", n: i } }),
    });
    figures.push(
      info({
        section,
        name: `(a) same ${label} creates straight to the host, no driver`,
        value: `${formatSeconds(direct.wallMs)}, ${((n / direct.wallMs) * 1000).toFixed(1)} resources/s`,
        raw: direct,
        note: `Check + Create over gRPC, ${parallel} at a time; host CPU ${cpu(direct.hostCpuMs)}; ${direct.failures.length} failures`,
      }),
    );

    const floorMs = (n / rateLimit.requests) * rateLimit.windowMs;
    await emulator.setRateLimit(rateLimit);
    const paced = baseConfig(emulator, `${rateLimit.requests}/${rateLimit.windowMs / 1000}s`);
    const limited = await withHost(scratch.dir, async (host) => {
      const stack = createStack({ stateFile: path.join(dir, "limited.json"), config: paced, host, parallel });
      // The update alone: `up` runs a preview first (no requests, one serialized Check per resource),
      // which the floor of the update's requests says nothing about.
      return timeOperation(emulator, pidOf(host), () =>
        stack.up(program(UserMetadata, userIds, "limited"), { skipPreview: true }),
      );
    });
    figures.push(
      atMost(
        {
          section,
          name: `(b) up, ${label} creates, limit 100 req/s, provider pacing 100/1s`,
          value: `${formatSeconds(limited.wallMs)} = ${(limited.wallMs / floorMs).toFixed(2)}× floor`,
          raw: {
            wallMs: limited.wallMs,
            floorMs,
            ratio: limited.wallMs / floorMs,
            requests: limited.requests,
          },
          note:
            limited.wallMs / floorMs > floorGoal
              ? `the driver, not the limit, sets the pace: its per-resource work (running the program under mocks, gRPC to the host; see the no-change up in (c)) adds to the floor, while state writes take only ${formatSeconds(limited.stateWrites.ms)}; straight to the host the same load meets it`
              : undefined,
        },
        limited.wallMs / floorMs,
        floorGoal,
        `≤ ${floorGoal}× the ${formatSeconds(floorMs)} floor`,
      ),
      atMost(
        {
          section,
          name: "(b) 429s seen, failures",
          value: `${limited.tooManyRequests} × 429, ${failuresOf(limited)} failures`,
          raw: {
            tooManyRequests: limited.tooManyRequests,
            failures: failuresOf(limited),
            errors: limited.result.errors.slice(0, 5),
          },
        },
        failuresOf(limited),
        0,
        "0 failures",
      ),
    );

    await emulator.reset();
    const directLimited = await runHostDirect({
      cwd: scratch.dir,
      providerString: options.providerString,
      config: plainConfig(paced),
      userIds,
      parallel,
      metadata: (i) => ({ bench: { phase: "direct-limited", n: i } }),
    });
    const directTooMany = (await emulator.counters()).byStatus[429] ?? 0;
    figures.push(
      atMost(
        {
          section,
          name: "(b) same, straight to the host, no driver",
          value: `${formatSeconds(directLimited.wallMs)} = ${(directLimited.wallMs / floorMs).toFixed(2)}× floor`,
          raw: {
            ...directLimited,
            floorMs,
            ratio: directLimited.wallMs / floorMs,
            tooManyRequests: directTooMany,
          },
          note: `${directTooMany} × 429, ${directLimited.failures.length} failures`,
        },
        directLimited.wallMs / floorMs + (directLimited.failures.length > 0 ? Infinity : 0),
        floorGoal,
        `≤ ${floorGoal}× floor, 0 failures`,
      ),
    );
    await emulator.setRateLimit(false);

    for (const [name, op] of [
      ["(c) no-change up", same],
      ["(c) preview, nothing changed", preview],
    ] as const) {
      figures.push(
        atMost(
          {
            section,
            name: `${name}, ${label} resources`,
            value: `${op.requests} requests, ${formatSeconds(op.wallMs)}`,
            raw: {
              requests: op.requests,
              wallMs: op.wallMs,
              stateWrites: op.stateWrites,
              failures: failuresOf(op),
            },
            note:
              op.stateWrites.writes > 0
                ? `driver state writes ${formatSeconds(op.stateWrites.ms)} (${op.stateWrites.writes})`
                : undefined,
          },
          op.requests + failuresOf(op),
          0,
          "0 requests",
        ),
      );
    }

    const sourceIds = userIds.slice(0, options.sourceResources);
    const sourceState = path.join(dir, "source.json");
    const fromSource = await withHost(path.resolve(__dirname, ".."), async (host) => {
      const stack = createStack({ stateFile: sourceState, config: unlimited, host, parallel });
      return timeOperation(emulator, pidOf(host), () =>
        stack.up(program(SourceUserMetadata as unknown as UserMetadataClass, sourceIds, "source")),
      );
    });
    figures.push(
      info({
        section,
        name: `from source: up, ${sourceIds.length} creates (provider/index.ts)`,
        value: `${formatSeconds(fromSource.wallMs)}, ${((sourceIds.length / fromSource.wallMs) * 1000).toFixed(1)} resources/s`,
        raw: {
          wallMs: fromSource.wallMs,
          stateWrites: fromSource.stateWrites,
          stateFileBytes: fs.statSync(sourceState).size,
          failures: failuresOf(fromSource),
        },
        note: `${formatBytes(fs.statSync(sourceState).size)} state file (__provider ~63 KB, stored twice per resource), rewritten at most every 100 ms: state writes ${formatSeconds(fromSource.stateWrites.ms)}; this is why the ${label}-resource runs load the class from the tarball`,
      }),
    );
  } finally {
    await emulator.setRateLimit(false).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
