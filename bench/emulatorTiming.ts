import * as diagnostics from "node:diagnostics_channel";
import type { Server } from "node:http";

/** What the emulator spent on requests while a watch ran. */
export interface EmulatorTime {
  /** Requests whose answer finished during the watch. */
  requests: number;
  /** Milliseconds during which at least one request was inside the emulator (union of intervals). */
  busyMs: number;
  /** Sum of every request's time inside the emulator, in milliseconds (overlaps counted twice). */
  sumMs: number;
}

/** A running watch; `stop()` ends it and returns the totals. */
export interface EmulatorWatch {
  stop(): EmulatorTime;
}

interface ServerMessage {
  response: object;
  server: Server;
}

/**
 * Watches the emulator listening at `url` (which runs in this process) through Node's
 * `http.server.request.start` and `http.server.response.finish` diagnostics channels: each
 * request is inside the emulator from the moment Node has parsed its headers until its answer is
 * written, timed with `performance.now()`. Other HTTP servers of the process are ignored.
 */
export function watchEmulator(url: string): EmulatorWatch {
  const port = Number(new URL(url).port);
  const started = new WeakMap<object, number>();
  const intervals: [number, number][] = [];
  const ours = (message: ServerMessage) => {
    const address = message.server.address();
    return typeof address === "object" && address !== null && address.port === port;
  };
  const onStart = (message: unknown) => {
    const m = message as ServerMessage;
    if (ours(m)) started.set(m.response, performance.now());
  };
  const onFinish = (message: unknown) => {
    const m = message as ServerMessage;
    const start = started.get(m.response);
    if (start !== undefined && ours(m)) intervals.push([start, performance.now()]);
  };
  diagnostics.subscribe("http.server.request.start", onStart);
  diagnostics.subscribe("http.server.response.finish", onFinish);
  return {
    stop: () => {
      diagnostics.unsubscribe("http.server.request.start", onStart);
      diagnostics.unsubscribe("http.server.response.finish", onFinish);
      return { requests: intervals.length, busyMs: unionLength(intervals), sumMs: sumLength(intervals) };
    },
  };
}

function sumLength(intervals: readonly [number, number][]): number {
  return intervals.reduce((total, [start, end]) => total + (end - start), 0);
}

/** The total length covered by at least one interval. */
function unionLength(intervals: readonly [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [currentStart, currentEnd] = sorted[0] ?? [0, 0];
  for (const [start, end] of sorted.slice(1)) {
    if (start > currentEnd) {
      total += currentEnd - currentStart;
      [currentStart, currentEnd] = [start, end];
    } else currentEnd = Math.max(currentEnd, end);
  }
  return total + (currentEnd - currentStart);
}
