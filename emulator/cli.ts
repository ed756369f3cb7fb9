/**
 * The emulator in the foreground: `npm run emulator -- [options]` (see `USAGE`, or `--help`).
 *
 * Prints `CLERK_API_URL=…` and `CLERK_SECRET_KEY=…` on lines of their own once listening, then one line
 * per request unless `--quiet`. Stops, closes every connection and exits 0 on SIGINT, SIGTERM or SIGHUP,
 * and when the process that started it goes away (see `watchParent`).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorOptions } from "./emulator";
import { faultFromText } from "./faults";
import { parseRateLimitText } from "./rateLimit";
import type { ReplaceNull, SeedData, UnknownIdFilter } from "./types";

/** The `--help` text. */
export const USAGE = `usage: npm run emulator -- [options]

A local Clerk Backend API emulator on 127.0.0.1 (see emulator/README.md).

  -p, --port N                 port (default 0: a free one)
      --secret-key K           the accepted secret key (default: a generated sk_test_ key)
      --seed FILE.json         data to start with (e.g. emulator/seed.sample.json)
      --data FILE.json         load state from, and save it to, this file
      --rate-limit R           per-key limit: 100/10s, 100/10000ms, 100/10000 (ms) or off (default)
      --fault F                a fault, repeatable: JSON ('{"status":503,"count":2}') or
                               field=value pairs ('status=503,count=2,path=/v1/users/user_1')
      --unknown-id-filter M    dropped-filter (default) or ignored-id: how user_id/organization_id
                               list filters treat ids that name nothing
      --replace-null M         null (default) or empty-object: what PUT …/metadata stores for null
      --random-seed N          seed of the PRNG behind fault fractions
  -q, --quiet                  no request log
  -h, --help                   this text

Admin routes (no key needed): GET|POST|DELETE /__emulator/faults, GET /__emulator/requests,
GET /__emulator/counters, POST /__emulator/reset, GET /__emulator/data, PUT /__emulator/rate-limit.`;

/** What the command line asks for: emulator options and whether to log requests, or only help. */
export interface CommandLine {
  help: boolean;
  options: EmulatorOptions;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${flag} takes ${allowed.join(" or ")}, not ${JSON.stringify(value)}`);
  }
  return value as T;
}

function integer(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new Error(`${flag} takes a whole number ${min}–${max}, not ${value}`);
  return n;
}

/**
 * Parses the command line with `node:util` `parseArgs` (strict: unknown options, missing values and
 * positionals are errors). Throws an `Error` naming the bad option. The request log is on unless
 * `--quiet`.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string", short: "p" },
      "secret-key": { type: "string" },
      seed: { type: "string" },
      data: { type: "string" },
      "rate-limit": { type: "string" },
      fault: { type: "string", multiple: true },
      "unknown-id-filter": { type: "string" },
      "replace-null": { type: "string" },
      "random-seed": { type: "string" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { help: true, options: {} };
  const options: EmulatorOptions = { logRequests: !values.quiet };
  const port = integer("--port", values.port, 0, 65535);
  if (port !== undefined) options.port = port;
  if (values["secret-key"] !== undefined) options.secretKey = values["secret-key"];
  if (values.seed !== undefined) {
    try {
      options.seed = JSON.parse(readFileSync(values.seed, "utf8")) as SeedData;
    } catch (error) {
      throw new Error(`--seed ${values.seed}: ${(error as Error).message}`);
    }
  }
  if (values.data !== undefined) options.dataFile = values.data;
  if (values["rate-limit"] !== undefined) options.rateLimit = parseRateLimitText(values["rate-limit"]);
  if (values.fault) {
    options.faults = values.fault.map((text) => {
      try {
        return faultFromText(text);
      } catch (error) {
        throw new Error(`--fault ${text}: ${(error as Error).message}`);
      }
    });
  }
  const unknownIdFilter = oneOf<UnknownIdFilter>("--unknown-id-filter", values["unknown-id-filter"], [
    "dropped-filter",
    "ignored-id",
  ]);
  if (unknownIdFilter) options.unknownIdFilter = unknownIdFilter;
  const replaceNull = oneOf<ReplaceNull>("--replace-null", values["replace-null"], ["null", "empty-object"]);
  if (replaceNull) options.replaceNull = replaceNull;
  const randomSeed = integer("--random-seed", values["random-seed"], 0, 2 ** 32 - 1);
  if (randomSeed !== undefined) options.randomSeed = randomSeed;
  return { help: false, options };
}

/**
 * The ids of the processes whose end means "stop": the parent and, on Linux under `npm run` (npm sets
 * `npm_lifecycle_event` for its scripts), every ancestor up to and including the `npm` process. Under
 * `npm run emulator &`, `kill $!` signals npm; npm forwards the signal to the `sh -c` running the script,
 * which dies without passing it on, and this process would be left running, re-parented to init.
 */
export function watchedAncestors(): number[] {
  const watched = [process.ppid];
  if (process.env.npm_lifecycle_event === undefined || process.platform !== "linux") return watched;
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
      break;
    }
    if (!watched.includes(pid)) watched.push(pid);
    if (/(^|[/\s])npm(-cli\.js)?(\s|$)/.test(cmdline)) break;
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so read after the last ")".
    pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return watched;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Calls `onGone` once when the parent changes (this process was re-parented) or a watched ancestor
 * exits, checking every `intervalMs`. The timer does not keep the process alive. Standard input is not
 * watched: a job started with `&` has it at /dev/null, which ends at once.
 */
export function watchParent(onGone: (reason: string) => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const ancestors = watchedAncestors();
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone(`parent ${parent} exited`);
      return;
    }
    const gone = ancestors.find((pid) => !alive(pid));
    if (gone !== undefined) {
      clearInterval(timer);
      onGone(`ancestor ${gone} exited`);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function main(): Promise<void> {
  let commandLine: CommandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`emulator: ${(error as Error).message}`);
    console.error("run with --help for the options");
    process.exit(2);
  }
  if (commandLine.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(commandLine.options);
  console.log(`CLERK_API_URL=${emulator.url}`);
  console.log(`CLERK_SECRET_KEY=${emulator.secretKey}`);
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`emulator: stopping (${reason})`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => stop(signal));
  watchParent(stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`emulator: ${(error as Error).message ?? String(error)}`);
    process.exit(1);
  });
}
