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
  /** CPU used by this process: the Automation API and the program it runs, in milliseconds. */
  benchCpuMs: number;
  /**
   * CPU used by the CLI processes of the operation and the plugins they started and waited for
   * (the dynamic-provider host), in milliseconds; `undefined` without `/proc`.
   */
  cliCpuMs: number | undefined;
  /** Errors the operation reported (at least 1 when the CLI failed). */
  failures: number;
}

/**
 * Runs one stack operation with the emulator's log cleared first, and measures its wall time, the
 * requests the emulator answered, the emulator's time and CPU, and the CPU of this process and of
 * the CLI runs.
 */
export async function timeOperation(
  emulator: RemoteEmulator,
  run: () => Promise<OperationResult & { preview?: OperationResult }>,
): Promise<TimedOperation> {
  await emulator.reset();
  await emulator.watch();
  const cliBefore = reapedChildrenCpuMs();
  const cpuBefore = ownCpuMs();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const benchCpuMs = ownCpuMs() - cpuBefore;
  const cliAfter = reapedChildrenCpuMs();
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
    cliCpuMs: cliBefore !== undefined && cliAfter !== undefined ? cliAfter - cliBefore : undefined,
    failures: result.ok ? result.errors.length : Math.max(1, result.errors.length),
  };
}
