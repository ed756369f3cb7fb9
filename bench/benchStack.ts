import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { createStack, type Stack } from "../engine/stack";
import type { ScratchInstall } from "./packageInstall";

/** What {@link openBenchStack} needs. */
export interface BenchStackOptions {
  /** A folder of the bench's for this stack (backend, workspace, `PULUMI_HOME`). */
  dir: string;
  /** The scratch program: the stack's workspace resolves modules from its `node_modules`. */
  scratch: Pick<ScratchInstall, "dir">;
  /** The emulator the provider talks to (`clerk:apiUrl`, `clerk:secretKey`). */
  emulator: { url: string; secretKey: string };
  /** Extra stack config, e.g. `{ "clerk:rateLimit": { value: "100/10s" } }`. */
  config?: ConfigMap;
  /** Extra environment for the CLI and the plugins it starts. */
  env?: Record<string, string>;
  /** `--parallel`; default the engine's own. */
  parallel?: number;
}

/**
 * A stack run by Pulumi's CLI (`engine/stack.ts`) against the emulator. Its workspace's
 * `node_modules` is the scratch program's, where the packed package is installed: the engine
 * starts the dynamic-provider host in the workspace, and the host resolves the serialized
 * provider's `require("pulumi-clerk-metadata/…")` and `@pulumi/pulumi` from there, as in a
 * user's project. (`createStack` links the repository's `node_modules` only when none is there.)
 */
export function openBenchStack(options: BenchStackOptions): Promise<Stack> {
  const modules = path.join(options.dir, "workspace", "node_modules");
  if (!fs.existsSync(modules)) {
    fs.mkdirSync(path.dirname(modules), { recursive: true });
    fs.symlinkSync(path.join(options.scratch.dir, "node_modules"), modules, "dir");
  }
  return createStack({
    dir: options.dir,
    project: "clerk-metadata-bench",
    stack: "bench",
    config: {
      "clerk:secretKey": { value: options.emulator.secretKey, secret: true },
      "clerk:apiUrl": { value: options.emulator.url },
      ...options.config,
    },
    ...(options.env ? { env: options.env } : {}),
    ...(options.parallel ? { parallel: options.parallel } : {}),
  });
}

/** The size in bytes of the stack's checkpoint file in the file backend, or `undefined` when there is none. */
export function checkpointBytes(stack: Stack): number | undefined {
  const stacks = path.join(stack.backendDir, ".pulumi", "stacks");
  const files = fs.existsSync(stacks)
    ? fs
        .readdirSync(stacks, { recursive: true, encoding: "utf8" })
        .filter((file) => path.basename(file) === `${stack.name}.json`)
    : [];
  return files.length ? fs.statSync(path.join(stacks, files[0])).size : undefined;
}
