/**
 * The Pulumi toolchain every lifecycle test, `npm start` and the bench run: the CLI v3.248.0 (the
 * version of the pinned `@pulumi/pulumi`), the nodejs language host and the dynamic-provider
 * plugin, side by side in one `bin/` folder, which is where the CLI looks for bundled plugins
 * (sdk/go/common/workspace/plugins.go, `getPluginInfoAndPath`, v3.248.0).
 *
 * A user's own CLI is taken when `PULUMI_CLI` names one, or when `pulumi` on PATH reports a
 * tested version; otherwise the CLI is built once from the Go module proxy (tools/pulumi-cli)
 * into `.tools/pulumi/<version>/bin` (git-ignored) and reused.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The CLI version this project pins and tests: the version of the pinned `@pulumi/pulumi`. */
export const pinnedVersion = "v3.248.0";

/** CLI versions a user's own install may have to be taken instead of building the pinned one. */
export const testedVersions = [pinnedVersion];

const repoRoot = path.resolve(__dirname, "..");
const toolsRoot = path.join(repoRoot, "tools");

/** A usable Pulumi installation. */
export interface Toolchain {
  /** The folder whose `bin/` holds `pulumi` and its plugins (`PulumiCommand.get({ root })`). */
  root: string;
  /** Absolute path of the `pulumi` binary. */
  pulumi: string;
  /** What `pulumi version` printed. */
  version: string;
  /** Where it came from: built here, `PULUMI_CLI`, or PATH. */
  source: "built" | "PULUMI_CLI" | "PATH";
}

/** What `bin/pulumi version` prints, or undefined when it does not run. */
function versionOf(binary: string): string | undefined {
  const run = spawnSync(binary, ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** The `pulumi` found on PATH, if any. */
function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "pulumi");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The toolchain rooted at the folder holding `binary`, checked for the plugins the project needs;
 * `version` is what `binary version` printed, when the caller already ran it.
 */
function toolchainAt(binary: string, source: Toolchain["source"], version = versionOf(binary)): Toolchain {
  const bin = path.dirname(fs.realpathSync(binary));
  if (!version) throw new Error(`${binary} (from ${source}) does not run: \`${binary} version\` failed`);
  for (const plugin of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    if (!fs.existsSync(path.join(bin, plugin))) {
      throw new Error(`${binary} (from ${source}) has no ${plugin} beside it; a Pulumi release ships both`);
    }
  }
  return { root: path.dirname(bin), pulumi: path.join(bin, "pulumi"), version, source };
}

/** Runs `go` in a tools module, printing what it does; throws with the output on failure. */
function go(module: string, args: string[], log: (line: string) => void): void {
  log(`  go ${args.join(" ")}   (in tools/${module})`);
  const run = spawnSync("go", args, {
    cwd: path.join(toolsRoot, module),
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.error) {
    throw new Error(
      "Building the pinned Pulumi CLI needs Go >= 1.25 (`go` was not found on PATH). " +
        "Install Go, or install the Pulumi CLI " +
        pinnedVersion +
        " and set PULUMI_CLI to its path.",
    );
  }
  if (run.status !== 0)
    throw new Error(`go ${args.join(" ")} failed in tools/${module} (exit ${run.status})`);
}

/** The dynamic-provider plugin: Pulumi's release script, with this repository's preloads (see each file). */
function dynamicProviderScript(): string {
  const file = (name: string) => JSON.stringify(path.join(__dirname, name));
  return [
    "#!/bin/sh",
    "# The dynamic-provider plugin, as Pulumi's release ships it (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs).",
    "# The watchdog ends the host when the engine that started it is gone (a CLI killed with SIGKILL);",
    "# the host loads the modules only closure serialization uses on first use.",
    `exec node --require ${file("watchdog.js")} --require ${file("deferSerializerModules.js")} ${file("providerHost.js")} "$@"`,
    "",
  ].join("\n");
}

/** The language host wrapper: the host built from sdk v3.68.0, ended with the engine that started it. */
function languageHostScript(): string {
  return [
    "#!/bin/sh",
    "# The nodejs language host (built from sdk/v3 v3.68.0, tools/pulumi-language-nodejs). The CLI starts it in",
    "# its own process group and never ends it if the CLI itself is killed; this wrapper does.",
    'DIR=$(dirname "$0")',
    "ENGINE=$PPID",
    '"$DIR/pulumi-language-nodejs-v3.68.0" "$@" &',
    "HOST=$!",
    "# The CLI ends a plugin with SIGINT to its process group (sdk/go/common/resource/plugin/plugin.go,",
    "# `kill`, v3.248.0), which a background job of sh ignores: pass it on, and exit at once rather than",
    "# after the next poll (a second per host, two hosts per `pulumi up`), without the shell's report",
    "# of the host's end on stderr, which the CLI would print.",
    `trap 'kill $HOST 2>/dev/null; wait "$HOST" 2>/dev/null; exit 0' TERM INT HUP`,
    'while kill -0 "$HOST" 2>/dev/null; do',
    '  if ! kill -0 "$ENGINE" 2>/dev/null; then kill "$HOST" 2>/dev/null; break; fi',
    "  sleep 1",
    "done",
    'wait "$HOST"',
    "",
  ].join("\n");
}

/**
 * Writes the two plugin scripts into `bin` where they differ from this repository's (they name its
 * files, so a build made by an earlier checkout gets the current ones).
 */
function writePluginScripts(bin: string): void {
  const scripts = {
    "pulumi-language-nodejs": languageHostScript(),
    "pulumi-resource-pulumi-nodejs": dynamicProviderScript(),
  };
  for (const [name, text] of Object.entries(scripts)) {
    const file = path.join(bin, name);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
      fs.writeFileSync(file, text, { mode: 0o755 });
    }
  }
}

/** Builds the pinned CLI, the language host and the plugin scripts into `.tools/pulumi/<version>`. */
function build(root: string, log: (line: string) => void): void {
  const staging = `${root}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  const bin = path.join(staging, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const started = Date.now();
  log(
    `Building the Pulumi CLI ${pinnedVersion} from the Go module proxy (minutes the first time; reused after).`,
  );
  go(
    "pulumi-cli",
    [
      "build",
      "-trimpath",
      "-ldflags",
      `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${pinnedVersion}`,
      "-o",
      path.join(bin, "pulumi"),
      "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    ],
    log,
  );
  log("Building the nodejs language host (sdk/v3 v3.68.0).");
  go(
    "pulumi-language-nodejs",
    [
      "build",
      "-trimpath",
      "-o",
      path.join(bin, "pulumi-language-nodejs-v3.68.0"),
      "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
    ],
    log,
  );
  writePluginScripts(bin);
  fs.rmSync(root, { recursive: true, force: true });
  fs.renameSync(staging, root);
  log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${path.join(root, "bin")}`);
}

