import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { Emulator } from "../emulator";
import { atMost, formatBytes, info, type Figure } from "./figures";
import { repoRoot, type ScratchInstall } from "./packageInstall";
import type { ProbeResult } from "./sizeProbe";

const section = "2. State size per resource";
/** The goal: `__provider` at most 2 KB per resource from the tarball. */
const providerGoalBytes = 2048;
/** The baseline for a straightforward dynamic provider. */
const baseline = { tarball: 18 * 1024, source: 30 * 1024 };
/** The stack size the projection is made for. */
const projectedResources = 10_000;

/** Seeded ids the probe registers its resources for. */
export interface ProbeIds {
  userId: string;
  organizationId: string;
  memberUserId: string;
}

const probeSource = path.join(__dirname, "sizeProbe.ts");
/** Runs a child without blocking this process's event loop (the emulator answers the probe from here). */
const execFileAsync = promisify(execFile);
/** The probe prints each `__provider` three times per kind: from source that is over 1 MB, `execFile`'s default limit. */
const run = (file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  execFileAsync(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });

function probeEnv(emulator: Emulator, ids: ProbeIds, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_API_URL: emulator.url,
    PROBE_USER: ids.userId,
    PROBE_ORG: ids.organizationId,
    PROBE_MEMBER: ids.memberUserId,
    ...extra,
  };
}

/** Runs the probe as a plain node script inside the scratch program (the package as users install it). */
async function probeTarball(
  scratch: ScratchInstall,
  emulator: Emulator,
  ids: ProbeIds,
): Promise<ProbeResult[]> {
  const js = ts.transpileModule(fs.readFileSync(probeSource, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const script = path.join(scratch.dir, "probe.js");
  fs.writeFileSync(script, js);
  const { stdout } = await run(process.execPath, [script], {
    cwd: scratch.dir,
    env: probeEnv(emulator, ids),
  });
  return JSON.parse(stdout) as ProbeResult[];
}

/** Runs the same probe with ts-node in this repository, loading `provider/index.ts` from source. */
async function probeSourceTree(emulator: Emulator, ids: ProbeIds): Promise<ProbeResult[]> {
  const { stdout } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", probeSource], {
    cwd: repoRoot,
    env: probeEnv(emulator, ids, { PROBE_PACKAGE: path.join(repoRoot, "provider", "index.ts") }),
  });
  return JSON.parse(stdout) as ProbeResult[];
}

/** Short labels for the kinds in the table. */
const shortNames: Record<string, string> = {
  UserMetadata: "User",
  OrganizationMetadata: "Organization",
  OrganizationMembershipMetadata: "Membership",
};

const bytes = (value: unknown) =>
  Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value), "utf8");

/**
 * Figure 2: what Pulumi stores per resource, for each kind, from the packed tarball installed in
 * a scratch program outside the repository and from source inside it: the `__provider` string
 * and the whole stored resource (inputs and outputs as stored, plain JSON), with the projected
 * cost of `__provider` (stored twice) in a 10,000-resource stack.
 */
export async function measureStateSize(
  scratch: ScratchInstall,
  emulator: Emulator,
  ids: ProbeIds,
): Promise<{ figures: Figure[]; tarballProvider: Record<string, string> }> {
  const figures: Figure[] = [];
  const fromTarball = await probeTarball(scratch, emulator, ids);
  const fromSource = await probeSourceTree(emulator, ids);
  figures.push(
    info(
      {
        section,
        name: "package: tarball size, npm pack + install time",
        value: `${formatBytes(scratch.tarballBytes)}, ${(scratch.packMs / 1000).toFixed(1)} s + ${(scratch.installMs / 1000).toFixed(1)} s`,
      },
      { tarballBytes: scratch.tarballBytes, packMs: scratch.packMs, installMs: scratch.installMs },
    ),
  );
  for (const [origin, results] of [
    ["tarball", fromTarball],
    ["source", fromSource],
  ] as const) {
    for (const result of results) {
      const providerBytes = bytes(result.provider);
      const resourceBytes = bytes({ inputs: result.inputs, outputs: result.outputs });
      const base = {
        section,
        name: `${shortNames[result.type] ?? result.type}, ${origin}: __provider`,
        value: formatBytes(providerBytes),
        raw: { providerBytes, resourceBytes },
      };
      figures.push(
        origin === "tarball"
          ? atMost(base, providerBytes, providerGoalBytes, `≤ 2 KB (baseline ~18 KB)`)
          : info({
              ...base,
              compare: `baseline ~30 KB`,
              note: `${(providerBytes / baseline.source).toFixed(1)}× the baseline from source; not what users install`,
            }),
      );
      figures.push(
        info(
          {
            section,
            name: `${shortNames[result.type] ?? result.type}, ${origin}: stored inputs + outputs`,
            value: formatBytes(resourceBytes),
          },
          resourceBytes,
        ),
      );
    }
    const user = results.find((r) => r.type === "UserMetadata") ?? results[0];
    const providerBytes = bytes(user.provider);
    const resourceBytes = bytes({ inputs: user.inputs, outputs: user.outputs });
    const projected = providerBytes * 2 * projectedResources;
    const baselineProjected = baseline[origin] * 2 * projectedResources;
    figures.push(
      info({
        section,
        name: `10,000 Users, ${origin}: __provider ×2 (whole state)`,
        value: `${formatBytes(projected)} (${formatBytes(resourceBytes * projectedResources)})`,
        compare: `baseline ~${formatBytes(baselineProjected)}`,
        raw: { providerBytesTimesTwo: projected, wholeStateBytes: resourceBytes * projectedResources },
      }),
    );
  }
  return {
    figures,
    tarballProvider: Object.fromEntries(fromTarball.map((r) => [r.type, r.provider])),
  };
}
