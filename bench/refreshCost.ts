import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openBenchStack } from "./benchStack";
import { atMost, formatSeconds, info, type Figure } from "./figures";
import { mixedProgram, packageClasses, type DeclarationOrder, type MixedShape } from "./mixedStack";
import { measureHere, timeOperation } from "./operationTiming";
import type { ScratchInstall } from "./packageInstall";
import type { RemoteEmulator } from "./remoteEmulator";

const requestGoal = 1.25;
const floorGoal = 1.15;
/** The published development limit, on both sides of the limited runs. */
const limit = { requests: 100, windowMs: 10_000 };

/** What the refresh-cost runs are given. */
export interface RefreshCostOptions {
  /** An emulator in its own process, seeded with `mixedSeed(shape)`. */
  emulator: RemoteEmulator;
  scratch: ScratchInstall;
  shape: MixedShape;
  /** The engine's default `--parallel` here. */
  defaultParallel: number;
}

/**
 * The request goal at parallelism `p` (issue 19): per scope (users, organizations, each
 * organization's members) ceil(n / min(P, 100)) list requests plus one (a scope's first reads go
 * before the rest arrive). A run meets it within 1.25 times.
 */
export function requestGoalFor(shape: MixedShape, p: number): number {
  const per = (n: number) => Math.ceil(n / Math.min(p, 100)) + 1;
  const members = new Map<string, number>();
  for (const m of shape.memberships) members.set(m.organizationId, (members.get(m.organizationId) ?? 0) + 1);
  return (
    per(shape.users.length) +
    per(shape.organizations.length) +
    [...members.values()].reduce((total, count) => total + per(count), 0)
  );
}

/** One measured run: how the stack was declared, batching, pacing, `--parallel`, latency and operation. */
interface RefreshRun {
  order: DeclarationOrder;
  batched: boolean;
  limited: boolean;
  parallel: number;
  latencyMs: number;
  operation: "refresh" | "preview --refresh";
}

/**
 * Figure 6. Two stacks of the shape's resources (the package from the packed tarball): one
 * declared grouped by scope, one interleaved (see `DeclarationOrder`), each created by one
 * `up --skip-preview`. Each run reopens a stack with batching (`CLERK_BATCH_READS`) and pacing
 * (`CLERK_RATE_LIMIT`) set in the environment of the CLI and so of the dynamic-provider host, and
 * times a `refresh` or a `preview --refresh` (both without the CLI's own preview pass) at
 * `--parallel` P, with the emulator answering at once or after 30 ms. The goal applies to batched
 * runs of the grouped stack: requests within 1.25 × {@link requestGoalFor}, and, with 100 requests
 * per 10 s on both sides, time within 1.15 × the floor those requests set. The interleaved stack
 * and the unbatched runs are reported beside it. Requests are what the emulator answered.
 */
export async function measureRefreshCost(options: RefreshCostOptions): Promise<Figure[]> {
  const { emulator, scratch, shape, defaultParallel } = options;
  const section = `6. Refresh cost through Pulumi's CLI: the ${shape.size.toLocaleString("en-US")} resources of figure 4`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-refresh-"));
  const figures: Figure[] = [];
  const classes = packageClasses(scratch);
  const reads = shape.users.length + shape.organizations.length + shape.memberships.length;
  const programs = {
    grouped: mixedProgram(shape, classes, "grouped", "grouped"),
    interleaved: mixedProgram(shape, classes, "interleaved", "interleaved"),
  };
  try {
    await emulator.setRateLimit(false);
    await emulator.clearFaults();
    for (const order of ["grouped", "interleaved"] as const) {
      console.error(`bench:   refresh stack, ${order}: up…`);
      const stack = await openBenchStack({ dir: path.join(dir, order), scratch, emulator });
      const up = await stack.up(programs[order], { skipPreview: true });
      if (!up.ok) throw new Error(`refresh bench: up failed: ${up.errors.slice(0, 3).join("; ")}`);
    }

    const measure = async (run: RefreshRun): Promise<void> => {
      const { order, batched, limited, parallel, latencyMs, operation } = run;
      const name = `${order}, ${batched ? "batched" : "unbatched"}, ${limited ? "100/10 s" : "no limit"}, ${latencyMs} ms, P ${parallel}${parallel === defaultParallel ? " (default)" : ""}: ${operation}`;
      console.error(`bench:   ${name}…`);
      await emulator.setRateLimit(limited ? limit : false);
      await emulator.clearFaults();
      if (latencyMs) await emulator.inject({ latencyMs });
      const reopened = await openBenchStack({
        dir: path.join(dir, order),
        scratch,
        emulator,
        parallel,
        env: {
          CLERK_BATCH_READS: batched ? "on" : "off",
          CLERK_RATE_LIMIT: limited ? `${limit.requests}/${limit.windowMs / 1000}s` : "off",
        },
      });
      const timed = await timeOperation(emulator, () =>
        measureHere(() =>
          operation === "refresh" ? reopened.refresh() : reopened.preview(programs[order], { refresh: true }),
        ),
      );
      console.error(`bench:     ${formatSeconds(timed.wallMs)}, ${timed.requests} requests`);
      const goal = requestGoalFor(shape, parallel);
      const floorMs = (timed.requests / limit.requests) * limit.windowMs;
      const value = `${timed.requests} req, ${formatSeconds(timed.wallMs)}${limited ? ` = ${(timed.wallMs / floorMs).toFixed(2)}× floor` : ""}`;
      const raw = {
        ...run,
        requests: timed.requests,
        wallMs: Math.round(timed.wallMs),
        floorMs,
        goal,
        tooManyRequests: timed.tooManyRequests,
        failures: timed.failures,
        changes: timed.result.changes,
      };
      const failed = timed.failures ? `; FAILED: ${timed.result.errors.slice(0, 2).join("; ")}` : "";
      const note = `${(timed.requests / goal).toFixed(2)} × goal ${goal}; ${timed.tooManyRequests} × 429, ${timed.failures} failures${failed}`;
      if (!batched || order === "interleaved") {
        figures.push(
          info({
            section,
            name,
            value,
            raw,
            note,
            compare: batched ? `goal ${goal} (grouped only)` : `${reads} reads`,
          }),
        );
        return;
      }
      const requestsOk = timed.requests <= requestGoal * goal && timed.failures === 0;
      const timeRatio = limited ? timed.wallMs / floorMs : 0;
      figures.push(
        atMost(
          { section, name, value, raw, note },
          (requestsOk ? 1 : Infinity) * (limited ? timeRatio : 1),
          limited ? floorGoal : 1,
          `≤ ${Math.floor(requestGoal * goal)} req (1.25 × ${goal})${limited ? `, ≤ ${floorGoal}× floor` : ""}`,
        ),
      );
    };
    const operations = ["refresh", "preview --refresh"] as const;
    const base = { order: "grouped", batched: true, limited: false } as const;
    for (const latencyMs of [0, 30])
      for (const parallel of [...new Set([defaultParallel, 8, 16, 64])])
        for (const operation of operations) await measure({ ...base, parallel, latencyMs, operation });
    for (const latencyMs of [0, 30])
      for (const operation of operations) {
        await measure({ ...base, order: "interleaved", parallel: defaultParallel, latencyMs, operation });
        await measure({ ...base, batched: false, parallel: defaultParallel, latencyMs, operation });
      }
    for (const operation of operations)
      await measure({ ...base, limited: true, parallel: defaultParallel, latencyMs: 0, operation });
  } finally {
    await emulator.setRateLimit(false).catch(() => undefined);
    await emulator.clearFaults().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
