import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { atMost, formatBytes, formatSeconds, info, type Figure } from "./figures";
import { runIsolated, type OperationRequest, type StackOperation } from "./isolatedOperation";
import type { ClassesName, MixedShape } from "./mixedStack";
import { installNoopProvider } from "./noopProvider";
import { timeOperation, type TimedOperation } from "./operationTiming";
import type { ScratchInstall } from "./packageInstall";
import type { RemoteEmulator } from "./remoteEmulator";
import { quantile } from "./stats";

/** Goal: each operation at most this multiple of the no-op provider's time, at no latency. */
const noopGoal = 1.1;
/** Goal: the rate-limited `up` at most this multiple of the floor its requests set. */
const floorGoal = 1.15;
/** The emulator's latency for the second run of the package's stack. */
const latencyMs = 30;
/** The rate limit of the rate-limited run, on both sides (emulator and `clerk:rateLimit`): Clerk's development limit. */
const rateLimit = { requests: 100, windowMs: 10_000 };

/** What the large-stack runs are given. */
export interface LargeStackOptions {
  /** An emulator in its own process, seeded with `mixedSeed(shape)`. */
  emulator: RemoteEmulator;
  /** The scratch program with the packed package installed (the programs load the classes from there). */
  scratch: ScratchInstall;
  shape: MixedShape;
  /** The engine's default `--parallel` here (for the labels; every run uses the CLI's default). */
  parallel: number;
}

const operations: readonly StackOperation[] = ["up", "no-change up", "preview --refresh", "destroy"];

/**
 * Extra rounds of the no-latency contenders for the operations that leave the state as they
 * found it, so they can run again on the same stacks. These are the short operations (10–20 s),
 * the ones a slow second or two of this machine's moves most: the no-op provider alone varies
 * by 10–20 % from one run to the next here.
 */
const extraRounds: Partial<Record<StackOperation, number>> = { "no-change up": 2, "preview --refresh": 2 };

/** One stack of the comparison: its label, role, what its operations' processes are given, its latency, and each operation's timing. */
interface Contender {
  label: string;
  /**
   * The no-op provider, the no-op provider storing the package's one-line `__provider` (the same
   * state as the package's), the package at no latency, or the package at `latencyMs`.
   */
  role: "noop" | "noop-one-line" | "package" | "package-latency";
  /** The stack, program and classes; each operation adds itself. */
  request: Omit<OperationRequest, "operation">;
  latencyMs: number;
  /** Each operation's runs on this stack, in the order they ran. */
  runs: Partial<Record<StackOperation, TimedOperation[]>>;
}

/** The nearest-rank median (the lower middle of an even count). */
const median = (samples: readonly number[]) => quantile(samples, 0.5);

const seconds = (ms: number | undefined) => (ms === undefined ? "n/a" : formatSeconds(ms));

/** CPU of the whole operation: this process (the program), the CLI runs with their plugins, and the emulator's process. */
function totalCpuMs(op: TimedOperation): number {
  return op.benchCpuMs + (op.cliCpuMs ?? 0) + op.emulator.cpuMs;
}

/** What the steps of an operation did, e.g. `1000 create` or `1000 same`, and its errors. */
function stepsOf(op: TimedOperation): string {
  const changes = Object.entries(op.result.changes)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
  const errors = op.failures ? `; FAILED (${op.failures}): ${op.result.errors.slice(0, 2).join("; ")}` : "";
  return `${changes || "no steps"}${errors}`;
}

/** `up`'s two CLI runs, when it had a preview. */
function phases(op: TimedOperation): string {
  return op.previewMs === undefined
    ? ""
    : ` (preview ${seconds(op.previewMs)} + update ${seconds(op.result.elapsedMs)})`;
}

/**
 * Figure 4. The same program of N resources (users, organizations, memberships; `mixedStack.ts`)
 * runs through Pulumi's CLI on six stacks, each operation with its program in a process of its own
 * (`isolatedOperation.ts`): the no-op provider (the engine's floor for this program shape) and the
 * package loaded from the packed tarball with the emulator answering at once, twice each, the
 * package with 30 ms of latency per request, and once the no-op provider storing the package's
 * one-line `__provider` (the package's state, without its work). `up` (the CLI's preview, then
 * the update), a no-change `up`, `preview --refresh` and `destroy` run in that order, each operation on the six stacks one after the other, so that the load of the machine
 * weighs on all alike; the no-change `up` and `preview --refresh`, which leave the state as they
 * found it, then run `extraRounds` more rounds on the four stacks at no latency. The comparison
 * takes each contender's fastest run and reports the medians beside it.
 * Then a new stack of the package `up`s the N creates with the emulator limited to 100 requests
 * per 10 s and `clerk:rateLimit` at `100/10s`, against the floor those requests set.
 */
