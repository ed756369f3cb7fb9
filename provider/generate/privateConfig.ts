import { spawn } from "node:child_process";
import { jsonEqual } from "../core/json";
import { privateConfigNamespace } from "../declarations/format";
import { GenerateError } from "./failures";
import type { PrivateValue } from "./select";

/**
 * The longest command line one `pulumi config set-all` gets, in characters of its arguments:
 * far below Linux's 128 KiB per argument and 2 MiB in all, macOS's 1 MiB and Windows' 32,767
 * characters. A private field is at most 8 KB, so a chunk holds at least one.
 */
export const maxCommandChars = 24_000;

/** How to run the Pulumi CLI for one stack. */
export interface PulumiTarget {
  /** The CLI: `$PULUMI_CLI`, else `pulumi` on PATH. */
  cli: string;
  /** The project folder, where the CLI runs. */
  cwd: string;
  stack: string;
  /** The environment of the CLI (without the Clerk secret key). */
  env: NodeJS.ProcessEnv;
}

/** What storing the private metadata did. */
export interface StoredPrivateConfig {
  /** Keys set now (new or changed). */
  written: string[];
  /** Keys that already held the same value as a secret: left alone, so their ciphertext does not churn. */
  unchanged: string[];
  /** `clerk-private:` keys of the stack that no entry names any more (left in place). */
  unused: string[];
}

/**
 * The arguments of the `pulumi config set-all` runs that set `values` as secrets
 * (`--secret clerk-private:<key>=<json>`), in order, each run's arguments at most `maxChars`
 * characters long (a single value longer than that gets a run of its own).
 */
export function setAllCommands(
  target: Pick<PulumiTarget, "stack">,
  values: readonly PrivateValue[],
  maxChars = maxCommandChars,
): string[][] {
  const head = ["config", "set-all", "--non-interactive", "--stack", target.stack];
  const headChars = head.reduce((sum, arg) => sum + arg.length + 1, 0);
  const commands: string[][] = [];
  let current: string[] = [];
  let chars = headChars;
  for (const { key, value } of values) {
    const pair = ["--secret", `${privateConfigNamespace}:${key}=${JSON.stringify(value)}`];
    const size = pair[0].length + pair[1].length + 2;
    if (current.length > 0 && chars + size > maxChars) {
      commands.push([...head, ...current]);
      current = [];
      chars = headChars;
    }
    current.push(...pair);
    chars += size;
  }
  if (current.length > 0) commands.push([...head, ...current]);
  return commands;
}

/** The stack's config values as `pulumi config --json --show-secrets` prints them, by full key. */
export type StackConfig = Map<string, { value?: string; secret?: boolean }>;

/**
 * Stores each entity's private metadata as a secret config value of the stack
 * (`clerk-private:<key>` holding its JSON) with `pulumi config set-all --secret …`, run in the
 * project folder, in chunks of at most `maxCommandChars`. Values `current` (from
 * {@link readStackConfig}) already holds as secrets are left alone, so their ciphertext does not
 * change in `Pulumi.<stack>.yaml`. A failure throws a `GenerateError` with the CLI's stderr, in
 * which every value being set is replaced by `[private value]`; values of earlier chunks stay set
 * (running again finishes the job).
 */
export async function storePrivateConfig(
  target: PulumiTarget,
  values: readonly PrivateValue[],
  current: StackConfig,
): Promise<StoredPrivateConfig> {
  const unchanged: string[] = [];
  const changed: PrivateValue[] = [];
  for (const value of values) {
    const held = current.get(`${privateConfigNamespace}:${value.key}`);
    if (held?.secret && held.value !== undefined && sameJson(held.value, value.value))
      unchanged.push(value.key);
    else changed.push(value);
  }
  const wanted = new Set(values.map((value) => `${privateConfigNamespace}:${value.key}`));
  const unused = [...current.keys()].filter(
    (key) => key.startsWith(`${privateConfigNamespace}:`) && !wanted.has(key),
  );
  for (const args of setAllCommands(target, changed)) {
    const run = await runPulumi(target, args);
    if (run.code === null) throw new GenerateError(run.failure);
    if (run.code !== 0) {
      const secrets = changed.map((value) => JSON.stringify(value.value));
      throw new GenerateError(
        `\`${target.cli} config set-all --stack ${target.stack} --secret ${privateConfigNamespace}:<key>=<json> …\` ` +
          `failed (${run.failure}) in ${target.cwd}: ${hide(run.stderr, secrets) || "(no output on stderr)"}`,
      );
    }
  }
  return { written: changed.map((value) => value.key), unchanged, unused: unused.sort() };
}

/**
 * The stack's config, read with `pulumi config --json --show-secrets` in the project folder: run
 * before Clerk is read, so a wrong folder, stack or CLI fails first. Throws a `GenerateError`
 * naming the fix when the CLI does not run or fails.
 */
export async function readStackConfig(target: PulumiTarget): Promise<StackConfig> {
  const run = await runPulumi(target, [
    "config",
    "--json",
    "--show-secrets",
    "--non-interactive",
    "--stack",
    target.stack,
  ]);
  if (run.code === null) throw new GenerateError(`${run.failure}; nothing was written.`);
  if (run.code !== 0) {
    throw new GenerateError(
      `\`${target.cli} config --json --stack ${target.stack}\` failed (${run.failure}) in ${target.cwd}: ` +
        `${hide(run.stderr, []) || "(no output on stderr)"}. --out must be the Pulumi project folder, and --stack a stack of it ` +
        "(`pulumi stack init NAME`); nothing was written.",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new GenerateError(`\`${target.cli} config --json --stack ${target.stack}\` printed no JSON.`);
  }
  const entries = Object.entries((parsed ?? {}) as Record<string, { value?: unknown; secret?: unknown }>);
  return new Map(
    entries.map(([key, item]) => [
      key,
      { value: typeof item?.value === "string" ? item.value : undefined, secret: item?.secret === true },
    ]),
  );
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return jsonEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
}

/** `text`, trimmed, with each of `secrets` replaced by `[private value]`. */
function hide(text: string, secrets: readonly string[]): string {
  let out = text.trim();
  for (const secret of secrets) if (secret.length > 2) out = out.split(secret).join("[private value]");
  return out;
}

/** Runs the CLI and collects its output; resolves (never rejects) with the exit code or why it did not run. */
function runPulumi(
  target: PulumiTarget,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; failure: string }> {
  return new Promise((resolve) => {
    const child = spawn(target.cli, args, {
      cwd: target.cwd,
      env: target.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => {
      const failure =
        error.code === "ENOENT"
          ? `the Pulumi CLI ${JSON.stringify(target.cli)} was not found: install it (https://www.pulumi.com/docs/install/) or set PULUMI_CLI to its path`
          : `the Pulumi CLI ${JSON.stringify(target.cli)} did not start (${error.message})`;
      resolve({ code: null, stdout, stderr, failure });
    });
    child.on("close", (code, signal) =>
      resolve({ code, stdout, stderr, failure: signal ? `killed by ${signal}` : `exit code ${code}` }),
    );
  });
}
