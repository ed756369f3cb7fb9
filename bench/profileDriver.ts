/**
 * `npm run bench:profile [-- N]`: where the engine driver's own time goes (issue 9). Packs and installs
 * the package as `npm run bench` does (so `__provider` is the small installed-package `require`),
 * seeds an emulator in its own process with N users (default 1,000), creates N `UserMetadata`
 * through the driver and the real dynamic-provider host, then runs two no-change `up`s (no request
 * at all), one with `skipPreview` and one with the preview the CLI runs first, each under the V8
 * CPU profiler of this process (`inspector` Session). It prints:
 *
 * - the wall time, this process's CPU and the host's CPU of each run;
 * - the Check and Diff RPCs the driver sent: count and mean round trip, timed around
 *   `ProviderHost.check`/`diff` (the driver runs them one at a time, like the engine's step generator,
 *   so their sum is a lower bound of the wall time);
 * - self time by file group and the top 15 functions by self time, from the profile;
 * - inclusive time per resource of the driver's main entries (collect's registerResource, toStruct/fromStruct,
 *   the Pulumi runtime's serialization).
 *
 * Nothing is asserted and nothing is written; `--write <file>` saves the two .cpuprofile files' prefix.
 */
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as os from "node:os";
import * as path from "node:path";
import { createStack } from "../driver/engine";
import { ProviderHost } from "../driver/host";
import { packAndInstall } from "./packageInstall";
import { ownCpuMs, processCpuMs } from "./processCpu";
import { startRemoteEmulator } from "./remoteEmulator";

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
const writeIndex = process.argv.indexOf("--write");
const writePrefix = writeIndex > 0 ? process.argv[writeIndex + 1] : undefined;
const parallel = 50;
/** Sampling interval of the profiler in microseconds. */
const samplingUs = 250;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const repo = path.resolve(__dirname, "..");

/** The file group a frame's url belongs to. */
function groupOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "");
  if (url === "") {
    if (frame.functionName === "(garbage collector)") return "V8: garbage collector";
    if (frame.functionName === "(idle)") return "idle (waiting for the host)";
    if (frame.functionName === "(program)") return "V8/native (program)";
    return "V8/native builtins";
  }
  if (url.startsWith("node:")) return "node: internals";
  if (url.includes("@pulumi/pulumi/runtime/")) return "@pulumi/pulumi runtime/*";
  if (url.includes("@pulumi/pulumi/proto/")) return "@pulumi/pulumi proto/* (generated protobuf)";
  if (url.includes("@pulumi/pulumi/")) return "@pulumi/pulumi other (output.ts, resource.ts, …)";
  if (url.includes("@grpc/")) return "grpc-js";
  if (url.includes("google-protobuf")) return "google-protobuf";
  if (url.includes("/ts-node/") || url.includes("/typescript/")) return "ts-node / typescript";
  if (url.startsWith(path.join(repo, "driver"))) return `driver/${path.basename(url)}`;
  if (url.startsWith(path.join(repo, "bench"))) return "bench/*";
  if (url.includes("pulumi-clerk-metadata")) return "provider package (program side)";
  if (url.includes("node_modules"))
    return `other node_modules (${url.split("node_modules/").pop()?.split("/")[0]})`;
  return url;
}

function frameName(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "");
  const short = url.includes("node_modules/")
    ? url.slice(url.lastIndexOf("node_modules/") + "node_modules/".length)
    : url.startsWith(repo)
      ? path.relative(repo, url)
      : url;
  return `${frame.functionName || "(anonymous)"} ${short ? `${short}:${frame.lineNumber + 1}` : ""}`.trim();
}

interface Aggregate {
  totalMs: number;
  byGroup: Map<string, number>;
  selfByFunction: Map<string, number>;
  inclusiveByFunction: Map<string, number>;
}

/** Self time by group and by function, and inclusive time by function, from the samples' time deltas. */
function aggregate(profile: Profile): Aggregate {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byGroup = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  let totalMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample: charge it to the sample that ends it.
    const ms = (profile.timeDeltas[i + 1] ?? samplingUs) / 1000;
    totalMs += ms;
    const node = byId.get(profile.samples[i])!;
    add(byGroup, groupOf(node.callFrame), ms);
    add(selfByFunction, frameName(node.callFrame), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(inclusiveByFunction, name, ms);
    }
  }
  return { totalMs, byGroup, selfByFunction, inclusiveByFunction };
}

function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
  );
}

interface RpcTimes {
  check: { calls: number; ms: number };
  diff: { calls: number; ms: number };
}

/** Wraps the host's check and diff (this instance only) with wall-time counters. */
function timeRpcs(host: ProviderHost): RpcTimes {
  const times: RpcTimes = { check: { calls: 0, ms: 0 }, diff: { calls: 0, ms: 0 } };
  for (const method of ["check", "diff"] as const) {
    const original = host[method].bind(host) as (...args: unknown[]) => Promise<unknown>;
    (host as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        times[method].calls++;
        times[method].ms += performance.now() - started;
      }
    };
  }
  return times;
}

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const perResource = (v: number) => `${(v / n).toFixed(2)} ms/res`;

