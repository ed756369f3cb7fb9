import * as pulumi from "@pulumi/pulumi";
import { plaintextSecretKey } from "../core/errors";
import type { KindSpec } from "../core/kinds";
import { assertDeclarable } from "./declarationCheck";
import { firstFailure, guardInputs, providerCarrying } from "./failureInput";
import { leafClaimConflict } from "./leafClaims";
import { serializedProvider } from "./serializedProvider";

/**
 * The properties a resource of kind `spec` registers: its serialized provider (`__provider`, see
 * `serializedProvider`), its identity inputs, each declared metadata field (`privateMetadata`
 * wrapped as a secret), and `authoritative` and `adopt` when declared. `__provider` also carries
 * the first failure found in the program process (an input Output that rejected, such as a failed
 * lookup, or another resource declaring the same leaf of the same entity; see
 * `core/declarationError.ts`), which `check` turns into a check failure. So the resource always
 * registers, and no such failure can make the engine delete it (see `guardInputs`). Throws at
 * once, before anything registers, when the declaration holds values Pulumi cannot carry (see
 * `assertDeclarable`) or when `clerk:secretKey` is set in plain text: a synchronous throw fails
 * the program without the "finished" signal.
 *
 * Undeclared fields are not registered: the Pulumi runtime makes an Output with four tracked
 * promises for every registered property (sdk/nodejs/runtime/rpc.ts `transferProperties`,
 * v3.248.0); {@link exposeUndeclared} gives the resource theirs.
 */
export function metadataProps(spec: KindSpec, name: string, args: Record<string, unknown>): pulumi.Inputs {
  assertDeclarable(spec, name, args);
  assertSecretKeyIsSecret();
  const declared: Record<string, unknown> = {};
  for (const field of spec.idFields) declared[field.name] = args[field.name];
  for (const field of [...spec.metadataFields, "authoritative", "adopt"])
    if (args[field] !== undefined) declared[field] = args[field];
  const { guarded, failure } = guardInputs(declared);
  const conflict = leafClaimConflict(spec, `${spec.resourceType} "${name}"`, guarded);
  const firstFound = failure ? firstFailure([failure, pulumi.output(conflict)]) : conflict;
  const props: pulumi.Inputs = {
    ...guarded,
    __provider: providerCarrying(serializedProvider(spec.name), firstFound),
  };
  if (props.privateMetadata !== undefined) props.privateMetadata = pulumi.secret(props.privateMetadata);
  return props;
}

/**
 * Gives a registered resource an Output for each metadata field and `authoritative` that it did
 * not declare (see {@link metadataProps}): `undefined` for a field, `false` for `authoritative`,
 * as the outputs hold them, known once the resource is registered and depending on it.
 */
export function exposeUndeclared(
  resource: pulumi.CustomResource,
  spec: KindSpec,
  props: pulumi.Inputs,
): void {
  const missing = (key: string) => !Object.prototype.hasOwnProperty.call(props, key);
  const own = resource as unknown as Record<string, unknown>;
  for (const field of spec.metadataFields)
    if (missing(field)) own[field] = resource.urn.apply(() => undefined);
  if (missing("authoritative")) own.authoritative = resource.urn.apply(() => false);
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
