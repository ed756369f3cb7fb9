import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SeedData } from "../emulator";
import type { ConfigValue } from "../driver/collect";
import { createStack } from "../driver/engine";
import { ProviderHost } from "../driver/host";
import { defaultParallel } from "../driver/rules";
import type { OperationResult } from "../driver/types";
import { atMost, formatSeconds, info, type Figure } from "./figures";
import { timeOperation } from "./operationTiming";
import type { ScratchInstall } from "./packageInstall";
import { startRemoteEmulator } from "./remoteEmulator";

const section =
  "6. Refresh cost: 1,000 resources (400 users, 100 organizations, 500 memberships of 5 organizations)";
const requestGoal = 1.25;
const floorGoal = 1.15;
/** The published development limit, on both sides of the limited runs. */
const limit = { requests: 100, windowMs: 10_000 };

const users = Array.from({ length: 400 }, (_, i) => `user_rc${String(i).padStart(3, "0")}`);
const organizations = Array.from({ length: 100 }, (_, i) => `org_rc${String(i).padStart(3, "0")}`);
/** 100 members in each of the first five organizations. */
const memberships = organizations
  .slice(0, 5)
  .flatMap((organizationId) => users.slice(0, 100).map((userId) => ({ organizationId, userId })));

function seed(): SeedData {
  return {
    users: users.map((id) => ({ id, first_name: "Refresh" })),
    organizations: organizations.map((id) => ({ id, name: id })),
    memberships: memberships.map((m) => ({ organization_id: m.organizationId, user_id: m.userId })),
  };
}

type Resource = new (name: string, args: Record<string, unknown>) => unknown;

/** The program: users, then organizations, then memberships by organization, as loops would declare them. */
function program(classes: Record<string, Resource>): () => void {
  return () => {
    for (const userId of users) new classes.UserMetadata(userId, { userId, publicMetadata: { rc: userId } });
    for (const organizationId of organizations)
      new classes.OrganizationMetadata(organizationId, {
        organizationId,
        privateMetadata: { rc: organizationId },
      });
    for (const { organizationId, userId } of memberships)
      new classes.OrganizationMembershipMetadata(`${organizationId}-${userId}`, {
        organizationId,
        userId,
        publicMetadata: { rc: userId },
      });
  };
}

/** The request goal at parallelism `p`: ceil(N / min(P, 100)) per kind (per organization for memberships), twice for users (the SDK's count call). */
export function requestGoalFor(p: number): number {
  const per = (n: number) => Math.ceil(n / Math.min(p, 100));
  return 2 * per(users.length) + per(organizations.length) + 5 * per(100);
}

/**
 * Figure 6. One `up` creates the 1,000 resources (from the packed package, so `__provider` is
 * small); then each run starts a fresh host (batching and pacing set through the environment,
 * which the recorded stack config leaves unset) and times a `refresh` and a `preview --refresh`
 * at parallel P, batched and unbatched, with no limit and with Clerk's 100/10 s on both sides.
 * Unbatched with the limit, every run costs 1,000 requests, which the limit makes 100 s whatever
 * P is: that one is run once (refresh, default P).
 */
export async function measureRefreshCost(scratch: ScratchInstall): Promise<Figure[]> {
  const classes = require(path.join(scratch.dir, "node_modules", "pulumi-clerk-metadata")) as Record<
    string,
    Resource
  >;
  const emulator = await startRemoteEmulator({ seed: seed() });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-bench-refresh-"));
  const figures: Figure[] = [];
  const config: Record<string, ConfigValue> = {
    "clerk:secretKey": { value: emulator.secretKey, secret: true },
    "clerk:apiUrl": emulator.url,
  };
  const stateFile = path.join(dir, "stack.json");
  const apply = program(classes);
  const engineDefault = defaultParallel();
  try {
    const host = await ProviderHost.start({ cwd: scratch.dir });
    try {
      const up = await createStack({ stateFile, config, host, parallel: 64 }).up(apply, {
        skipPreview: true,
      });
      if (!up.ok) throw new Error(`refresh bench: up failed: ${up.errors.slice(0, 3).join("; ")}`);
    } finally {
      await host.stop();
    }
    const run = async (
      batched: boolean,
      limited: boolean,
      parallel: number,
      operation: "refresh" | "preview --refresh",
    ): Promise<void> => {
      await emulator.setRateLimit(limited ? limit : false);
      const env = {
        CLERK_BATCH_READS: batched ? "on" : "off",
        CLERK_RATE_LIMIT: limited ? `${limit.requests}/${limit.windowMs / 1000}s` : "off",
      };
      const runHost = await ProviderHost.start({ cwd: scratch.dir, env });
      let timed;
      try {
        const stack = createStack({ stateFile, config, host: runHost, parallel });
        timed = await timeOperation(emulator, undefined, (): Promise<OperationResult> =>
          operation === "refresh" ? stack.refresh() : stack.preview(apply, { refresh: true }),
        );
      } finally {
        await runHost.stop();
      }
      const failures = timed.result.errors.length;
      const name = `${batched ? "batched" : "unbatched"}, ${limited ? "100/10 s" : "no limit"}, P ${parallel}${parallel === engineDefault ? " (engine default)" : ""}: ${operation}`;
      const goal = requestGoalFor(parallel);
      const floorMs = (timed.requests / limit.requests) * limit.windowMs;
      const value = `${timed.requests} req, ${formatSeconds(timed.wallMs)}${limited ? ` = ${(timed.wallMs / floorMs).toFixed(2)}× floor` : ""}`;
      const raw = {
        requests: timed.requests,
        wallMs: timed.wallMs,
        floorMs,
        goal,
        tooManyRequests: timed.tooManyRequests,
        failures,
      };
      const note = `${timed.tooManyRequests} × 429, ${failures} failures`;
      if (!batched) {
        figures.push(
          info({
            section,
            name,
            value,
            raw,
            note,
            compare: `${users.length + organizations.length + memberships.length} reads`,
          }),
        );
      } else {
        const requestsOk = timed.requests <= requestGoal * goal && failures === 0;
        const timeRatio = limited ? timed.wallMs / floorMs : 0;
        figures.push(
          atMost(
            { section, name, value, raw, note },
            (requestsOk ? 1 : Infinity) * (limited ? timeRatio : 1),
            limited ? floorGoal : 1,
            `≤ ${Math.floor(requestGoal * goal)} req (1.25 × ${goal})${limited ? `, ≤ ${floorGoal}× floor` : ""}`,
          ),
        );
      }
    };
    for (const limited of [false, true])
      for (const parallel of [...new Set([engineDefault, 8, 16, 64])])
        for (const operation of ["refresh", "preview --refresh"] as const) {
          await run(true, limited, parallel, operation);
          if (!limited) await run(false, limited, parallel, operation);
        }
    await run(false, true, engineDefault, "refresh");
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
