import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, in milliseconds) a process of this machine has used so far, read
 * from `/proc/<pid>/stat`; `undefined` where there is no `/proc` or the process is gone.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: state is field 3 of stat(5), utime field 14, stime field 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    return (ticks / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, in milliseconds) this process has used so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
