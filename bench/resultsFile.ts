import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Figure } from "./figures";

/** Where the last run's figures are written. */
export const resultsFile = path.join(__dirname, "results.json");

/** What `results.json` holds: the machine, when and how long, and every figure of the table. */
export interface Results {
  date: string;
  /** Resources in the large stacks (figures 4 and 6). */
  benchSize: number;
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    /** The 1-minute load average when the run started: other work on the machine skews wall times. */
    loadAverageAtStart: number;
  };
  durationSeconds: number;
  sectionSeconds: Record<string, number>;
  figures: Figure[];
}

/** The 1-minute load average when this module was loaded (at the start of the run). */
const loadAtStart = os.loadavg()[0];

/** The machine the run happens on. */
export function describeMachine(): Results["machine"] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: Math.round(loadAtStart * 100) / 100,
  };
}

/** Writes `results.json` atomically (a temp file renamed over it). */
export function writeResults(results: Results): void {
  const tmp = `${resultsFile}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(tmp, resultsFile);
}
