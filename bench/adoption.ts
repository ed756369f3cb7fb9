import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { SeedData } from "../emulator";
import { openBenchStack } from "./benchStack";
import { atMost, formatSeconds, info, type Figure } from "./figures";
import { measureHere, timeOperation } from "./operationTiming";
import type { ScratchInstall } from "./packageInstall";
import { startRemoteEmulator } from "./remoteEmulator";

/** Goal (issue 21): the first `up` within this multiple of ceil(N / min(P, 100)) reads, and no write. */
const readGoal = 1.25;

/** What the adoption runs are given. */
export interface AdoptionOptions {
  scratch: ScratchInstall;
  /** Organizations the instance holds, each with metadata. */
  organizations: number;
  /** The engine's default `--parallel` here. */
  parallel: number;
}

/** An instance of `n` organizations, each with the keys the stack adopts and a key the app wrote. */
function instance(n: number): SeedData {
  return {
    organizations: Array.from({ length: n }, (_, i) => ({
      id: `org_adopt${String(i).padStart(5, "0")}`,
      name: `Adopt ${i}`,
      slug: `adopt-${i}`,
      public_metadata: { plan: i % 3 ? "pro" : "team", limits: { seats: i % 50 }, app: { theme: "dark" } },
    })),
  } as SeedData;
}

/**
 * Figure 7. Adoption of an instance of N organizations by the packed package, in its own
 * emulator process: `pulumi-clerk-metadata generate` (the installed command, taking
 * `publicMetadata.plan` and `publicMetadata.limits`; the app's key stays out), timed with the
 * requests it sent; then the first `up` of a stack whose program is `declareFromFile` of what it
 * wrote (the CLI's preview, then the update), timed with its reads and writes. Goal: at most
 * 1.25 × ceil(N / min(P, 100)) reads and no write, since Clerk holds every declared value.
 */
export async function measureAdoption(options: AdoptionOptions): Promise<Figure[]> {
  const { scratch, organizations: n, parallel } = options;
  const section = `7. Adopting ${n.toLocaleString("en-US")} organizations (generate, then the first up), engine default parallel ${parallel}`;
  const emulator = await startRemoteEmulator({ seed: instance(n) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-adopt-"));
  try {
    const out = path.join(dir, "project");
    fs.mkdirSync(out);
    await emulator.reset();
    await emulator.watch();
    const started = performance.now();
    const cli = path.join(
      scratch.dir,
      "node_modules",
      "pulumi-clerk-metadata",
      "dist",
      "provider",
      "generate",
      "cli.js",
    );
    await promisify(execFile)(
      process.execPath,
      [cli, "generate", "--out", out, "--path", "publicMetadata.plan", "--path", "publicMetadata.limits"],
      { env: { ...process.env, CLERK_SECRET_KEY: emulator.secretKey, CLERK_API_URL: emulator.url } },
    );
    const generateMs = performance.now() - started;
    await emulator.unwatch();
    const generateRequests = (await emulator.counters()).total;

    const { declareFromFile } = require(path.join(scratch.dir, "node_modules", "pulumi-clerk-metadata")) as {
      declareFromFile: (file: string) => unknown;
    };
    const file = path.join(out, "clerk-metadata.json");
    const stack = await openBenchStack({ dir: path.join(dir, "stack"), scratch, emulator });
    const up = await timeOperation(emulator, () =>
      measureHere(() => stack.up(() => void declareFromFile(file))),
    );
    const counters = await emulator.counters();
    const writes = up.requests - (counters.byMethod.GET ?? 0);
    const floor = Math.ceil(n / Math.min(parallel, 100));
    return [
      info({
        section,
        name: "generate: time, requests",
        value: `${formatSeconds(generateMs)}, ${generateRequests} requests`,
        raw: { generateMs: Math.round(generateMs), requests: generateRequests },
        note: "paged organization lists of 100 (and the empty user and membership lists), read-only",
      }),
      atMost(
        {
          section,
          name: "first up: reads (writes)",
          value: `${up.requests - writes} (${writes})`,
          raw: {
            reads: up.requests - writes,
            writes,
            floor,
            wallMs: Math.round(up.wallMs),
            failures: up.failures,
          },
          note: `${formatSeconds(up.wallMs)} (preview ${formatSeconds(up.previewMs ?? 0)}); ${Object.entries(
            up.result.changes,
          )
            .map(([kind, count]) => `${count} ${kind}`)
            .join(", ")}; floor ceil(${n} / ${Math.min(parallel, 100)}) = ${floor}`,
        },
        (up.requests - writes) / floor + (writes || up.failures ? Infinity : 0),
        readGoal,
        `≤ ${readGoal} × ${floor} reads, 0 writes`,
      ),
    ];
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