/**
 * The toolchain to run: `PULUMI_CLI` when set (it must run and have the plugins beside it), else a
 * `pulumi` on PATH reporting a tested version, else the pinned build, built first when missing.
 * Never returns a CLI that does not run; a missing Go is an error that says what to install.
 */
export function ensureToolchain(log: (line: string) => void = (line) => console.error(line)): Toolchain {
  const key = `${process.env.PULUMI_CLI ?? ""}\0${process.env.PATH ?? ""}`;
  let toolchain = located.get(key);
  if (!toolchain) {
    toolchain = locate(log);
    located.set(key, toolchain);
  }
  return toolchain;
}

/**
 * The toolchain found for each `PULUMI_CLI` and `PATH` in this process: the check runs
 * `pulumi version` (about 0.3 s of CPU), once per process instead of before every CLI run.
 */
const located = new Map<string, Toolchain>();

function locate(log: (line: string) => void): Toolchain {
  const named = process.env.PULUMI_CLI;
  if (named) return toolchainAt(named, "PULUMI_CLI");
  const ambient = onPath();
  const ambientVersion = ambient && versionOf(ambient);
  if (ambient && ambientVersion && testedVersions.includes(ambientVersion)) {
    return toolchainAt(ambient, "PATH", ambientVersion);
  }
  const root = path.join(repoRoot, ".tools", "pulumi", pinnedVersion);
  const pulumi = path.join(root, "bin", "pulumi");
  if (versionOf(pulumi) !== pinnedVersion) {
    build(root, log);
    return toolchainAt(pulumi, "built");
  }
  writePluginScripts(path.dirname(pulumi));
  return toolchainAt(pulumi, "built", pinnedVersion);
}

/**
 * The engine's default `--parallel` on this machine: 4 × GOMAXPROCS unless `PULUMI_PARALLEL` is set
 * (pkg/cmd/pulumi/operations/up.go, `defaultParallel`, v3.248.0).
 */
export function defaultParallel(): number {
  const fromEnv = Number(process.env.PULUMI_PARALLEL);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 4 * os.availableParallelism();
}
