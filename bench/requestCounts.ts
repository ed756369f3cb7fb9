import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../emulator";
import type { ConfigValue } from "../driver/collect";
import { createStack } from "../driver/engine";
import type { ProviderHost } from "../driver/host";
import type { OperationResult } from "../driver/types";
import { OrganizationMembershipMetadata, OrganizationMetadata, UserMetadata } from "../provider";
import type { JsonObject } from "../provider/core/json";
import { atMost, type Figure } from "./figures";

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

type Declare = (metadata: JsonObject) => () => void;

function kindsToCount(ids: CountIds): { label: string; declare: Declare }[] {
  return [
    {
      label: "UserMetadata",
      declare: (publicMetadata) => () =>
        void new UserMetadata("counted", { userId: ids.userId, publicMetadata }),
    },
    {
      label: "OrganizationMetadata",
      declare: (publicMetadata) => () =>
        void new OrganizationMetadata("counted", { organizationId: ids.organizationId, publicMetadata }),
    },
    {
      label: "OrganizationMembershipMetadata",
      declare: (publicMetadata) => () =>
        void new OrganizationMembershipMetadata("counted", {
          organizationId: ids.organizationId,
          userId: ids.memberUserId,
          publicMetadata,
        }),
    },
  ];
}

/**
 * Figure 1: for each kind, one resource (imported from source) taken through create, a nested
 * update, a no-change up, a preview of a nested change, refresh and destroy by the engine
 * driver and the real dynamic-provider host; the emulator's log is cleared before each step and
 * its answered requests counted after it.
 */
export async function measureRequestCounts(
  emulator: Emulator,
  host: ProviderHost,
  config: Record<string, ConfigValue>,
  ids: CountIds,
): Promise<{ figures: Figure[]; perKind: Record<string, Record<string, number>> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-counts-"));
  const figures: Figure[] = [];
  const perKind: Record<string, Record<string, number>> = {};
  try {
    for (const kind of kindsToCount(ids)) {
      const stack = createStack({ stateFile: path.join(dir, `${kind.label}.json`), config, host });
      const steps: (() => Promise<OperationResult>)[] = [
        () => stack.up(kind.declare(versions[0])),
        () => stack.up(kind.declare(versions[1])),
        () => stack.up(kind.declare(versions[1])),
        () => stack.preview(kind.declare(versions[2])),
        () => stack.refresh(),
        () => stack.destroy(),
      ];
      const counts: number[] = [];
      const errors: string[] = [];
      for (const step of steps) {
        emulator.reset();
        const result = await step();
        counts.push(emulator.counters().total);
        errors.push(...result.errors);
      }
      perKind[kind.label] = Object.fromEntries(operations.map((o, i) => [o.op, counts[i]]));
      const exceeded = operations.filter((o, i) => counts[i] > o.goal).map((o) => o.op);
      const figure = atMost(
        {
          section,
          name: `${kind.label}: ${operations.map((o) => o.short).join(" / ")}`,
          value: counts.join(" / "),
          raw: perKind[kind.label],
          note: errors.length
            ? `failed: ${errors.join("; ")}`
            : exceeded.length
              ? `more than the goal: ${exceeded.join(", ")}`
              : undefined,
        },
        exceeded.length + errors.length,
        0,
        `≤ ${operations.map((o) => o.goal).join(" / ")}`,
      );
      figures.push(figure);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { figures, perKind };
}
