import type * as pulumi from "@pulumi/pulumi";
import type { KindName } from "../core/kinds";
import type { MetadataInputs, MetadataOutputs } from "../core/outputs";
import * as hooks from "../hooks/metadataHooks";

/** The dynamic provider every resource of one kind passes to Pulumi. */
export type MetadataProvider = pulumi.dynamic.ResourceProvider<MetadataInputs, MetadataOutputs>;

/**
 * The dynamic provider of one resource kind. Its hooks capture only the kind's name and the
 * hooks module object, so Pulumi serializes it as a few lines and a `require` of the hooks module
 * (when the package is installed), never the provider's code or any secret.
 */
export function metadataProvider(kind: KindName): MetadataProvider {
  return {
    configure: (request) => hooks.configure(request),
    check: (olds, news) => hooks.check(kind, olds, news),
    diff: (id, olds, news) => hooks.diff(kind, id, olds, news),
    create: (inputs) => hooks.create(kind, inputs),
    // The SDK types a read's `inputs` as the outputs type (sdk/nodejs/dynamic/index.ts `ReadResult`).
    read: (id, props) => hooks.read(kind, id, props ?? {}) as Promise<pulumi.dynamic.ReadResult<never>>,
    update: (id, olds, news) => hooks.update(kind, id, olds, news),
    delete: (id, props) => hooks.remove(kind, id, props),
  };
}
