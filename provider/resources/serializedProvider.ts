import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { KindName, KindSpec } from "../core/kinds";

/**
 * The type token a resource of kind `spec` registers with, the one `pulumi.dynamic.Resource`
 * gives it (`pulumi-nodejs:dynamic/clerk:UserMetadata`): the engine sends every `pulumi-nodejs`
 * resource to the dynamic-provider host.
 */
export function dynamicResourceType(spec: KindSpec): string {
  return `pulumi-nodejs:dynamic/clerk:${spec.resourceType}`;
}

/** The `__provider` of each kind, computed once per process. */
const cache = new Map<KindName, pulumi.Input<string>>();

/**
 * The `__provider` property of a resource of kind `kind`, whose provider is the whole export of
 * `providers/<kind>`: what the dynamic-provider host evaluates and calls `handler()` on to get the
 * provider (sdk/nodejs/cmd/dynamic-provider/index.ts `getProvider`, v3.248.0).
 *
 * When that module is loaded from a `node_modules` folder (the package installed), the property is
 * one line that `require`s it by the package's own folder name and subpath, about 75 bytes. This is
 * the require Pulumi's closure serializer would emit too (sdk/nodejs/runtime/closure/createClosure.ts
 * `captureModuleAsync`), without the ~220 bytes of wrapper the serializer puts around it. Every
 * resource stores it twice (inputs and outputs), and the engine rewrites the whole state at each
 * step, so it stays as small as it can. Otherwise (the package run from source), the provider is
 * serialized by value as `pulumi.dynamic.Resource` would do. That serialization refuses to capture
 * a secret. Either way, the property never holds code or data of the caller's.
 */
export function serializedProvider(kind: KindName): pulumi.Input<string> {
  let serialized = cache.get(kind);
  if (serialized === undefined) {
    const file = require.resolve(`../providers/${kind}`);
    const specifier = installedSpecifier(file);
    if (specifier) serialized = `exports.handler = () => require(${JSON.stringify(specifier)});\n`;
    else {
      const provider: unknown = require(file);
      serialized = pulumi.output(pulumi.runtime.serializeFunction(() => provider).then((f) => f.text));
    }
    cache.set(kind, serialized);
  }
  return serialized;
}

/**
 * The specifier that loads the provider module at `file` from wherever its package is installed
 * (`pulumi-clerk-metadata/providers/user`, or under whatever name the package's folder has), or
 * `undefined` when `file` is not inside a `node_modules` folder.
 */
export function installedSpecifier(file: string): string | undefined {
  const parts = file.split(path.sep);
  const modules = parts.lastIndexOf("node_modules");
  if (modules < 0) return undefined;
  const nameLength = parts[modules + 1]?.startsWith("@") ? 2 : 1;
  const name = parts.slice(modules + 1, modules + 1 + nameLength).join("/");
  const kindFile = path.basename(file, path.extname(file));
  return `${name}/providers/${kindFile}`;
}
