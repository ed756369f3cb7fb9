import { pathsOverlap, type KeyPath } from "../core/keyPaths";
import type { MetadataField } from "../core/kinds";
import type { FieldPaths, WritePlan } from "../core/plan";

/** What this process knows of one entity: the leaves each resource (by writer id) last set, and removals in flight. */
interface EntityLedger {
  held: Map<string, FieldPaths>;
  removing: { paths: FieldPaths; done: Promise<void> }[];
}

/** A string key on `globalThis`, shared by every deserialized copy of the provider in this process. */
const ledgerKey = "__pulumiClerkMetadataLedger";

function ledgerFor(entity: string): EntityLedger {
  const holder = globalThis as { [ledgerKey]?: Map<string, EntityLedger> };
  const ledgers = (holder[ledgerKey] ??= new Map());
  let ledger = ledgers.get(entity);
  if (!ledger) ledgers.set(entity, (ledger = { held: new Map(), removing: [] }));
  return ledger;
}

/**
 * Runs one write of the resource `writer` to one entity so that no write removes a leaf that
 * another resource has set through this provider process, whatever the order of the steps and
 * when they run at once. Pulumi's engine starts its providers for each deployment and closes
 * them at its end (pkg/engine/deployment.go `newDeployment` and `(*deployment).Close`, v3.248.0),
 * so a resource renamed without `aliases` (create the new one, then delete the old one) and a
 * leaf moved between two resources in one `pulumi up` lose nothing.
 *
 * `plan(keep)` must plan the write leaving alone every path in `keep` (the leaves other
 * resources hold); a write whose sets overlap a removal in flight waits for that removal to land
 * and is planned again. From the moment it is sent, the writer holds exactly the leaves it sets,
 * and keeps holding them if it fails in a way that may have landed (anything but a 4xx answer).
 * No request is ever added.
 */
export async function runGuarded<T>(
  entity: string,
  writer: string,
  plan: (keep: FieldPaths) => WritePlan,
  run: (planned: WritePlan) => Promise<T>,
): Promise<T> {
  const ledger = ledgerFor(entity);
  for (;;) {
    const planned = plan(heldByOthers(ledger, writer));
    const blocking = ledger.removing.filter((removal) => overlaps(removal.paths, planned.sets));
    if (blocking.length > 0) {
      await Promise.all(blocking.map((removal) => removal.done));
      continue;
    }
    const before = ledger.held.get(writer);
    hold(ledger, writer, planned.sets);
    let landed = () => {};
    const removal = { paths: planned.removes, done: new Promise<void>((resolve) => (landed = resolve)) };
    ledger.removing.push(removal);
    try {
      return await run(planned);
    } catch (error) {
      // A 4xx answer means Clerk applied nothing; any other failure may have landed.
      if (isRefused(error)) hold(ledger, writer, before ?? {});
      throw error;
    } finally {
      ledger.removing = ledger.removing.filter((entry) => entry !== removal);
      landed();
    }
  }
}

function hold(ledger: EntityLedger, writer: string, paths: FieldPaths): void {
  if (Object.keys(paths).length > 0) ledger.held.set(writer, paths);
  else ledger.held.delete(writer);
}

function isRefused(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

function heldByOthers(ledger: EntityLedger, writer: string): FieldPaths {
  const keep: FieldPaths = {};
  for (const [other, paths] of ledger.held) {
    if (other === writer) continue;
    for (const [field, list] of Object.entries(paths) as [MetadataField, KeyPath[]][]) {
      keep[field] = [...(keep[field] ?? []), ...list];
    }
  }
  return keep;
}

function overlaps(a: FieldPaths, b: FieldPaths): boolean {
  return (Object.keys(b) as MetadataField[]).some((field) =>
    (b[field] ?? []).some((path) => (a[field] ?? []).some((other) => pathsOverlap(path, other))),
  );
}
