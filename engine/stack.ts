/**
 * Stacks run by Pulumi's own CLI through the Automation API's inline route (`LocalWorkspace` with
 * `program`: the CLI is given `--client` and talks to a language server inside this process). State
 * lives in a local file backend and secrets use the passphrase provider, both in folders the caller
 * names; nothing reaches a network but the Clerk URL in the stack's config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack as AutomationStack,
  StackAlreadyExistsError,
  type ConfigMap,
  type EngineEvent,
} from "@pulumi/pulumi/automation";
import { cliEnvironment, runPulumi } from "./cli";
import { resultOf } from "./results";
import { readState } from "./state";
import { ensureToolchain } from "./toolchain";
import type { OperationResult, StackState } from "./types";

const repoRoot = path.resolve(__dirname, "..");

/**
 * Each program run gets gRPC connections of its own. The Automation API runs every inline
 * program in this process, and the SDK's clients share grpc-js's process-wide subchannel pool,
 * keyed by address: a new run's monitor on a port an earlier run used can meet that run's dead
 * connection state, and the program's first call fails with UNAVAILABLE ("No connection
 * established"). The inline language server takes UNAVAILABLE from a program as success
 * (sdk/nodejs/automation/server.ts, `LanguageServer.run`, v3.248.0), so the engine would delete
 * every resource of the stack (seen in the full suite: a conflict test lost its keys).
 */
function ownConnectionsPerRun(): void {
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    grpcChannelOptions: Record<string, unknown>;
    grpcClientOptions: Record<string, unknown>;
  };
  settings.grpcChannelOptions["grpc.use_local_subchannel_pool"] = 1;
  settings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;
}
ownConnectionsPerRun();

/** A program as the Automation API runs it inline; what it returns becomes the stack's outputs. */
export type Program = () => unknown;

/** Options for {@link createStack}. */
export interface StackOptions {
  /** A folder of the caller's: the backend, the workspace and `PULUMI_HOME` live under it. */
  dir: string;
  /** Stack config, e.g. `{ "clerk:secretKey": { value: "sk_…", secret: true } }`. */
  config?: ConfigMap;
  /** `--parallel` (default: the CLI's own). */
  parallel?: number;
  /** Extra environment variables for the CLI and the plugins it starts. */
  env?: Record<string, string>;
  /** Receives the CLI's display, line by line. */
  onOutput?: (text: string) => void;
  project?: string;
  stack?: string;
}

/** Options for preview and up. */
export interface PlanOptions {
  /** `--refresh`. */
  refresh?: boolean;
  /** `--expect-no-changes`. */
  expectNoChanges?: boolean;
  /** `--diff`: the display shows each changed property. */
  diff?: boolean;
  /** `up` only: like `pulumi up --skip-preview`. Without it, `up` runs a preview first, as the CLI does, and stops if it fails. */
  skipPreview?: boolean;
}

/** Options for refresh. */
export interface RefreshOptions {
  expectNoChanges?: boolean;
}

/** A stack driven by the real CLI. Operations on one stack run one at a time. */
export interface Stack {
  readonly name: string;
  /** The folder holding the file backend (`file://…`), for tests that scan what the backend wrote. */
  readonly backendDir: string;
  preview(program: Program, options?: PlanOptions): Promise<OperationResult>;
  /** `pulumi up`; `preview` holds the result of the preview it ran first (none with `skipPreview`). */
  up(program: Program, options?: PlanOptions): Promise<OperationResult & { preview?: OperationResult }>;
  refresh(options?: RefreshOptions): Promise<OperationResult>;
  destroy(): Promise<OperationResult>;
  /** `pulumi stack export --show-secrets`, parsed. */
  state(): Promise<StackState>;
  /** Runs any other CLI command on this stack (`["stack", "export"]`, `["cancel"]`…) and returns stdout. */
  cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  /** The environment every CLI run of this stack gets. */
  readonly env: Record<string, string>;
}

/**
 * Creates the stack, or selects it when it exists: `createOrSelect` tries `stack select` first,
 * one CLI run (about 0.3 s) that fails for every new stack, which is most of them here.
 */
async function createOrSelect(name: string, workspace: LocalWorkspace): Promise<AutomationStack> {
  try {
    return await AutomationStack.create(name, workspace);
  } catch (err) {
    if (err instanceof StackAlreadyExistsError) return AutomationStack.select(name, workspace);
    throw err;
  }
}

/**
 * The Automation API follows every update with `stack output` (twice) and every update, refresh
 * and destroy with `stack history` (sdk/nodejs/automation/stack.ts, `Stack.up`, `refresh`,
 * `destroy`, v3.248.0): three CLI runs, about 1.4 s after each `up`. Nothing here reads their
 * answers (results come from the engine's events, state from `stack export`), so they are skipped.
 */