export async function measureLargeStack(options: LargeStackOptions): Promise<Figure[]> {
  const { emulator, scratch, shape } = options;
  const n = shape.size;
  const label = n.toLocaleString("en-US");
  const section = `4. Large stack through Pulumi's CLI: ${label} resources (${shape.users.length} users, ${shape.organizations.length} organizations, ${shape.memberships.length} memberships), engine default parallel ${options.parallel}`;
  installNoopProvider(scratch);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-large-"));
  const figures: Figure[] = [];
  const stackRequest = (name: string, classes: ClassesName): Contender["request"] => ({
    dir: path.join(dir, name),
    scratchDir: scratch.dir,
    emulator: { url: emulator.url, secretKey: emulator.secretKey },
    classes,
    size: n,
    // Each stack owns its own leaves (`bench.<name>`), so stacks never claim each other's keys.
    tag: name.replace(/\W/g, ""),
  });
  const open = (name: string, role: Contender["role"], classes: ClassesName, latency: number): Contender => ({
    label: name,
    role,
    request: stackRequest(name, classes),
    latencyMs: latency,
    runs: {},
  });
  try {
    await emulator.setRateLimit(false);
    await emulator.clearFaults();
    // Two rounds of the no-op provider and the package at no latency, in the order A B … B A so a
    // machine that slows down or speeds up during the section weighs on both alike; each figure
    // takes the fastest of a contender's runs (the least disturbed one).
    const contenders = [
      open("noop", "noop", "noop", 0),
      open("package", "package", "package", 0),
      open("package-latency", "package-latency", "package", latencyMs),
      open("noop-one-line", "noop-one-line", "noop-one-line", 0),
      open("package-2", "package", "package", 0),
      open("noop-2", "noop", "noop", 0),
    ];
    const checkpoints: Record<string, number | undefined> = {};
    /** Runs `operation` on `contender`'s stack, in a fresh process, and keeps its timing. */
    const run = async (contender: Contender, operation: StackOperation): Promise<void> => {
      console.error(`bench:   ${operation}, ${contender.label}…`);
      if (contender.latencyMs) await emulator.inject({ latencyMs: contender.latencyMs });
      try {
        let checkpoint: number | undefined;
        const timed = await timeOperation(emulator, async () => {
          const isolated = await runIsolated({ ...contender.request, operation });
          checkpoint = isolated.checkpointBytes;
          return isolated.measured;
        });
        (contender.runs[operation] ??= []).push(timed);
        if (operation === "up") checkpoints[contender.label] = checkpoint;
        console.error(
          `bench:     ${formatSeconds(timed.wallMs)}, ${timed.requests} requests, ${stepsOf(timed)}`,
        );
      } finally {
        if (contender.latencyMs) await emulator.clearFaults();
      }
    };
    const atNoLatency = contenders.filter((c) => c.role === "noop" || c.role === "package");
    for (const operation of operations) {
      for (const contender of contenders) await run(contender, operation);
      // Each extra round runs the no-latency stacks in the order A B B A, as the first round does.
      for (let round = 0; round < (extraRounds[operation] ?? 0); round++) {
        for (const contender of atNoLatency) await run(contender, operation);
      }
    }

    /** Every run of `operation` by the stacks of `role`. */
    const runsOf = (role: Contender["role"], operation: StackOperation): TimedOperation[] =>
      contenders.filter((c) => c.role === role).flatMap((c) => c.runs[operation] ?? []);
    /** The fastest of a role's runs of `operation` (the least disturbed one). */
    const best = (role: Contender["role"], operation: StackOperation): TimedOperation =>
      runsOf(role, operation).reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    for (const operation of operations) {
      const base = best("noop", operation);
      const at0 = best("package", operation);
      const at30 = best("package-latency", operation);
      const sameState = best("noop-one-line", operation);
      const ratio = at0.wallMs / base.wallMs;
      const failed = runsOf("noop", operation)
        .concat(runsOf("package", operation))
        .reduce((sum, op) => sum + op.failures, 0);
      const walls = (role: Contender["role"]) => runsOf(role, operation).map((op) => Math.round(op.wallMs));
      const medianRatio = median(walls("package")) / median(walls("noop"));
      const runCount = Math.min(walls("package").length, walls("noop").length);
      figures.push(
        atMost(
          {
            section,
            name: `${operation}: package / no-op provider, no latency, fastest of ${runCount} runs each`,
            value: `${formatSeconds(at0.wallMs)} / ${formatSeconds(base.wallMs)} = ${ratio.toFixed(2)}×`,
            raw: {
              package: summary(at0),
              noop: summary(base),
              ratio,
              cpuRatio: totalCpuMs(at0) / totalCpuMs(base),
              runsMs: { package: walls("package"), noop: walls("noop") },
              medianRatio,
            },
            note:
              `package: ${stepsOf(at0)}, ${at0.requests} requests${phases(at0)}; no-op: ${stepsOf(base)}${phases(base)}; ` +
              `medians of the runs ${formatSeconds(median(walls("package")))} / ${formatSeconds(median(walls("noop")))} = ${medianRatio.toFixed(2)}×; ` +
              `CPU (program + CLI and plugins + emulator) ${seconds(totalCpuMs(at0))} / ${seconds(totalCpuMs(base))} = ${(totalCpuMs(at0) / totalCpuMs(base)).toFixed(2)}×`,
          },
          ratio + (failed ? Infinity : 0),
          noopGoal,
          `≤ ${noopGoal.toFixed(2)}× no-op`,
        ),
        info({
          section,
          name: `${operation}: package, ${latencyMs} ms latency per request`,
          value: `${formatSeconds(at30.wallMs)} = ${(at30.wallMs / base.wallMs).toFixed(2)}× no-op`,
          raw: { package: summary(at30), ratio: at30.wallMs / base.wallMs },
          note: `${stepsOf(at30)}, ${at30.requests} requests${phases(at30)}`,
        }),
        info({
          section,
          name: `${operation}: package / no-op provider storing the package's one-line __provider (one run)`,
          value: `${formatSeconds(at0.wallMs)} / ${formatSeconds(sameState.wallMs)} = ${(at0.wallMs / sameState.wallMs).toFixed(2)}×`,
          raw: {
            package: summary(at0),
            noopOneLine: summary(sameState),
            ratio: at0.wallMs / sameState.wallMs,
          },
          note: `the same state on both sides, so this is the hooks' and requests' own cost; ${stepsOf(sameState)}${phases(sameState)}`,
        }),
      );
    }
    const noChangeRequests = Math.max(
      ...contenders
        .filter((c) => c.role !== "noop")
        .flatMap((c) => (c.runs["no-change up"] ?? []).map((op) => op.requests)),
    );
    figures.push(
      atMost(
        {
          section,
          name: "no-change up: requests (preview and update), most of any package run",
          value: `${noChangeRequests}`,
          raw: noChangeRequests,
        },
        noChangeRequests,
        0,
        "0",
      ),
      info({
        section,
        name: "checkpoint after up: package / no-op provider / no-op storing the one-line __provider",
        value: `${formatBytes(checkpoints.package ?? 0)} / ${formatBytes(checkpoints.noop ?? 0)} / ${formatBytes(checkpoints["noop-one-line"] ?? 0)}`,
        raw: checkpoints,
        note: `the stack's file in the file backend; per resource ${formatBytes(Math.round((checkpoints.package ?? 0) / n))} / ${formatBytes(Math.round((checkpoints.noop ?? 0) / n))} / ${formatBytes(Math.round((checkpoints["noop-one-line"] ?? 0) / n))}`,
      }),
    );

    console.error(`bench:   up, ${label} creates, rate-limited…`);
    await emulator.setRateLimit(rateLimit);
    const pacing = `${rateLimit.requests}/${rateLimit.windowMs / 1000}s`;
    const limitedRequest: OperationRequest = {
      ...stackRequest("limited", "package"),
      config: { "clerk:rateLimit": { value: pacing } },
      operation: "up",
    };
    const limited = await timeOperation(emulator, async () => (await runIsolated(limitedRequest)).measured);
    await emulator.setRateLimit(false);
    console.error(
      `bench:     ${formatSeconds(limited.wallMs)}, ${limited.requests} requests, ${stepsOf(limited)}`,
    );
    const floorMs = (limited.requests / rateLimit.requests) * rateLimit.windowMs;
    const floorRatio = limited.wallMs / floorMs;
    figures.push(
      atMost(
        {
          section,
          name: `up, ${label} creates, emulator limited to 100 requests / 10 s, clerk:rateLimit ${pacing}`,
          value: `${formatSeconds(limited.wallMs)} = ${floorRatio.toFixed(2)}× floor`,
          raw: { ...summary(limited), floorMs, ratio: floorRatio },
          note: `${stepsOf(limited)}${phases(limited)}; ${limited.requests} requests, ${limited.tooManyRequests} × 429; floor = requests ÷ (100 per 10 s) = ${formatSeconds(floorMs)}`,
        },
        floorRatio + (limited.failures ? Infinity : 0),
        floorGoal,
        `≤ ${floorGoal}× floor, 0 failures`,
      ),
    );
  } finally {
    await emulator.setRateLimit(false).catch(() => undefined);
    await emulator.clearFaults().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** The figures of one timed operation for `results.json`. */
function summary(op: TimedOperation) {
  return {
    wallMs: Math.round(op.wallMs),
    previewMs: op.previewMs,
    updateMs: op.previewMs === undefined ? undefined : op.result.elapsedMs,
    requests: op.requests,
    tooManyRequests: op.tooManyRequests,
    failures: op.failures,
    changes: op.result.changes,
    benchCpuMs: Math.round(op.benchCpuMs),
    cliCpuMs: op.cliCpuMs === undefined ? undefined : Math.round(op.cliCpuMs),
    emulatorCpuMs: Math.round(op.emulator.cpuMs),
    emulatorBusyMs: Math.round(op.emulator.busyMs),
  };
}
