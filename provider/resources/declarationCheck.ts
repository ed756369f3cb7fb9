import * as pulumi from "@pulumi/pulumi";
import type { KindSpec } from "../core/kinds";
import { findNonJsonValues, type CheckFailure } from "../core/validate";

/** A declaration that Pulumi could not even carry to the provider: it names every bad path. */
export class InvalidDeclarationError extends Error {
  constructor(resource: string, failures: CheckFailure[]) {
    super(`${resource}: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    this.name = "InvalidDeclarationError";
  }
}

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
  if (failures.length > 0) throw new InvalidDeclarationError(`${spec.resourceType} "${name}"`, failures);
}
