/**
 * Pulumi projects run as a user types it: the `pulumi` binary in the project's folder, the nodejs
 * language host running the program (TypeScript, CommonJS or ESM as the project says), a file
 * backend and the passphrase secrets provider in a folder of the caller's. Each operation's
 * engine events come from the CLI's own `--event-log`, so results have the shape the inline route
 * gives (engine/stack.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { lastPhase, resultOf } from "./results";
import { cliEnvironment, runPulumi, type CliRun } from "./cli";
import { readState } from "./state";
import type { OperationResult, StackState } from "./types";

/**
 * A project folder in `dir` that runs the project in `programDir`: its `Pulumi.yaml` with `main`
 * made absolute (the engine allows it: pkg/engine/project.go `getPwdMain`), so the stack's config
 * file lands in `dir`, not beside the program.
 */
export function projectFor(programDir: string, dir: string): string {
  const own = fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8");
  const main = /^main:\s*(.+)$/m.exec(own)?.[1]?.trim() ?? ".";
  fs.mkdirSync(dir, { recursive: true });
  const rest = own.replace(/^main:.*$/m, "").trimEnd();
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `${rest}\nmain: ${JSON.stringify(path.resolve(programDir, main))}\n`,
  );
  return dir;
}

/** A config value: plain, or `{ value, secret: true }` (stored encrypted). */
export type ConfigValue = string | { value: string; secret: true };

/** Options for {@link openProject}. */
export interface ProjectOptions {
  /** The project's folder (holds `Pulumi.yaml`). */
  projectDir: string;
  /** A folder of the caller's for the backend, `PULUMI_HOME` and event logs. */
  stateDir: string;
  stack?: string;
  /** Config to set: plain values, or `{ value, secret: true }` (set with `--secret`). */
  config?: Record<string, ConfigValue>;
  env?: Record<string, string>;
  onOutput?: (text: string) => void;
}

/** A stack of a project, driven by the `pulumi` CLI as typed. */
export interface ProjectStack {
  /** `pulumi preview [--refresh] [--diff] [--expect-no-changes]`. */
  preview(flags?: string[]): Promise<OperationResult>;
  /** `pulumi up --yes [flags]`: the CLI runs its preview first unless `--skip-preview` is among the flags. */
  up(flags?: string[]): Promise<OperationResult>;
  refresh(flags?: string[]): Promise<OperationResult>;
  destroy(flags?: string[]): Promise<OperationResult>;
  /** `pulumi config set-all --plaintext|--secret key=value`. */
  setConfig(key: string, value: ConfigValue): Promise<void>;
  state(): Promise<StackState>;
  /** Any other command on this stack. */
  run(args: string[]): Promise<CliRun>;
  readonly env: Record<string, string>;
  readonly backendDir: string;
}

/** Selects (creating when needed) a stack of the project in `projectDir`, with its config set. */
export async function openProject(options: ProjectOptions): Promise<ProjectStack> {
  const stack = options.stack ?? "dev";
  // `--event-log` exists only with PULUMI_DEBUG_COMMANDS set (pkg/cmd/pulumi/operations/up.go, v3.248.0),
  // as the Automation API sets it.
  const env = { ...cliEnvironment(options.stateDir, options.env), PULUMI_DEBUG_COMMANDS: "true" };
  let logs = 0;
  const run = (args: string[], onOutput?: (text: string) => void) =>
    runPulumi([...args, "--stack", stack], { cwd: options.projectDir, env, onOutput });
  const must = async (args: string[]) => {
    const result = await run(args);
    if (result.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    return result;
  };

  const select = await runPulumi(["stack", "select", "--create", stack, "--secrets-provider", "passphrase"], {
    cwd: options.projectDir,
    env,
  });
  if (select.code !== 0) {
    throw new Error(`pulumi stack select --create ${stack} failed: ${select.stderr || select.stdout}`);
  }
  /** Sets every entry in one CLI run (`config set-all`), each plain or `--secret`. */
  const setAllConfig = async (entries: [string, ConfigValue][]) => {
    const flags = entries.flatMap(([key, value]) =>
      typeof value === "string" ? ["--plaintext", `${key}=${value}`] : ["--secret", `${key}=${value.value}`],
    );
    if (flags.length > 0) await must(["config", "set-all", ...flags]);
  };
  const setConfig = (key: string, value: ConfigValue) => setAllConfig([[key, value]]);
  await setAllConfig(Object.entries(options.config ?? {}));

  async function operation(
    operation: OperationResult["operation"],
    args: string[],
  ): Promise<OperationResult> {
    const eventLog = path.join(options.stateDir, `events-${++logs}.jsonl`);
    const cli = await run([...args, "--event-log", eventLog], options.onOutput);
    const events = fs.existsSync(eventLog)
      ? fs
          .readFileSync(eventLog, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as EngineEvent)
      : [];
    return resultOf(operation, lastPhase(events), {
      ok: cli.code === 0,
      stdout: cli.stdout,
      stderr: cli.stderr,
      elapsedMs: cli.elapsedMs,
    });
  }

  return {
    preview: (flags = []) => operation("preview", ["preview", ...flags]),
    up: (flags = []) => operation("update", ["up", "--yes", ...flags]),
    refresh: (flags = []) => operation("refresh", ["refresh", "--yes", ...flags]),
    destroy: (flags = []) => operation("destroy", ["destroy", "--yes", ...flags]),
    setConfig,
    state: async () => readState((await must(["stack", "export", "--show-secrets"])).stdout),
    run,
    env,
    backendDir: path.join(options.stateDir, "backend"),
  };
}
