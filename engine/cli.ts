/**
 * Running the `pulumi` CLI: the environment every run gets (an isolated `PULUMI_HOME`, a local file
 * backend, the passphrase secrets provider, no update checks or plugin downloads) and one process
 * run to completion. Nothing here reaches a network.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureToolchain } from "./toolchain";

/** The passphrase of every stack the tests and `npm start` create (a test secret, not a credential). */
export const testPassphrase = "pulumi-clerk-metadata-tests";

/** The environment of every CLI run: isolated `PULUMI_HOME`, file backend, passphrase, no update checks. */
export function cliEnvironment(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = path.join(dir, "pulumi-home");
  const backend = path.join(dir, "backend");
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(backend, { recursive: true });
  return {
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...extra,
  };
}

/** What one CLI process did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Options for {@link runPulumi}. */
export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Receives stdout as it arrives (the CLI's display). */
  onOutput?: (text: string) => void;
  /** Called with the child once it started (to kill it in a test). */
  onStart?: (child: ChildProcess) => void;
}

/** Runs `pulumi …args` to completion; never throws for a non-zero exit. */
export function runPulumi(args: string[], options: RunOptions): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(ensureToolchain().pulumi, [...args, "--non-interactive"], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onStart?.(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onOutput?.(chunk.toString());
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started }),
    );
  });
}
