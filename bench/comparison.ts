import { createClerkClient } from "@clerk/backend";
import type { Emulator } from "../emulator";
import { userMetadataProvider, type MetadataInputs } from "../provider";
import type { JsonObject } from "../provider/core/json";
import { wholeFieldProvider, type WholeFieldState } from "./alternative";
import { atMost, info, type Figure } from "./figures";
import { operations } from "./requestCounts";

const section = "5. The common alternative (GET + PUT of the whole field)";
/** Resources that apply at once on one user, each owning one distinct key. */
const concurrentResources = 50;

/** The seeded users the comparison writes to; each must start with empty metadata. */
export interface ComparisonUsers {
  /** The user the alternative's request counts run on. */
  countUser: string;
  /** The user the alternative's 50 concurrent resources write to. */
  alternativeUser: string;
  /** The user this provider's 50 concurrent resources write to. */
  providerUser: string;
}

const configRequest = (values: Record<string, string>) =>
  ({ config: { get: (key: string) => values[key] } }) as never;

/**
 * Figure 5: the alternative's requests for the operations of figure 1 (hooks called as the
 * engine would: diff alone for a no-change up and a preview), then the keys lost when 50
 * resources owning distinct keys of one user apply at once, for the alternative and for this
 * provider (`userMetadataProvider.create`, 50 at once with `Promise.all`, after `configure`).
 */
export async function measureComparison(
  emulator: Emulator,
  users: ComparisonUsers,
  providerCounts: Record<string, number> | undefined,
): Promise<Figure[]> {
  const clerk = createClerkClient({
    secretKey: emulator.secretKey,
    apiUrl: emulator.url,
    telemetry: { disabled: true, debug: false, samplingRate: 0 },
  });
  const figures: Figure[] = [];

  const v0: WholeFieldState = {
    userId: users.countUser,
    publicMetadata: { plan: "pro", limits: { seats: 10 } },
  };
  const v1: WholeFieldState = {
    userId: users.countUser,
    publicMetadata: { plan: "pro", limits: { seats: 25 } },
  };
  const steps: (() => Promise<unknown>)[] = [
    () => wholeFieldProvider.create(clerk, v0),
    async () => wholeFieldProvider.diff(v0, v1) && wholeFieldProvider.update(clerk, v0, v1),
    async () => wholeFieldProvider.diff(v1, v1) && wholeFieldProvider.update(clerk, v1, v1),
    async () => wholeFieldProvider.diff(v1, v0),
    () => wholeFieldProvider.read(clerk, v1),
    () => wholeFieldProvider.delete(clerk, v1),
  ];
  const counts: number[] = [];
  for (const step of steps) {
    emulator.reset();
    await step();
    counts.push(emulator.counters().total);
  }
  figures.push(
    info({
      section,
      name: `alternative, User: ${operations.map((o) => o.short).join(" / ")}`,
      value: counts.join(" / "),
      compare: providerCounts ? `this provider: ${Object.values(providerCounts).join(" / ")}` : "",
      raw: Object.fromEntries(operations.map((o, i) => [o.op, counts[i]])),
    }),
  );

  const keys = Array.from({ length: concurrentResources }, (_, i) => `key${String(i).padStart(2, "0")}`);
  emulator.reset();
  const alternativeResults = await Promise.allSettled(
    keys.map((key, i) =>
      wholeFieldProvider.create(clerk, { userId: users.alternativeUser, publicMetadata: { [key]: i } }),
    ),
  );
  const alternativeRequests = emulator.counters().total;
  const alternativeHeld = emulator.data.getUser(users.alternativeUser)?.public_metadata ?? {};
  const alternativeLost = keys.filter((key) => !(key in alternativeHeld)).length;
  const alternativeFailed = alternativeResults.filter((r) => r.status === "rejected").length;
  figures.push(
    info({
      section,
      name: `alternative: keys lost, ${concurrentResources} resources on one user at once`,
      value: `${alternativeLost} of ${concurrentResources}`,
      raw: { lost: alternativeLost, failed: alternativeFailed, requests: alternativeRequests },
      note:
        `${alternativeRequests} requests, ${alternativeFailed} failed calls` +
        (alternativeLost > 0 ? "; each PUT wrote back the copy it had read, erasing keys written since" : ""),
    }),
  );

  await userMetadataProvider.configure!(
    configRequest({
      "clerk:secretKey": emulator.secretKey,
      "clerk:apiUrl": emulator.url,
      "clerk:rateLimit": "off",
    }),
  );
  emulator.reset();
  const providerResults = await Promise.allSettled(
    keys.map(async (key, i) => {
      const checked = await userMetadataProvider.check!(
        {} as never,
        {
          userId: users.providerUser,
          publicMetadata: { [key]: i } as JsonObject,
        } as MetadataInputs,
      );
      return userMetadataProvider.create(checked.inputs as MetadataInputs);
    }),
  );
  const providerRequests = emulator.counters().total;
  const providerHeld = emulator.data.getUser(users.providerUser)?.public_metadata ?? {};
  const providerLost = keys.filter((key) => !(key in providerHeld)).length;
  const providerFailed = providerResults.filter((r) => r.status === "rejected").length;
  figures.push(
    atMost(
      {
        section,
        name: `this provider: keys lost, ${concurrentResources} resources on one user at once`,
        value: `${providerLost} of ${concurrentResources}`,
        raw: { lost: providerLost, failed: providerFailed, requests: providerRequests },
        note: `${providerRequests} requests, ${providerFailed} failed calls`,
      },
      providerLost + providerFailed,
      0,
      `0 lost (alternative: ${alternativeLost})`,
    ),
  );
  return figures;
}