function withoutFollowUpQueries(stack: AutomationStack): AutomationStack {
  stack.outputs = async () => ({});
  stack.info = async () => undefined;
  return stack;
}

let command: Promise<PulumiCommand> | undefined;

/** The toolchain's CLI as the Automation API wants it, located (or built) once per process. */
export function pulumiCommand(): Promise<PulumiCommand> {
  command ??= PulumiCommand.get({ root: ensureToolchain().root, skipVersionCheck: true });
  return command;
}

/** Creates (or selects) a stack in `options.dir` and sets its config. */
export async function createStack(options: StackOptions): Promise<Stack> {
  const projectName = options.project ?? "clerk-metadata-test";
  const stackName = options.stack ?? "test";
  const env = cliEnvironment(options.dir, options.env);
  const workDir = path.join(options.dir, "workspace");
  fs.mkdirSync(workDir, { recursive: true });
  // The engine starts plugins in the program's folder, and the dynamic-provider host resolves the
  // serialized provider's `require`s from there, as from a user's project with its node_modules.
  const modules = path.join(workDir, "node_modules");
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(repoRoot, "node_modules"), modules, "dir");
  const workspace = await LocalWorkspace.create({
    workDir,
    pulumiCommand: await pulumiCommand(),
    envVars: env,
    projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
    secretsProvider: "passphrase",
  });
  const auto = withoutFollowUpQueries(await createOrSelect(stackName, workspace));
  if (options.config) await auto.setAllConfig(options.config);

  /** Runs one operation, collecting its events and display; a failed CLI run is a result, not a throw. */
  async function run(
    operation: OperationResult["operation"],
    body: (hooks: {
      onEvent: (e: EngineEvent) => void;
      onOutput: (s: string) => void;
      onError: (s: string) => void;
    }) => Promise<unknown>,
  ): Promise<OperationResult> {
    const events: EngineEvent[] = [];
    let stdout = "";
    let stderr = "";
    const started = Date.now();
    let ok = true;
    try {
      await body({
        onEvent: (event) => {
          if (process.env.DUMP_EVENTS) console.error(JSON.stringify(event).slice(0, 600));
          events.push(event);
        },
        onOutput: (text) => {
          stdout += text;
          options.onOutput?.(text);
        },
        onError: (text) => (stderr += text),
      });
    } catch (err) {
      ok = false;
      const e = err as { stdout?: string; stderr?: string; message?: string };
      if (!stdout && e.stdout) stdout = e.stdout;
      stderr += e.stderr ?? e.message ?? String(err);
    }
    return resultOf(operation, events, { ok, stdout, stderr, elapsedMs: Date.now() - started });
  }

  const parallel = options.parallel ? { parallel: options.parallel } : {};
  /** The Automation API options of a preview or an update of `program`. */
  const planArgs = (program: Program, opts: PlanOptions) => ({
    ...parallel,
    refresh: opts.refresh,
    expectNoChanges: opts.expectNoChanges,
    diff: opts.diff,
    program: program as never,
  });

  const preview = (program: Program, opts: PlanOptions = {}) => {
    workspace.program = program as never;
    return run("preview", (hooks) => auto.preview({ ...hooks, ...planArgs(program, opts) }));
  };

  return {
    name: stackName,
    backendDir: path.join(options.dir, "backend"),
    env,
    preview,
    async up(program, opts = {}) {
      let previewResult: OperationResult | undefined;
      if (!opts.skipPreview) {
        previewResult = await preview(program, { refresh: opts.refresh, diff: opts.diff });
        if (!previewResult.ok)
          return { ...previewResult, operation: "update" as const, preview: previewResult };
      }
      const result = await run("update", (hooks) => auto.up({ ...hooks, ...planArgs(program, opts) }));
      return previewResult ? { ...result, preview: previewResult } : result;
    },
    refresh: (opts = {}) =>
      run("refresh", (hooks) =>
        auto.refresh({ ...hooks, ...parallel, expectNoChanges: opts.expectNoChanges }),
      ),
    destroy: () => run("destroy", (hooks) => auto.destroy({ ...hooks, ...parallel })),
    state: async () => readState(await cliRun(["stack", "export", "--show-secrets"]).then((r) => r.stdout)),
    cli: cliRun,
  };

  async function cliRun(args: string[]) {
    const run = await runPulumi([...args, "--stack", stackName], { cwd: workDir, env });
    return { stdout: run.stdout, stderr: run.stderr, code: run.code ?? 1 };
  }
}
