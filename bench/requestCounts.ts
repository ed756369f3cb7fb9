import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator, LoggedRequest } from "../emulator";
import type { OperationResult } from "../engine/types";
import type { JsonObject } from "../provider/core/json";
import { openBenchStack } from "./benchStack";
import { atMost, type Figure } from "./figures";
import { packageClasses } from "./mixedStack";
import type { ScratchInstall } from "./packageInstall";

const section = "1. Requests per operation (counted by the emulator)";

/** The operations counted, in order, with the goal (the least possible number of requests). */
export const operations = [
  { op: "create", short: "create", goal: 1 },
  { op: "update (nested change)", short: "update", goal: 1 },
  { op: "update, nothing changed", short: "no-change", goal: 0 },
  { op: "preview (nested change)", short: "preview", goal: 0 },
  { op: "refresh", short: "refresh", goal: 1 },
  { op: "delete", short: "delete", goal: 1 },
] as const;

/** The seeded entities one resource of each kind is declared on. */
export interface CountIds {
  userId: string;
  organizationId: string;
  memberUserId: string;
}

/** The declarations the steps move through: created, then a nested leaf changed, then changed again (previewed only). */
const versions: JsonObject[] = [
  { plan: "pro", limits: { seats: 10, storageGb: 50 } },
  { plan: "pro", limits: { seats: 25, storageGb: 50 } },
  { plan: "pro", limits: { seats: 30, storageGb: 50 } },
];

const kindLabels = ["UserMetadata", "OrganizationMetadata", "OrganizationMembershipMetadata"] as const;

/** The kind a request was for, from its path. */
function kindOf(request: LoggedRequest): (typeof kindLabels)[number] {
  if (request.path.includes("/memberships")) return "OrganizationMembershipMetadata";
  return request.path.startsWith("/v1/users") ? "UserMetadata" : "OrganizationMetadata";
}

/**
 * Figure 1: one stack with one resource of each kind (the package from the packed tarball),
 * taken through Pulumi's CLI: `up` (create), `up` with a nested leaf changed, the same `up`
 * again, a `preview` of a further nested change, `refresh` and `destroy`. An `up` is the CLI's
 * preview and update, as `pulumi up` runs them. The emulator's log is cleared before each step, and
 * the requests it answered are counted per kind by their path.
 */
export async function measureRequestCounts(
  emulator: Emulator,
  scratch: ScratchInstall,
  ids: CountIds,
): Promise<{ figures: Figure[]; perKind: Record<string, Record<string, number>> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-counts-"));
  const classes = packageClasses(scratch);
  const declare = (publicMetadata: JsonObject) => () => {
    new classes.UserMetadata("counted-user", { userId: ids.userId, publicMetadata });
    new classes.OrganizationMetadata("counted-organization", {
      organizationId: ids.organizationId,
      publicMetadata,
    });
    new classes.OrganizationMembershipMetadata("counted-membership", {
      organizationId: ids.organizationId,
      userId: ids.memberUserId,
      publicMetadata,
    });
  };
  const figures: Figure[] = [];
  const perKind: Record<string, Record<string, number>> = {};
  try {
    const stack = await openBenchStack({ dir, scratch, emulator });
    const steps: (() => Promise<OperationResult>)[] = [
      () => stack.up(declare(versions[0])),
      () => stack.up(declare(versions[1])),
      () => stack.up(declare(versions[1])),
      () => stack.preview(declare(versions[2])),
      () => stack.refresh(),
      () => stack.destroy(),
    ];
    const counts = new Map<string, number[]>(kindLabels.map((kind) => [kind, []]));
    const errors: string[] = [];
    for (const step of steps) {
      emulator.reset();
      const result = await step();
      const requests = emulator.requests();
      for (const kind of kindLabels)
        counts.get(kind)!.push(requests.filter((r) => kindOf(r) === kind).length);
      errors.push(...result.errors);
      if (!result.ok && result.errors.length === 0) errors.push(`${result.operation} failed`);
    }
    for (const kind of kindLabels) {
      const kindCounts = counts.get(kind)!;
      perKind[kind] = Object.fromEntries(operations.map((o, i) => [o.op, kindCounts[i]]));
      const exceeded = operations.filter((o, i) => kindCounts[i] > o.goal).map((o) => o.op);
      figures.push(
        atMost(
          {
            section,
            name: `${kind}: ${operations.map((o) => o.short).join(" / ")}`,
            value: kindCounts.join(" / "),
            raw: perKind[kind],
            note: errors.length
              ? `failed: ${errors.join("; ")}`
              : exceeded.length
                ? `more than the goal: ${exceeded.join(", ")}`
                : undefined,
          },
          exceeded.length + errors.length,
          0,
          `≤ ${operations.map((o) => o.goal).join(" / ")}`,
        ),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { figures, perKind };
}
