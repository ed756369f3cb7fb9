import * as pulumi from "@pulumi/pulumi";
import { leafConflict } from "../core/errors";
import type { JsonObject } from "../core/json";
import { formatPath, pathsOverlap, type KeyPath } from "../core/keyPaths";
import { resourceIdOf, type EntityIds, type KindSpec, type MetadataField } from "../core/kinds";
import { collectLeaves } from "../core/ownership";
import { applyWithUnknowns, isDeferred } from "./failureInput";

/** One path a resource of the program declares on one entity (the whole field when authoritative). */
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
 * Records the paths a resource declares on its entity: each declared leaf, or the whole field
 * (the empty path) when the resource is authoritative. Pure bookkeeping: no request.
 */
export function claimPaths(
  spec: KindSpec,
  resource: string,
  ids: EntityIds,
  fields: Partial<Record<MetadataField, JsonObject>>,
  authoritative: boolean,
): void {
  const entity = `${spec.name}:${resourceIdOf(spec, ids)}`;
  const claims = claimsOfThisRun();
  const mine: Claim[] = [];
  for (const field of spec.metadataFields) {
    const declared = fields[field];
    if (declared === undefined) continue;
    const paths = authoritative ? [[]] : collectLeaves(declared).map((leaf) => leaf.path);
    for (const path of paths) mine.push({ resource, field, path });
  }
  claims.set(entity, [...(claims.get(entity) ?? []).filter((c) => c.resource !== resource), ...mine]);
}

/**
 * The first path `resource` claims on its entity that another resource of the program also
 * claims (the same path, or one inside the other), as an error naming both resources, the
 * entity and the path; `undefined` when there is none.
 */
export function conflictOf(spec: KindSpec, resource: string, ids: EntityIds): Error | undefined {
  const claims = claimsOfThisRun().get(`${spec.name}:${resourceIdOf(spec, ids)}`) ?? [];
  for (const mine of claims.filter((c) => c.resource === resource)) {
    const other = claims.find(
      (c) => c.resource !== resource && c.field === mine.field && pathsOverlap(c.path, mine.path),
    );
    if (other) {
      const path = mine.path.length >= other.path.length ? mine.path : other.path;
      return leafConflict(resource, other.resource, spec, ids, formatPath(mine.field, path));
    }
  }
  return undefined;
}

/**
 * The sentence naming a path the resource declares that another resource of the same program
 * declares on the same entity, or `undefined`. It resolves once the ids and metadata are known,
 * and after every resource declared in the same turn of the program has claimed its paths, so
 * both resources of such a conflict carry it. It never rejects: the caller hands it to `check`
 * (see `failureInput`), because a rejected input would leave the resource unregistered, and the
 * inline route then deletes it (see registration.ts). Unknown values (preview) cannot conflict yet.
 *
 * Arguments that are all plain values (`isDeferred`) claim at once and give a plain promise: no
 * Output, whose promises the Pulumi runtime tracks, for the common declaration of literals.
 */
export function leafClaimConflict(
  spec: KindSpec,
  resource: string,
  args: Record<string, unknown>,
): pulumi.Input<string | undefined> {
  const idNames = spec.idFields.map((f) => f.name);
  const keys = [...idNames, ...spec.metadataFields, "authoritative"];
  const verdict = async (values: unknown[]): Promise<string | undefined> => {
    if (values.some((value) => pulumi.containsUnknowns(value))) return undefined;
    const ids: EntityIds = Object.fromEntries(idNames.map((key, i) => [key, values[i] as string]));
    const fields = Object.fromEntries(
      spec.metadataFields.map((field, i) => [field, values[idNames.length + i] as JsonObject | undefined]),
    );
    claimPaths(spec, resource, ids, fields, values[keys.length - 1] === true);
    await new Promise((resolve) => setImmediate(resolve));
    return conflictOf(spec, resource, ids)?.message;
  };
  const values = keys.map((key) => args[key]);
  if (!values.some(isDeferred)) return verdict(values);
  return pulumi.unsecret(applyWithUnknowns(pulumi.all(values as pulumi.Input<unknown>[]), verdict));
}
