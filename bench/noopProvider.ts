/**
 * The engine's own floor for a program shape: a `pulumi.dynamic.ResourceProvider` whose hooks do
 * nothing and return the inputs as outputs. It sends no request, and `diff` leaves the decision to
 * the engine (`{}` is `DIFF_UNKNOWN`: the engine compares old and new inputs itself).
 *
 * It is installed as a package of its own in the scratch program, beside the packed
 * `pulumi-clerk-metadata`, and the provider is that package's module object, as the package's
 * providers are (`provider/providers/user.ts`): Pulumi serializes both as a `require` of the
 * module, so `__provider` has the same form and about the same size in both stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ScratchInstall } from "./packageInstall";

/** The package's name in the scratch program. */
export const noopPackage = "bench-noop-provider";

/** The package's only module. The id is the entity's id (`org_…/user_…` for a membership), like the real provider's. */
const source = `"use strict";
// The no-op dynamic provider of pulumi-clerk-metadata's bench (bench/noopProvider.ts).
exports.check = async (_olds, news) => ({ inputs: news });
exports.diff = async () => ({});
exports.create = async (inputs) => ({
  id: [inputs.organizationId, inputs.userId].filter((part) => part !== undefined).join("/"),
  outs: inputs,
});
exports.read = async (id, props) => ({ id, props });
exports.update = async (_id, _olds, news) => ({ outs: news });
exports.delete = async () => undefined;
`;

/** Writes the no-op provider's package into the scratch program and loads it. */
export function installNoopProvider(scratch: ScratchInstall): pulumi.dynamic.ResourceProvider {
  const dir = path.join(scratch.dir, "node_modules", noopPackage);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: noopPackage, version: "0.0.0", private: true, main: "index.js" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.js"), source);
  return require(dir) as pulumi.dynamic.ResourceProvider;
}
