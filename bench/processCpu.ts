import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

let ticksPerSecond: number | undefined;

/** Fields of `/proc/<pid>/stat` after the command name, in clock ticks; `undefined` without `/proc`. */
function statTicks(pid: number | "self"): number[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
  } catch {
    return undefined;
  }
}

function ticksToMs(ticks: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return (ticks / ticksPerSecond) * 1000;
}

/** CPU time (user + system, in milliseconds) this process has used so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time (user + system, in milliseconds) of this process's children that have ended and been
 * waited for, their own waited-for children included (`cutime` + `cstime` of `/proc/self/stat`,
 * proc(5)): after a CLI run, the CLI and every plugin it started and waited for.
 * `undefined` where there is no `/proc`.
 */
export function reapedChildrenCpuMs(): number | undefined {
  const fields = statTicks("self");
  // After the command name, state is field 3 of stat(5): cutime (16) and cstime (17) are at 13 and 14.
  return fields ? ticksToMs(fields[13] + fields[14]) : undefined;
}
