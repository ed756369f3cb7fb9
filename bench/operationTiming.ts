import type { OperationResult } from "../driver/types";
import { takeStateWrites, type StateWrites } from "./driverStateTiming";
import { ownCpuMs, processCpuMs } from "./processCpu";
import type { RemoteEmulator, RemoteEmulatorTime } from "./remoteEmulator";

/** Everything measured around one stack operation. */
export interface TimedOperation {
  result: OperationResult;
  /** Wall time of the operation, in milliseconds (`performance.now()` before and after). */
  wallMs: number;
  /** Requests the emulator answered during the operation. */
  requests: number;
  /** Of those, answered with 429. */
  tooManyRequests: number;
  /** Time the emulator (in its own process) spent on them, and its CPU. */
  emulator: RemoteEmulatorTime;
  /** The engine driver's state-file writes. */
  stateWrites: StateWrites;
  /** CPU used by this process (the driver and the Pulumi runtime running the program), in milliseconds. */
  benchCpuMs: number;
  /** CPU used by the dynamic-provider host, in milliseconds (`undefined` without `/proc`). */
  hostCpuMs: number | undefined;
}

/**
 * Runs one stack operation with the emulator's log cleared first, and measures its wall time, the
 * requests the emulator answered, the emulator's time and CPU, the driver's state writes and the
 * CPU of this process and of the host (`hostPid`).
 */
export async function timeOperation(
  emulator: RemoteEmulator,
  hostPid: number | undefined,
  run: () => Promise<OperationResult>,
): Promise<TimedOperation> {
  await emulator.reset();
  takeStateWrites();
  await emulator.watch();
  const hostBefore = processCpuMs(hostPid);
  const cpuBefore = ownCpuMs();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const benchCpuMs = ownCpuMs() - cpuBefore;
  const hostAfter = processCpuMs(hostPid);
  const stateWrites = takeStateWrites();
  const emulatorTime = await emulator.unwatch();
  const counters = await emulator.counters();
  return {
    result,
    wallMs,
    requests: counters.total,
    tooManyRequests: counters.byStatus[429] ?? 0,
    emulator: emulatorTime,
    stateWrites,
    benchCpuMs,
    hostCpuMs: hostBefore !== undefined && hostAfter !== undefined ? hostAfter - hostBefore : undefined,
  };
}
