/**
 * The engine's own floor for a program shape: a `pulumi.dynamic.ResourceProvider` whose hooks do
 * nothing and return the inputs as outputs. It sends no request, and `diff` leaves the decision to
 * the engine (`{}` is `DIFF_UNKNOWN`: the engine compares old and new inputs itself).
 *
 * It is installed as a package of its own in the scratch program, beside the packed
 * `pulumi-clerk-metadata`, with resource classes of the same names and inputs, as a library a
 * user installs would have them. So both stacks have the same resources with the same inputs and
 * the same stack traces in state (the first frame is the class's constructor in `node_modules`).
 *
 * Its classes come in two forms. The main export is a plain `pulumi.dynamic.Resource`, whose
 * `__provider` Pulumi's closure serializer writes (a `require` of the provider module in about
 * 290 bytes of wrapper): the dynamic provider a user would write. `oneLine` registers the same
 * resources with the package's own form of `__provider`, one `require` line
 * (`provider/resources/serializedProvider.ts`), so its state has the package's shape and size.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ScratchInstall } from "./packageInstall";

/** The package's name in the scratch program. */
export const noopPackage = "bench-noop-provider";

/** The provider module. The id is the entity's id (`org_…/user_…` for a membership), like the real provider's. */
const provider = `"use strict";
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

/**
 * The classes module: made with the `@pulumi/pulumi` the scratch program resolves (the one the
 * package's classes use). Only declared inputs are registered, `privateMetadata` wrapped as a
 * secret and listed in `additionalSecretOutputs`, as the package does.
 */
const classes = `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = require("./index.js");
const secretOutputs = () => ({ additionalSecretOutputs: ["privateMetadata"] });
function propsOf(fields, args) {
  const props = {};
  for (const field of fields) {
    const value = args[field];
    if (value !== undefined) props[field] = field === "privateMetadata" ? pulumi.secret(value) : value;
  }
  return props;
}
function make(type, fields) {
  return class extends pulumi.dynamic.Resource {
    constructor(name, args) {
      super(provider, name, propsOf(fields, args), secretOutputs(), "noop", type);
    }
  };
}
function makeOneLine(type, fields) {
  const __provider = 'exports.handler = () => require("${noopPackage}/index.js");\\n';
  return class extends pulumi.CustomResource {
    constructor(name, args) {
      super("pulumi-nodejs:dynamic/noop:" + type, name, { __provider, ...propsOf(fields, args) }, secretOutputs());
    }
  };
}
const fields = {
  UserMetadata: ["userId", "publicMetadata", "privateMetadata", "unsafeMetadata"],
  OrganizationMetadata: ["organizationId", "publicMetadata", "privateMetadata"],
  OrganizationMembershipMetadata: ["organizationId", "userId", "publicMetadata", "privateMetadata"],
};
exports.oneLine = {};
for (const [type, names] of Object.entries(fields)) {
  exports[type] = make(type, names);
  exports.oneLine[type] = makeOneLine(type, names);
}
`;

/** Writes the no-op provider's package (provider and classes) into the scratch program; returns its folder. */
export function installNoopProvider(scratch: ScratchInstall): string {
  const dir = path.join(scratch.dir, "node_modules", noopPackage);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: noopPackage, version: "0.0.0", private: true, main: "classes.js" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.js"), provider);
  fs.writeFileSync(path.join(dir, "classes.js"), classes);
  return dir;
}
