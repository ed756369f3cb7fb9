/**
 * `npm run bench`: measures the provider against the local Clerk emulator, through Pulumi's own
 * CLI (`engine/stack.ts`, the Automation API's inline route: the programs run in this process),
 * and prints one table (goals and baselines next to each figure, `met`/`missed`), then writes the
 * same figures to `bench/results.json`. Every figure comes from this one run; nothing is asserted.
 *
 * The large stacks have 1,000 resources; `BENCH_SIZE=50 npm run bench` (or `npm run bench -- 50`)
 * runs them with fewer, for development.
 */
import { startEmulator, type SeedData } from "../emulator";
import { defaultParallel, ensureToolchain } from "../engine/toolchain";
import { measureAdoption } from "./adoption";
import { measureComparison } from "./comparison";
import { info, type Figure } from "./figures";
import { measureHookTiming } from "./hookTiming";
import { measureLargeStack } from "./largeStack";
import { mixedSeed, mixedShape } from "./mixedStack";
import { packAndInstall, resolveFromScratch, type ScratchInstall } from "./packageInstall";
import { measureRefreshCost } from "./refreshCost";
import { measureRequestCounts } from "./requestCounts";
import { describeMachine, resultsFile, writeResults } from "./resultsFile";
import { startRemoteEmulator } from "./remoteEmulator";
import { measureStateSize } from "./stateSize";
import { formatTable } from "./table";

/**
 * Plain V8 stack traces in this process, where the Automation API runs every program (the inline
 * route). ts-node registers `@cspotcode/source-map-support`, which maps every stack through source
 * maps as soon as it is read, and the Pulumi runtime reads one for each promise it makes
 * (`debuggablePromise`, `@pulumi/pulumi/runtime/debuggable.js`, v3.248.0): about a fifth of this
 * process's CPU in a 200-resource preview, taken from the 2 cores the CLI, the provider host and
 * the emulator share. The same for every stack, so it only made every figure slower. (`npm run
 * bench` already runs ts-node with `--transpile-only`: no type-checking either.)
 */
(Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;

/** Resources in the large stacks: `BENCH_SIZE`, or the first argument, else 1,000. */
function benchSize(): number {
  const text = process.env.BENCH_SIZE ?? process.argv[2];
  if (text === undefined) return 1000;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 10)
    throw new Error(`BENCH_SIZE must be a whole number of at least 10, not ${text}`);
  return size;
}

/** The long sections (4, 6, 7, each minutes at 1,000 resources); the others always run. */
const longSections = ["4", "6", "7"];

/**
 * The long sections to run: `BENCH_SECTIONS` (e.g. `4,7`), for development; every one by
 * default. A run that leaves one out prints its table but does not write `results.json`.
 */
function longSectionsToRun(): string[] {
  const text = process.env.BENCH_SECTIONS;
  if (text === undefined) return longSections;
  const asked = text.split(",").map((part) => part.trim());
  const unknown = asked.filter((part) => !longSections.includes(part));
  if (unknown.length)
    throw new Error(
      `BENCH_SECTIONS takes ${longSections.join(", ")} (comma-separated), not ${unknown.join(", ")}`,
    );
  return asked;
}

/**
 * The first build of the toolchain (`engine/toolchain.ts`, from the Go module proxy), measured on
 * this machine (2 cores) on 2026-12-06 with a cold Go build cache. Recorded here, not measured by
 * the bench: a cold build takes minutes and every later run reuses `.tools/`.
 */
const firstBuild = { cliSeconds: 5 * 60 + 52, languageHostSeconds: 55, date: "2026-12-06" };

/** Every entity sections 1, 2 and 5 write to, seeded once. */
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

/** Figure 0: the CLI the runs use, the engine's default parallelism here, the first build's time. */
function toolchainFigures(): Figure[] {
  const section = "0. Pulumi toolchain";
  const toolchain = ensureToolchain();
  return [
    info({
      section,
      name: "CLI",
      value: `${toolchain.version} (${toolchain.source})`,
      raw: toolchain,
      note: toolchain.pulumi,
    }),
    info({
      section,
      name: "engine default parallel (4 × CPUs; engine/toolchain.ts defaultParallel)",
      value: `${defaultParallel()}`,
      raw: defaultParallel(),
    }),
    info({
      section,
      name: "first build: CLI / language host",
      value: `${Math.floor(firstBuild.cliSeconds / 60)} min ${firstBuild.cliSeconds % 60} s / ${firstBuild.languageHostSeconds} s`,
      raw: firstBuild,
      note: `recorded, not measured by this run: this machine, ${firstBuild.date}, cold Go build cache; later runs reuse .tools/`,
    }),
  ];
}

async function main(): Promise<void> {
  const size = benchSize();
  const sections = longSectionsToRun();
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

  const figures: Figure[] = [];
  figures.push(...(await timed("0. toolchain", () => toolchainFigures())));
  figures.push(...(await timed("3. hook time", () => measureHookTiming())));

  const emulator = await startEmulator({ seed });
  let scratch: ScratchInstall | undefined;
  try {
    scratch = await timed("2. npm pack + install", () => packAndInstall());
    const installed = scratch;
    resolveFromScratch(installed);
    const sizes = await timed("2. state size", () =>
      measureStateSize(installed, emulator, {
        userId: "user_probe",
        organizationId: "org_probe",
        memberUserId: "user_probemember",
      }),
    );
    figures.push(...sizes.figures);

    const counts = await timed("1. requests per operation", () =>
      measureRequestCounts(emulator, installed, {
        userId: "user_counted",
        organizationId: "org_counted",
        memberUserId: "user_member",
      }),
    );
    figures.push(...counts.figures);

    const shape = mixedShape(size);
    const remote = await startRemoteEmulator({ seed: mixedSeed(shape) });
    try {
      if (sections.includes("4"))
        figures.push(
          ...(await timed("4. large stack", () =>
            measureLargeStack({ emulator: remote, scratch: installed, shape, parallel: defaultParallel() }),
          )),
        );
      if (sections.includes("6"))
        figures.push(
          ...(await timed("6. refresh cost", () =>
            measureRefreshCost({
              emulator: remote,
              scratch: installed,
              shape,
              defaultParallel: defaultParallel(),
            }),
          )),
        );
    } finally {
      await remote.stop();
    }
    if (sections.includes("7"))
      figures.push(
        ...(await timed("7. adoption", () =>
          measureAdoption({ scratch: installed, organizations: size, parallel: defaultParallel() }),
        )),
      );

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
    `\n${figures.filter((f) => f.status === "met").length} goals met, ${missed} missed; ${durationSeconds} s on ${machine.cpus} cores (load ${machine.loadAverageAtStart} at start), Node ${process.version}.`,
  );
  if (sections.length < longSections.length) {
    console.log(`Sections ${sections.join(", ")} only (BENCH_SECTIONS): ${resultsFile} not written.`);
    return;
  }
  console.log(`Written to ${resultsFile}`);
  writeResults({
    date: new Date().toISOString(),
    benchSize: size,
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
