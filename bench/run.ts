/**
 * `npm run bench`: measures the provider against the local Clerk emulator and prints one table
 * (goals and baselines next to each figure, `met`/`missed`), then writes the same figures to
 * `bench/results.json`. Every figure comes from this one run; nothing is asserted.
 */
import { startEmulator, type SeedData } from "../emulator";
import { ProviderHost } from "../driver/host";
import { measureComparison } from "./comparison";
import { installStateTiming } from "./driverStateTiming";
import type { Figure } from "./figures";
import { measureHookTiming } from "./hookTiming";
import { measureLargeStack } from "./largeStack";
import { packAndInstall, repoRoot, type ScratchInstall } from "./packageInstall";
import { measureRefreshCost } from "./refreshCost";
import { measureRequestCounts } from "./requestCounts";
import { describeMachine, resultsFile, writeResults } from "./resultsFile";
import { startRemoteEmulator } from "./remoteEmulator";
import { measureStateSize } from "./stateSize";
import { formatTable } from "./table";

/** Resources in the large stack. */
const largeStackSize = 1000;
/** The driver's `parallel` option for the large stack. */
const parallel = 50;
/** Resources in the from-source comparison stack. */
const sourceStackSize = 100;

const largeUsers = Array.from(
  { length: largeStackSize },
  (_, i) => `user_bench${String(i).padStart(4, "0")}`,
);

/** Every entity the sections write to, seeded once. */
const seed: SeedData = {
  users: [
    ...[
      "user_counted",
      "user_member",
      "user_probe",
      "user_probemember",
      "user_altcount",
      "user_alt",
      "user_own",
    ].map((id) => ({ id, first_name: "Bench" })),
  ],
  organizations: [
    { id: "org_counted", name: "Counted", created_by: "user_counted" },
    { id: "org_probe", name: "Probe", created_by: "user_probe" },
  ],
  memberships: [
    { organization_id: "org_counted", user_id: "user_member" },
    { organization_id: "org_probe", user_id: "user_probemember" },
  ],
};

async function main(): Promise<void> {
  const started = performance.now();
  const sectionSeconds: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    console.error(`bench: ${name}…`);
    try {
      return await fn();
    } finally {
      sectionSeconds[name] = Math.round((performance.now() - t) / 100) / 10;
    }
  };
  process.on("unhandledRejection", (error) => console.error("bench: unhandled rejection:", error));
  installStateTiming();

  const figures: Figure[] = [];
  figures.push(...(await timed("3. hook time", () => measureHookTiming())));

  const emulator = await startEmulator({ seed });
  const config = {
    "clerk:secretKey": { value: emulator.secretKey, secret: true as const },
    "clerk:apiUrl": emulator.url,
  };
  let scratch: ScratchInstall | undefined;
  try {
    const counts = await timed("1. requests per operation", async () => {
      const host = await ProviderHost.start({ cwd: repoRoot });
      try {
        return await measureRequestCounts(emulator, host, config, {
          userId: "user_counted",
          organizationId: "org_counted",
          memberUserId: "user_member",
        });
      } finally {
        await host.stop();
      }
    });
    figures.push(...counts.figures);

    scratch = await timed("2. npm pack + install", () => packAndInstall());
    const installed = scratch;
    const sizes = await timed("2. state size", () =>
      measureStateSize(installed, emulator, {
        userId: "user_probe",
        organizationId: "org_probe",
        memberUserId: "user_probemember",
      }),
    );
    figures.push(...sizes.figures);

    figures.push(
      ...(await timed("4. large stack", async () => {
        const remote = await startRemoteEmulator({
          seed: { users: largeUsers.map((id) => ({ id, first_name: "Bench" })) },
        });
        try {
          return await measureLargeStack({
            emulator: remote,
            scratch: installed,
            providerString: sizes.tarballProvider.UserMetadata,
            userIds: largeUsers,
            parallel,
            sourceResources: sourceStackSize,
          });
        } finally {
          await remote.stop();
        }
      })),
    );

    figures.push(...(await timed("6. refresh cost", () => measureRefreshCost(installed))));

    figures.push(
      ...(await timed("5. alternative", () =>
        measureComparison(
          emulator,
          { countUser: "user_altcount", alternativeUser: "user_alt", providerUser: "user_own" },
          counts.perKind.UserMetadata,
        ),
      )),
    );
  } finally {
    scratch?.remove();
    await emulator.stop();
  }

  figures.sort((a, b) => a.section.localeCompare(b.section, "en", { numeric: true }));
  const durationSeconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(formatTable(figures));
  const missed = figures.filter((f) => f.status === "missed").length;
  const machine = describeMachine();
  console.log(
    `\n${figures.filter((f) => f.status === "met").length} goals met, ${missed} missed; ${durationSeconds} s on ${machine.cpus} cores (load ${machine.loadAverageAtStart} at start), Node ${process.version}. Written to ${resultsFile}`,
  );
  writeResults({
    date: new Date().toISOString(),
    machine,
    durationSeconds,
    sectionSeconds,
    figures,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
