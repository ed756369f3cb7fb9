import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
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

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Packs the repository the way it is published (`npm pack`, which builds through `prepack`)
 * and installs the tarball with `@pulumi/pulumi` into a new scratch program in the OS temp dir,
 * from the npm cache where possible.
 */
export function packAndInstall(): ScratchInstall {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-"));
  const packDir = path.join(dir, "pack");
  fs.mkdirSync(packDir);
  let started = performance.now();
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", packDir], repoRoot)) as {
    filename: string;
  }[];
  const packMs = performance.now() - started;
  const tarball = path.join(packDir, packed[0].filename);
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
  return {
    dir: programDir,
    tarball,
    tarballBytes: fs.statSync(tarball).size,
    packMs,
    installMs,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
