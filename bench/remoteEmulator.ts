import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { Counters, EmulatorOptions, Fault, RateLimit } from "../emulator";
import type { EmulatorTime } from "./emulatorTiming";
import type { CommandMessage, EmulatorCommand } from "./emulatorProcess";

/** The emulator's time during a watch, plus the CPU its process used. */
export interface RemoteEmulatorTime extends EmulatorTime {
  /** CPU (user + system) of the emulator's process during the watch, in milliseconds. */
  cpuMs: number;
}

/** An emulator running in a child process (see `emulatorProcess.ts`); every control call goes over IPC. */
export interface RemoteEmulator {
  readonly url: string;
  readonly secretKey: string;
  reset(): Promise<void>;
  counters(): Promise<Counters>;
  setRateLimit(limit: RateLimit | false): Promise<void>;
  /** Adds a fault (JSON-serializable: a `path` filter must be a string), e.g. `{ latencyMs: 30 }`. */
  inject(fault: Fault): Promise<void>;
  /** Removes every fault. */
  clearFaults(): Promise<void>;
  /** Starts timing the emulator's requests and CPU. */
  watch(): Promise<void>;
  /** Stops timing and returns the totals since `watch()`. */
  unwatch(): Promise<RemoteEmulatorTime>;
  /** Stops the emulator and its process. */
  stop(): Promise<void>;
}

/** Forks `emulatorProcess.ts` (with ts-node) and starts an emulator there with `options`. */
export async function startRemoteEmulator(options: EmulatorOptions): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(path.join(__dirname, "emulatorProcess.ts"), [], {
    execArgv: ["-r", "ts-node/register/transpile-only"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.result);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code) => {
    for (const pending of waiting.values()) pending.reject(new Error(`emulator process exited with ${code}`));
    waiting.clear();
  });
  const send = <T>(command: EmulatorCommand, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, command, arg } satisfies CommandMessage);
    });
  const { url, secretKey } = await send<{ url: string; secretKey: string }>("start", options);
  return {
    url,
    secretKey,
    reset: () => send("reset"),
    counters: () => send("counters"),
    setRateLimit: (limit) => send("setRateLimit", limit),
    inject: (fault) => send("inject", fault),
    clearFaults: () => send("clearFaults"),
    watch: () => send("watch"),
    unwatch: () => send("unwatch"),
    stop: async () => {
      await send("stop").catch(() => undefined);
      await exited;
    },
  };
}
