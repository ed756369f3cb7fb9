import type * as pulumi from "@pulumi/pulumi";
import type { KindName } from "../core/kinds";
import type { MetadataInputs, MetadataOutputs } from "../core/state";
import * as runtime from "../runtime";

/** The dynamic provider every resource of one kind passes to Pulumi. */
export type MetadataProvider = pulumi.dynamic.ResourceProvider<MetadataInputs, MetadataOutputs>;

/**
 * The dynamic provider of one resource kind. Its hooks capture only the kind's name and the
 * runtime module object, so Pulumi serializes it as a few lines and a `require` of the runtime
 * (when the package is installed), never the provider's code or any secret.
 */
export function metadataProvider(kind: KindName): MetadataProvider {
  return {
    configure: (request) => runtime.configure(request),
    check: (olds, news) => runtime.check(kind, olds, news),
    diff: (id, olds, news) => runtime.diff(kind, id, olds, news),
    create: (inputs) => runtime.create(kind, inputs),
    read: (id, props) => runtime.read(kind, id, props ?? {}),
    update: (id, olds, news) => runtime.update(kind, id, olds, news),
    delete: (id, props) => runtime.remove(kind, id, props),
  };
}
