import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openBenchStack } from "./benchStack";
import { atMost, formatSeconds, info, type Figure } from "./figures";
import { mixedProgram, packageClasses, type MixedShape } from "./mixedStack";
import { timeOperation } from "./operationTiming";
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
 * The request goal at parallelism `p`: ceil(n / min(P, 100)) list requests per kind, per
 * organization for memberships, twice for users (`users.getUserList` also sends
 * `GET /v1/users/count`).
 */
export function requestGoalFor(shape: MixedShape, p: number): number {
  const per = (n: number) => Math.ceil(n / Math.min(p, 100));
  const members = new Map<string, number>();
  for (const m of shape.memberships) members.set(m.organizationId, (members.get(m.organizationId) ?? 0) + 1);
  return (
    2 * per(shape.users.length) +
    per(shape.organizations.length) +
    [...members.values()].reduce((total, count) => total + per(count), 0)
  );
}

/**
 * Figure 6. One `up --skip-preview` creates the mixed stack (the package from the packed
 * tarball); then each run reopens the stack with batching (`CLERK_BATCH_READS`) and pacing
 * (`CLERK_RATE_LIMIT`) set in the environment of the CLI and so of the dynamic-provider host (the
 * stack config leaves both unset; `refresh` configures the provider from the config recorded in
 * state, `preview --refresh` from the stack's) and times a `refresh` and a `preview --refresh` at
 * `--parallel` P: batched at the engine's default P, 16 and 64; unbatched at the default P; and
 * batched at the default P with 100 requests per 10 s on both sides. Requests are what the
 * emulator answered.
 */
export async function measureRefreshCost(options: RefreshCostOptions): Promise<Figure[]> {
  const { emulator, scratch, shape, defaultParallel } = options;
  const section = `6. Refresh cost through Pulumi's CLI: the ${shape.size.toLocaleString("en-US")} resources of figure 4`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-refresh-"));
  const figures: Figure[] = [];
  const program = mixedProgram(shape, packageClasses(scratch), "refresh");
  const reads = shape.users.length + shape.organizations.length + shape.memberships.length;
  try {
    await emulator.setRateLimit(false);
    const stack = await openBenchStack({ dir, scratch, emulator });
    const up = await stack.up(program, { skipPreview: true });
    if (!up.ok) throw new Error(`refresh bench: up failed: ${up.errors.slice(0, 3).join("; ")}`);

    const run = async (
      batched: boolean,
      limited: boolean,
      parallel: number,
      operation: "refresh" | "preview --refresh",
    ): Promise<void> => {
      const name = `${batched ? "batched" : "unbatched"}, ${limited ? "100/10 s" : "no limit"}, P ${parallel}${parallel === defaultParallel ? " (engine default)" : ""}: ${operation}`;
      console.error(`bench:   ${name}…`);
      await emulator.setRateLimit(limited ? limit : false);
      const reopened = await openBenchStack({
        dir,
        scratch,
        emulator,
        parallel,
        env: {
          CLERK_BATCH_READS: batched ? "on" : "off",
          CLERK_RATE_LIMIT: limited ? `${limit.requests}/${limit.windowMs / 1000}s` : "off",
        },
      });
      const timed = await timeOperation(emulator, () =>
        operation === "refresh" ? reopened.refresh() : reopened.preview(program, { refresh: true }),
      );
      console.error(`bench:     ${formatSeconds(timed.wallMs)}, ${timed.requests} requests`);
      const goal = requestGoalFor(shape, parallel);
      const floorMs = (timed.requests / limit.requests) * limit.windowMs;
      const value = `${timed.requests} req, ${formatSeconds(timed.wallMs)}${limited ? ` = ${(timed.wallMs / floorMs).toFixed(2)}× floor` : ""}`;
      const raw = {
        requests: timed.requests,
        wallMs: Math.round(timed.wallMs),
        floorMs,
        goal,
        tooManyRequests: timed.tooManyRequests,
        failures: timed.failures,
        changes: timed.result.changes,
      };
      const failed = timed.failures ? `; FAILED: ${timed.result.errors.slice(0, 2).join("; ")}` : "";
      const note = `${timed.tooManyRequests} × 429, ${timed.failures} failures${failed}`;
      if (!batched) {
        figures.push(info({ section, name, value, raw, note, compare: `${reads} reads` }));
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
    for (const parallel of [...new Set([defaultParallel, 16, 64])])
      for (const operation of ["refresh", "preview --refresh"] as const)
        await run(true, false, parallel, operation);
    for (const operation of ["refresh", "preview --refresh"] as const)
      await run(false, false, defaultParallel, operation);
    for (const operation of ["refresh", "preview --refresh"] as const)
      await run(true, true, defaultParallel, operation);
  } finally {
    await emulator.setRateLimit(false).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
