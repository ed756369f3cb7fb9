#!/usr/bin/env node
/**
 * The package's command line, `pulumi-clerk-metadata` (package.json `bin`). Its one command,
 * `generate`, reads a Clerk instance and writes the declarations of its metadata; see
 * `pulumi-clerk-metadata generate --help`.
 */
import { runGenerate } from "./command";
import { usage } from "./options";

/**
 * Runs the command line `args` (after the program name) and resolves to the exit code: `generate …`
 * runs `runGenerate`; `--help` prints the usage and gives 0; nothing prints the usage and gives 2, as
 * does any other word (with a sentence naming the one command).
 */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "generate") {
    return runGenerate(rest, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      now: Date.now,
    });
  }
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(
    `pulumi-clerk-metadata: unknown command ${JSON.stringify(command)}; the one command is generate (see pulumi-clerk-metadata generate --help).\n`,
  );
  return 2;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
