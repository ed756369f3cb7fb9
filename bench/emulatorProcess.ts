/**
 * Child-process entry for the large stacks: runs a Clerk emulator in its own process, so that its
 * request handling is timed without the bench process (where the Automation API runs the
 * programs) in the way, and the bench process's CPU is the program's alone. Controlled over IPC by
 * `remoteEmulator.ts`: each message `{ id, command, arg }` is answered with `{ id, result }` or
 * `{ id, error }`.
 */
import { startEmulator, type Emulator, type EmulatorOptions, type Fault } from "../emulator";
import { watchEmulator, type EmulatorWatch } from "./emulatorTiming";

/** A command the parent sends. */
export type EmulatorCommand =
  "start" | "reset" | "counters" | "setRateLimit" | "inject" | "clearFaults" | "watch" | "unwatch" | "stop";

/** A message from the parent. */
export interface CommandMessage {
  id: number;
  command: EmulatorCommand;
  arg?: unknown;
}

let emulator: Emulator | undefined;
let watch: { watch: EmulatorWatch; cpu: NodeJS.CpuUsage } | undefined;

async function handle(command: EmulatorCommand, arg: unknown): Promise<unknown> {
  if (command === "start") {
    emulator = await startEmulator(arg as EmulatorOptions);
    return { url: emulator.url, secretKey: emulator.secretKey };
  }
  if (!emulator) throw new Error("emulator not started");
  switch (command) {
    case "reset":
      return emulator.reset();
    case "counters":
      return emulator.counters();
    case "setRateLimit":
      return emulator.setRateLimit(arg as Parameters<Emulator["setRateLimit"]>[0]);
    case "inject":
      return emulator.inject(arg as Fault);
    case "clearFaults":
      return emulator.clearFaults();
    case "watch":
      watch = { watch: watchEmulator(emulator.url), cpu: process.cpuUsage() };
      return undefined;
    case "unwatch": {
      if (!watch) throw new Error("not watching");
      const cpu = process.cpuUsage(watch.cpu);
      const time = watch.watch.stop();
      watch = undefined;
      return { ...time, cpuMs: (cpu.user + cpu.system) / 1000 };
    }
    case "stop":
      await emulator.stop();
      setImmediate(() => process.disconnect());
      return undefined;
  }
}

process.on("message", (message: CommandMessage) => {
  handle(message.command, message.arg).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});

// The bench is this process's only user: when it goes (finished, killed, crashed), so does the emulator.
process.on("disconnect", () => process.exit(0));
