import * as pulumi from "@pulumi/pulumi";
import { containsUnknown, type JsonObject } from "../core/json";
import {
  describeEntity,
  resourceIdOf,
  type EntityIds,
  type KindSpec,
  type MetadataField,
} from "../core/kinds";
import { collectLeaves, pathsOverlap } from "../core/ownership";
import { formatPath, type KeyPath } from "../core/paths";

/** One declared leaf of one resource, as a program registers it. */
interface Claim {
  resource: string;
  field: MetadataField;
  path: KeyPath;
}

/** Claims per program run (one per Pulumi monitor), per entity. */
const claimsByRun = new WeakMap<object, Map<string, Claim[]>>();
const claimsWithoutMonitor = new Map<string, Claim[]>();

function claimsOfThisRun(): Map<string, Claim[]> {
  const monitor = pulumi.runtime.getMonitor() as object | undefined;
  if (!monitor) return claimsWithoutMonitor;
  let claims = claimsByRun.get(monitor);
  if (!claims) claimsByRun.set(monitor, (claims = new Map()));
  return claims;
}

/**
 * Records the leaves a resource declares on its entity and returns one message per leaf that
 * another resource of the same program already declares (the same path, or one inside the
 * other) on the same entity. Pure bookkeeping: no request.
 */
export function claimLeaves(
  spec: KindSpec,
  resource: string,
  ids: EntityIds,
  fields: Partial<Record<MetadataField, JsonObject>>,
): string[] {
  const entity = `${spec.name}:${resourceIdOf(spec, ids)}`;
  const claims = claimsOfThisRun();
  const existing = claims.get(entity) ?? [];
  const conflicts: string[] = [];
  const mine: Claim[] = [];
  for (const field of spec.metadataFields) {
    const declared = fields[field];
    if (declared === undefined) continue;
    for (const leaf of collectLeaves(declared)) {
      const claim = { resource, field, path: leaf.path };
      const other = existing.find(
        (c) => c.resource !== resource && c.field === field && pathsOverlap(c.path, leaf.path),
      );
      if (other) {
        conflicts.push(
          `${resource} and ${other.resource} both declare ${formatPath(field, leaf.path)} of ${describeEntity(spec, ids)}; ` +
            "a leaf must be owned by one resource only.",
        );
      }
      mine.push(claim);
    }
  }
  claims.set(entity, [...existing.filter((c) => c.resource !== resource), ...mine]);
  return conflicts;
}

/**
 * Reports, as a Pulumi error on `resource` (which fails the preview before any request), every
 * leaf it declares that another resource of the program also declares on the same entity.
 * Runs once the ids and metadata are known; unknown values cannot conflict yet.
 */
export function reportLeafConflicts(
  resource: pulumi.Resource,
  spec: KindSpec,
  name: string,
  args: Record<string, unknown>,
): void {
  const idNames = spec.idFields.map((f) => f.name);
  const inputs = [...idNames, ...spec.metadataFields].map((key) =>
    pulumi.output(args[key] as pulumi.Input<unknown>),
  );
  pulumi.all(inputs).apply((values) => {
    if (values.some((value) => containsUnknown(value))) return;
    const ids: EntityIds = Object.fromEntries(idNames.map((key, i) => [key, values[i] as string]));
    const fields = Object.fromEntries(
      spec.metadataFields.map((field, i) => [field, values[idNames.length + i] as JsonObject | undefined]),
    );
    for (const message of claimLeaves(spec, `${spec.resourceType} "${name}"`, ids, fields)) {
      void pulumi.log.error(message, resource);
    }
  });
}
