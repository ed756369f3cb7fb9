import * as pulumi from "@pulumi/pulumi";
import { plaintextSecretKey } from "../core/errors";
import type { KindSpec } from "../core/kinds";
import { assertDeclarable } from "./declarationCheck";
import { leafClaimCheck } from "./leafClaims";

/**
 * The properties a resource of kind `spec` registers: its identity inputs, each metadata field
 * (`privateMetadata` wrapped as a secret), `authoritative`, and the `ownership` output, whose
 * input is the leaf-claim check (it fails the program when another resource declares the same
 * leaf of the same entity). Throws first when the declaration holds values Pulumi cannot carry
 * (see `assertDeclarable`) or when `clerk:secretKey` is set in plain text.
 */
export function metadataProps(spec: KindSpec, name: string, args: Record<string, unknown>): pulumi.Inputs {
  assertDeclarable(spec, name, args);
  assertSecretKeyIsSecret();
  const props: pulumi.Inputs = {};
  for (const field of spec.idFields) props[field.name] = args[field.name] as pulumi.Input<string>;
  for (const field of spec.metadataFields) {
    const value = args[field];
    props[field] = field === "privateMetadata" && value !== undefined ? pulumi.secret(value) : value;
  }
  props.authoritative = args.authoritative;
  props.ownership = leafClaimCheck(spec, `${spec.resourceType} "${name}"`, args);
  return props;
}

/** The options every resource registers with: the caller's, plus `privateMetadata` and `ownership` as secret outputs. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  const additional = new Set([...(opts?.additionalSecretOutputs ?? []), "privateMetadata", "ownership"]);
  return { ...opts, additionalSecretOutputs: [...additional] };
}

/** `pulumi.runtime.isConfigSecret`: present in the SDK (sdk/nodejs/runtime/config.ts, v3.248.0), missing from its typings. */
type ConfigSecrecy = { isConfigSecret(key: string): boolean };

/**
 * Fails the program when the stack config holds `clerk:secretKey` in plain text: Pulumi records
 * the whole stack config in state as the default provider's inputs (pkg/resource/deploy/target.go
 * `GetPackageConfig`, v3.248.0), so a plain-text key would be written there unencrypted.
 */
function assertSecretKeyIsSecret(): void {
  const key = "clerk:secretKey";
  if (pulumi.runtime.getConfig(key) === undefined) return;
  if (!(pulumi.runtime as unknown as ConfigSecrecy).isConfigSecret(key)) throw plaintextSecretKey();
}
