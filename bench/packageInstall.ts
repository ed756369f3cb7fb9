import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import Module = require("node:module");
import * as path from "node:path";

/** The repository root (where `package.json` is). */
export const repoRoot = path.resolve(__dirname, "..");

/** The version of `@pulumi/pulumi` the scratch program installs: the one this repository pins. */
const pulumiVersion = "3.248.0";

/** A scratch Pulumi program outside the repository with the packed package installed. */
export interface ScratchInstall {
  /** The scratch program's directory (in the OS temp dir). */
  dir: string;
  /** The tarball `npm pack` produced. */
  tarball: string;
  /** Size of the tarball in bytes. */
  tarballBytes: number;
  /** Milliseconds `npm pack` took (including the `prepack` clean and build). */
  packMs: number;
  /** Milliseconds `npm install` took. */
  installMs: number;
  /** Removes the scratch directory and the tarball. */
  remove(): void;
}

/** `npm …args` in `cwd`; a failure throws with npm's own output. */
export function npm(args: string[], cwd: string): string {
  try {
    return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(
      `npm ${args.join(" ")} failed in ${cwd}:\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`,
    );
  }
}

/** What `npm pack --json` says about the tarball it wrote. */
export interface PackResult {
  filename: string;
  files: { path: string }[];
}

/**
 * Packs the repository as `npm publish` would (`npm pack`, which cleans and builds through
 * `prepack`), from a copy of its files in `destination/source` (tracked and untracked, not
 * ignored; `node_modules` linked), so the repository's own `dist/` is never cleaned under tests
 * that use it meanwhile. The tarball lands in `destination`.
 */
export function packRepository(destination: string): PackResult & { tarball: string } {
  const source = path.join(destination, "source");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file && fs.existsSync(path.join(repoRoot, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(source, file));
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(source, "node_modules"), "dir");
  const packed = (
    JSON.parse(npm(["pack", "--json", "--pack-destination", destination], source)) as PackResult[]
  )[0];
  return { ...packed, tarball: path.join(destination, packed.filename) };
}

/**
 * Packs the repository the way it is published (`npm pack`, which builds through `prepack`)
 * and installs the tarball with `@pulumi/pulumi` into a new scratch program in the OS temp dir,
 * from the npm cache where possible. For programs run in this process (`linkSdk`, the default),
 * the installed `@pulumi/pulumi` is then replaced by a link to this repository's copy (the same
 * version); a program the CLI runs as a project keeps its own copy, as a user's project does.
 */
export function packAndInstall(options: { linkSdk?: boolean } = {}): ScratchInstall {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-"));
  const packDir = path.join(dir, "pack");
  fs.mkdirSync(packDir);
  let started = performance.now();
  const { tarball } = packRepository(packDir);
  const packMs = performance.now() - started;
  const programDir = path.join(dir, "program");
  fs.mkdirSync(programDir);
  fs.writeFileSync(
    path.join(programDir, "package.json"),
    JSON.stringify({ name: "bench-scratch-program", private: true }, null, 2),
  );
  started = performance.now();
  npm(
    ["install", tarball, `@pulumi/pulumi@${pulumiVersion}`, "--prefer-offline", "--no-audit", "--no-fund"],
    programDir,
  );
  const installMs = performance.now() - started;
  if (options.linkSdk ?? true) linkRepositorySdk(programDir);
  return {
    dir: programDir,
    tarball,
    tarballBytes: fs.statSync(tarball).size,
    packMs,
    installMs,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function linkRepositorySdk(programDir: string): void {
  // One copy of the SDK in the process: the Automation API (this repository's `@pulumi/pulumi`)
  // runs the programs in the bench process, and resources registered through a second copy fail
  // ("Request message serialization failure": each copy has its own protobuf classes). The same
  // version, linked, also serves the dynamic-provider host the engine starts in the workspace.
  const sdk = path.join(programDir, "node_modules", "@pulumi", "pulumi");
  fs.rmSync(sdk, { recursive: true, force: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi"), sdk, "dir");
}

/**
 * Lets every module of this process resolve the scratch program's packages, as a user's SDK
 * resolves the packages beside it. Pulumi's closure serializer names a captured module by its
 * package's `exports` entry, and finds the package with `require.resolve` from the SDK's own folder
 * (`@pulumi/pulumi/runtime/closure/package.js`, `getPackageDefinition`); the SDK in use is this
 * repository's (see {@link packAndInstall}), beside which the scratch packages are not installed.
 * The no-op provider's plain `pulumi.dynamic.Resource` needs this; the package writes its own
 * `__provider` from its installed path and does not (test/package/inlineInstalled.spec.ts). Adds the scratch
 * program's `node_modules` to the global search paths (`NODE_PATH`, read again by
 * `Module._initPaths`), after every `node_modules` folder; children do not inherit it.
 */
export function resolveFromScratch(scratch: Pick<ScratchInstall, "dir">): void {
  const before = process.env.NODE_PATH;
  process.env.NODE_PATH = [path.join(scratch.dir, "node_modules"), before]
    .filter(Boolean)
    .join(path.delimiter);
  try {
    (Module as unknown as { _initPaths(): void })._initPaths();
  } finally {
    if (before === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = before;
  }
}
