/**
 * Starts the emulator in the foreground: `npm run emulator -- [options]`.
 *
 *   --port N              port on 127.0.0.1 (default: a free one)
 *   --secret-key K        accepted secret key (default: a generated sk_test_… key)
 *   --seed FILE.json      SeedData to start with
 *   --data FILE.json      load state from / save state to this file
 *   --rate-limit N/MS     at most N requests per MS milliseconds per key (e.g. 100/10000)
 *
 * Prints `CLERK_API_URL=…` and `CLERK_SECRET_KEY=…` on lines of their own once listening; SIGINT and
 * SIGTERM stop it and exit 0.
 */
import { readFileSync } from "node:fs";
import { startEmulator, type EmulatorOptions } from "./emulator";
import type { SeedData } from "./types";

/** Parses the command line into emulator options; throws an `Error` with a usage hint for bad input. */
export function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    switch (flag) {
      case "--port": {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port ${value}`);
        options.port = port;
        break;
      }
      case "--secret-key":
        options.secretKey = value;
        break;
      case "--seed":
        options.seed = JSON.parse(readFileSync(value, "utf8")) as SeedData;
        break;
      case "--data":
        options.dataFile = value;
        break;
      case "--rate-limit": {
        const match = /^(\d+)\/(\d+)$/.exec(value);
        if (!match) throw new Error(`--rate-limit takes N/MS, e.g. 100/10000, not ${value}`);
        options.rateLimit = { requests: Number(match[1]), windowMs: Number(match[2]) };
        break;
      }
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`emulator: ${(error as Error).message}`);
    console.error(
      "usage: emulator [--port N] [--secret-key K] [--seed FILE] [--data FILE] [--rate-limit N/MS]",
    );
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  console.log(`CLERK_API_URL=${emulator.url}`);
  console.log(`CLERK_SECRET_KEY=${emulator.secretKey}`);
  const stop = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`emulator: ${(error as Error).message ?? String(error)}`);
    process.exit(1);
  });
}
