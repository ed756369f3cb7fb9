/** Reads what `pulumi stack export --show-secrets` prints into a {@link StackState}. Pure. */
import { nameOf } from "./results";
import type { PropertyMap, ResourceState, StackState } from "./types";

/** The signature key Pulumi marks a secret value with in exported state. */
const secretSig = "4dabf18193072939515e22adb298388d";

/** Replaces every secret envelope (`{sig, plaintext}` or `{sig, value}`) with its plain value, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const bag = value as Record<string, unknown>;
  if (bag[secretSig] === "1b47061264138c4ac30d75fd1eb44270") {
    if (typeof bag.plaintext === "string") return unwrapSecrets(JSON.parse(bag.plaintext));
    if ("value" in bag) return unwrapSecrets(bag.value);
    return "[secret]";
  }
  return Object.fromEntries(Object.entries(bag).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Top-level property names whose value is a secret envelope. */
function secretNames(bag: PropertyMap | undefined): string[] {
  return Object.entries(bag ?? {})
    .filter(([, v]) => v !== null && typeof v === "object" && secretSig in (v as object))
    .map(([k]) => k)
    .sort();
}

interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: PropertyMap;
  outputs?: PropertyMap;
  protect?: boolean;
  provider?: string;
}

/** Parses an export; resources of the program and providers apart, the stack resource left out. */
export function readState(exported: string): StackState {
  const raw = JSON.parse(exported) as {
    deployment?: {
      resources?: ExportedResource[];
      pending_operations?: { type: string; resource: { urn: string } }[];
    };
  };
  const all = (raw.deployment?.resources ?? []).map((r): ResourceState => ({
    urn: r.urn,
    type: r.type,
    name: nameOf(r.urn),
    id: r.id ?? "",
    inputs: unwrapSecrets(r.inputs ?? {}) as PropertyMap,
    outputs: unwrapSecrets(r.outputs ?? {}) as PropertyMap,
    secretOutputs: secretNames(r.outputs),
    protect: r.protect === true,
    ...(r.provider ? { provider: r.provider } : {}),
  }));
  return {
    resources: all.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")),
    providers: all.filter((r) => r.type.startsWith("pulumi:providers:")),
    pendingOperations: (raw.deployment?.pending_operations ?? []).map((p) => ({
      type: p.type,
      urn: p.resource.urn,
    })),
    raw,
  };
}
