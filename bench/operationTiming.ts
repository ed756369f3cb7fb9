import type { OperationResult } from "../engine/types";
import { ownCpuMs, reapedChildrenCpuMs } from "./processCpu";
import type { RemoteEmulator, RemoteEmulatorTime } from "./remoteEmulator";

/** Everything measured around one stack operation. */
export interface TimedOperation {
  result: OperationResult;
  /** Wall time of the operation, in milliseconds (`performance.now()` before and after). */
  wallMs: number;
  /** For an `up`: the wall time of the preview the CLI runs first, in milliseconds. */
  previewMs?: number;
  /** Requests the emulator answered during the operation. */
  requests: number;
  /** Of those, answered with 429. */
  tooManyRequests: number;
  /** Time the emulator (in its own process) spent on them, and its CPU. */
  emulator: RemoteEmulatorTime;
  /** CPU used by the process that ran the program (and the Automation API), in milliseconds. */
  benchCpuMs: number;
  /**
   * CPU used by the CLI processes of the operation and the plugins they started and waited for
   * (the dynamic-provider host), in milliseconds; `undefined` without `/proc`.
   */
  cliCpuMs: number | undefined;
  /** Errors the operation reported (at least 1 when the CLI failed). */
  failures: number;
}

/** One operation as the process that ran its program measured it. */
export interface MeasuredRun {
  result: OperationResult & { preview?: OperationResult };
  /** Wall time of the operation, in milliseconds. */
  wallMs: number;
  /** CPU of the process that ran the program (and the Automation API), in milliseconds. */
  benchCpuMs: number;
  /** CPU of the CLI runs and the plugins they started, in milliseconds; `undefined` without `/proc`. */
  cliCpuMs: number | undefined;
}

/** Runs `run` here, in this process, and measures it (see {@link MeasuredRun}). */
export async function measureHere(
  run: () => Promise<OperationResult & { preview?: OperationResult }>,
): Promise<MeasuredRun> {
  const cliBefore = reapedChildrenCpuMs();
  const cpuBefore = ownCpuMs();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const benchCpuMs = ownCpuMs() - cpuBefore;
  const cliAfter = reapedChildrenCpuMs();
  return {
    result,
    wallMs,
    benchCpuMs,
    cliCpuMs: cliBefore !== undefined && cliAfter !== undefined ? cliAfter - cliBefore : undefined,
  };
}

/**
 * Runs one stack operation with the emulator's log cleared first: `measure` runs it (here, with
 * {@link measureHere}, or in a process of its own) and measures its wall time and CPU; this adds
 * the requests the emulator answered and the emulator's time and CPU.
 */
export async function timeOperation(
  emulator: RemoteEmulator,
  measure: () => Promise<MeasuredRun>,
): Promise<TimedOperation> {
  await emulator.reset();
  await emulator.watch();
  const { result, wallMs, benchCpuMs, cliCpuMs } = await measure();
  const emulatorTime = await emulator.unwatch();
  const counters = await emulator.counters();
  return {
    result,
    wallMs,
    ...(result.preview ? { previewMs: result.preview.elapsedMs } : {}),
    requests: counters.total,
    tooManyRequests: counters.byStatus[429] ?? 0,
    emulator: emulatorTime,
    benchCpuMs,
    cliCpuMs,
    failures: result.ok ? result.errors.length : Math.max(1, result.errors.length),
  };
}
