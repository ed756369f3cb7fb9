import * as pulumi from "@pulumi/pulumi";

/** The options every resource registers with: the caller's, plus `privateMetadata` and `ownership` as secret outputs. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  const additional = new Set([...(opts?.additionalSecretOutputs ?? []), "privateMetadata", "ownership"]);
  return { ...opts, additionalSecretOutputs: [...additional] };
}

/** Wraps a declared private metadata input as a secret; `undefined` stays undefined. */
export function secretInput(value: unknown): pulumi.Output<unknown> | undefined {
  return value === undefined ? undefined : pulumi.secret(value);
}
