import * as pulumi from "@pulumi/pulumi";
import type { KindSpec } from "../core/kinds";
import { nonJsonDeclaration } from "../core/errors";
import { findNonJsonValues } from "../core/validate";

function isDeferred(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Rejects the values in the metadata a program declares that are not JSON at all, before Pulumi
 * serializes it, with the same paths and reasons as `check`. Pulumi's serialization would silently turn `NaN`, `Infinity`, `Date`s, functions,
 * symbols, `BigInt`s, class instances and `undefined` in arrays into other values (or drop them)
 * before `check` could see them; here they fail the program at preview, naming each property path,
 * before any request. Everything else, and values inside Outputs and promises, is left to `check`.
 */
export function assertDeclarable(spec: KindSpec, name: string, args: Record<string, unknown>): void {
  const failures = spec.metadataFields.flatMap((field) => findNonJsonValues(field, args[field], isDeferred));
  if (failures.length > 0) throw nonJsonDeclaration(`${spec.resourceType} "${name}"`, failures);
}
