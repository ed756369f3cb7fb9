import * as pulumi from "@pulumi/pulumi";
import { plaintextSecretKey } from "../core/errors";
import type { KindSpec } from "../core/kinds";
import { assertDeclarable } from "./declarationCheck";
import { failureProperty, firstFailure, guardInputs } from "./failureInput";
import { leafClaimConflict } from "./leafClaims";

/**
 * The properties a resource of kind `spec` registers: its identity inputs, each metadata field
 * (`privateMetadata` wrapped as a secret), `authoritative`, and `declarationError`: the first
 * failure found in the program process (an input Output that rejected, such as a failed lookup,
 * or another resource declaring the same leaf of the same entity), which `check` turns into a
 * check failure. So the resource always registers, and no such failure can make the engine
 * delete it (see `guardInputs`). Throws at once, before anything registers, when the
 * declaration holds values Pulumi cannot carry (see `assertDeclarable`) or when `clerk:secretKey`
 * is set in plain text: a synchronous throw fails the program without the "finished" signal.
 */
export function metadataProps(spec: KindSpec, name: string, args: Record<string, unknown>): pulumi.Inputs {
  assertDeclarable(spec, name, args);
  assertSecretKeyIsSecret();
  const declared: Record<string, unknown> = { authoritative: args.authoritative };
  for (const field of spec.idFields) declared[field.name] = args[field.name];
  for (const field of spec.metadataFields) declared[field] = args[field];
  const { guarded, failure } = guardInputs(declared);
  const props: pulumi.Inputs = {};
  for (const field of spec.idFields) props[field.name] = guarded[field.name] as pulumi.Input<string>;
  for (const field of spec.metadataFields) {
    const value = guarded[field];
    props[field] = field === "privateMetadata" && value !== undefined ? pulumi.secret(value) : value;
  }
  props.authoritative = guarded.authoritative;
  const conflict = leafClaimConflict(spec, `${spec.resourceType} "${name}"`, guarded);
  props[failureProperty] = firstFailure([failure, conflict]);
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
