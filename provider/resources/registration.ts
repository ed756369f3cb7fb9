import * as pulumi from "@pulumi/pulumi";
import type { KindSpec } from "../core/kinds";
import { assertDeclarable } from "./declarationCheck";

/**
 * The properties a resource of kind `spec` registers: its identity inputs, each metadata field
 * (`privateMetadata` wrapped as a secret), `authoritative`, and the `ownership` output. Throws
 * first when the declaration holds values Pulumi cannot carry (see `assertDeclarable`).
 */
export function metadataProps(spec: KindSpec, name: string, args: Record<string, unknown>): pulumi.Inputs {
  assertDeclarable(spec, name, args);
  const props: pulumi.Inputs = {};
  for (const field of spec.idFields) props[field.name] = args[field.name] as pulumi.Input<string>;
  for (const field of spec.metadataFields) {
    const value = args[field];
    props[field] = field === "privateMetadata" && value !== undefined ? pulumi.secret(value) : value;
  }
  props.authoritative = args.authoritative;
  props.ownership = undefined;
  return props;
}

/** The options every resource registers with: the caller's, plus `privateMetadata` and `ownership` as secret outputs. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  const additional = new Set([...(opts?.additionalSecretOutputs ?? []), "privateMetadata", "ownership"]);
  return { ...opts, additionalSecretOutputs: [...additional] };
}