function report(
  name: string,
  wallMs: number,
  cpuMs: number,
  hostCpuMs: number | undefined,
  rpc: RpcTimes,
  agg: Aggregate,
) {
  const lines: string[] = [];
  lines.push(`\n=== ${name}: ${n} resources, parallel ${parallel} ===`);
  lines.push(
    `wall ${ms(wallMs)} (${perResource(wallMs)}); this process CPU ${ms(cpuMs)} (${perResource(cpuMs)}); host CPU ${hostCpuMs === undefined ? "n/a" : `${ms(hostCpuMs)} (${perResource(hostCpuMs)})`}`,
  );
  for (const method of ["check", "diff"] as const) {
    const t = rpc[method];
    lines.push(
      `${method} RPCs: ${t.calls}, mean round trip ${(t.ms / Math.max(1, t.calls)).toFixed(2)} ms, sum ${ms(t.ms)} (${pct(t.ms, wallMs)} of wall)`,
    );
  }
  lines.push(`profile: ${ms(agg.totalMs)} sampled at ${samplingUs} µs`);
  lines.push("self time by group:");
  for (const [group, t] of [...agg.byGroup].sort((a, b) => b[1] - a[1]))
    lines.push(
      `  ${group.padEnd(52)} ${ms(t).padStart(9)} ${pct(t, agg.totalMs).padStart(6)} ${perResource(t).padStart(14)}`,
    );
  lines.push("top 15 functions by self time:");
  for (const [fn, t] of [...agg.selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, 15))
    lines.push(`  ${ms(t).padStart(9)} ${pct(t, agg.totalMs).padStart(6)}  ${fn}`);
  lines.push("inclusive time of selected entries:");
  const wanted = [
    /^collectNow /,
    /registerResource driver\/collect/,
    /^(check|diff) driver\/host/,
    /^toStruct driver\/host/,
    /^fromStruct driver\/host/,
    /^call driver\/host/,
    /^planStep driver\/engine/,
    /^registerStep driver\/engine/,
    /^prepareResource .*runtime\/resource/,
    /^serializeProperty .*runtime\/rpc/,
    /^serializeProperties .*runtime\/rpc/,
    /^deserializeProperties? .*runtime\/rpc/,
    /^(registerResource|readResource) .*runtime\/resource/,
    /^serializeMessage|sendUnaryMessage|onReceiveMessage|_write .*grpc/,
    /^deepEqual|^unwrapSecrets|^objectDiff/,
    /^(fromJavaScript|toJavaScript) .*google-protobuf|struct_pb/,
    /^(serializeBinary|deserializeBinary)/,
    /^\(garbage collector\)/,
  ];
  const picked = [...agg.inclusiveByFunction]
    .filter(([fn]) => wanted.some((re) => re.test(fn)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25);
  for (const [fn, t] of picked) lines.push(`  ${ms(t).padStart(9)} ${perResource(t).padStart(14)}  ${fn}`);
  console.log(lines.join("\n"));
}

async function main(): Promise<void> {
  const started = performance.now();
  const userIds = Array.from({ length: n }, (_, i) => `user_prof${String(i).padStart(5, "0")}`);
  console.error(`profile: npm pack + install…`);
  const scratch = packAndInstall();
  const emulator = await startRemoteEmulator({
    seed: { users: userIds.map((id) => ({ id, first_name: "Prof" })) },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-profile-"));
  const host = await ProviderHost.start({ cwd: scratch.dir });
  const hostPid = (host as unknown as { child: { pid?: number } }).child.pid;
  const session = new inspector.Session();
  session.connect();
  try {
    const { UserMetadata } = require(path.join(scratch.dir, "node_modules", "pulumi-clerk-metadata")) as {
      UserMetadata: new (name: string, args: object) => unknown;
    };
    const program = () => {
      userIds.forEach(
        (userId, i) => new UserMetadata(`user-${i}`, { userId, publicMetadata: { bench: { n: i } } }),
      );
    };
    const stack = createStack({
      stateFile: path.join(dir, "state.json"),
      config: {
        "clerk:secretKey": { value: emulator.secretKey, secret: true },
        "clerk:apiUrl": emulator.url,
        "clerk:rateLimit": "off",
      },
      host,
      parallel,
    });
    console.error(`profile: creating ${n} resources…`);
    const created = await stack.up(program, { skipPreview: true });
    if (created.errors.length > 0) throw new Error(created.errors.slice(0, 3).join("; "));
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: samplingUs });
    for (const [name, skipPreview] of [
      ["no-change up, skipPreview", true],
      ["no-change up, with preview", false],
    ] as const) {
      console.error(`profile: ${name}…`);
      const rpc = timeRpcs(host);
      await emulator.reset();
      const hostBefore = processCpuMs(hostPid);
      const cpuBefore = ownCpuMs();
      await post(session, "Profiler.start");
      const t = performance.now();
      const result = await stack.up(program, { skipPreview });
      const wallMs = performance.now() - t;
      const { profile } = await post<{ profile: Profile }>(session, "Profiler.stop");
      const cpuMs = ownCpuMs() - cpuBefore;
      const hostAfter = processCpuMs(hostPid);
      // Restore the unwrapped methods for the next run.
      delete (host as unknown as Record<string, unknown>).check;
      delete (host as unknown as Record<string, unknown>).diff;
      const requests = (await emulator.counters()).total;
      if (result.errors.length > 0 || requests > 0)
        console.error(
          `profile: ${name}: ${result.errors.length} errors, ${requests} requests (expected none)`,
        );
      if (writePrefix)
        fs.writeFileSync(
          `${writePrefix}-${skipPreview ? "skip" : "preview"}.cpuprofile`,
          JSON.stringify(profile),
        );
      report(
        name,
        wallMs,
        cpuMs,
        hostBefore !== undefined && hostAfter !== undefined ? hostAfter - hostBefore : undefined,
        rpc,
        aggregate(profile),
      );
    }
  } finally {
    session.disconnect();
    await host.stop();
    await emulator.stop();
    scratch.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.error(`profile: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
