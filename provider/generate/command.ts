import * as fs from "node:fs";
import * as path from "node:path";
import { resolveSettings, type ClerkSettings } from "../clerk/settings";
import { messageOf, redact } from "../core/errors";
import { declarationsFileName, formatDeclarations, parseDeclarations } from "../declarations/format";
import { clerkLists } from "./clerkLists";
import { GenerateError, UsageError } from "./failures";
import { omittedPrivateNote, regenerateCommand, storedPrivateNote, summaryLine } from "./notes";
import { parseGenerateArgs, usage, type GenerateOptions } from "./options";
import { selectionOf } from "./paths";
import { readStackConfig, storePrivateConfig, type PulumiTarget, type StackConfig } from "./privateConfig";
import { createProgress, type ProgressStream } from "./progress";
import { readInstance } from "./reader";
import { selectDeclarations } from "./select";
import { writeProjectFiles } from "./writer";

/** What the command works with: its output streams, environment and clock (the process's by default). */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/**
 * Runs `pulumi-clerk-metadata generate` with `args` (the words after `generate`) and resolves to
 * the exit code: 0 done; 1 a failure while running (Clerk, an unknown slug or user id, the Pulumi
 * CLI, the disk), printed as one message; 2 a command line or setting refused before any request
 * (unknown flag, no `--out`, a bad `--path`, `--private config` without `--stack`, no or a malformed
 * `CLERK_SECRET_KEY`). `--help` prints the usage on stdout. Clerk is only read, never written.
 * Progress and failures go to stderr, the outcome to stdout. Nothing printed ever holds the secret
 * key or a private metadata value; nothing is written when reading or storing fails.
 */
export async function runGenerate(args: readonly string[], io: CommandIo): Promise<number> {
  let options: GenerateOptions;
  let settings: ClerkSettings;
  try {
    const command = parseGenerateArgs(args);
    if (command.kind === "help") {
      io.stdout.write(usage);
      return 0;
    }
    options = command.options;
    settings = settingsFrom(io.env);
  } catch (error) {
    io.stderr.write(`generate: ${messageOf(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  try {
    await generate(options, settings, io);
    return 0;
  } catch (error) {
    const known =
      error instanceof GenerateError || (error as { name?: unknown })?.name === "ClerkOperationError";
    const text = known
      ? messageOf(error)
      : `${messageOf(error)} (an unexpected failure; nothing was written)`;
    const line = redact(text, settings.secretKey);
    io.stderr.write(`${line.startsWith("generate: ") ? "" : "generate: "}${line}\n`);
    return 1;
  }
}

/** The Clerk settings from the environment (`resolveSettings({}, env)`); refusals are `UsageError`s. */
function settingsFrom(env: NodeJS.ProcessEnv): ClerkSettings {
  if (!env.CLERK_SECRET_KEY) {
    throw new UsageError(
      "CLERK_SECRET_KEY is not set: set it to the secret key of the Clerk instance to read (sk_test_… or sk_live_…, from the API keys page of Clerk's dashboard).",
    );
  }
  try {
    return resolveSettings({}, env);
  } catch (error) {
    throw new UsageError(redact(messageOf(error), env.CLERK_SECRET_KEY));
  }
}

async function generate(options: GenerateOptions, settings: ClerkSettings, io: CommandIo): Promise<void> {
  const started = io.now();
  const stack = options.private === "config" ? await openStack(options, io) : undefined;
  const progress = createProgress(io.stderr, io.now);
  const lists = clerkLists(settings, progress.note);
  let read;
  try {
    read = await readInstance(lists, options, progress.page);
  } finally {
    progress.stop();
  }
  for (const warning of read.warnings) io.stderr.write(`generate: ${warning}\n`);

  const selection = selectDeclarations(read.snapshot, {
    paths: selectionOf(options.paths),
    private: options.private,
    organizationIds: read.organizationIds,
    userIds: read.userIds,
  });
  const text = formatDeclarations(selection.declarations, regenerateCommand(options));
  // What is written must load: the loader parses with the same function.
  parseDeclarations(text, path.join(options.out, declarationsFileName));

  let privateNote = omittedPrivateNote(options, selection);
  if (stack && selection.privateValues.length === 0) {
    privateNote = "no private metadata at the chosen paths: no stack config was set.";
  } else if (stack) {
    const stored = await storePrivateConfig(stack.target, selection.privateValues, stack.current);
    privateNote = storedPrivateNote(stack.target.stack, selection.privateValues.length, stored);
  }
  let written;
  try {
    written = writeProjectFiles(options.out, text);
  } catch (error) {
    throw new GenerateError(
      `could not write into ${options.out}: ${messageOf(error)}` +
        (stack ? " (the stack config was set already; run generate again once the folder is writable)" : ""),
    );
  }

  const declared = {
    organizations: selection.declarations.organizations.length,
    users: selection.declarations.users.length,
    memberships: selection.declarations.memberships.length,
  };
  const ms = io.now() - started;
  io.stdout.write(
    `generate: ${summaryLine(declared, selection.considered, written.declarations, lists.requests, ms)}\n`,
  );
  if (written.programState === "written") io.stdout.write(`generate: wrote ${written.program}.\n`);
  if (written.programState === "kept") {
    io.stdout.write(
      `generate: ${written.program} exists and differs from the generated one: left as it is ` +
        `(delete it and run generate again to get the generated one).\n`,
    );
  }
  if (privateNote) io.stdout.write(`generate: ${privateNote}\n`);
}

/**
 * The Pulumi CLI for `--stack`, run in the project folder (`--out`), and the stack's config as it
 * is now: read before Clerk, so a wrong folder, stack or CLI fails first.
 */
async function openStack(
  options: GenerateOptions,
  io: CommandIo,
): Promise<{ target: PulumiTarget; current: StackConfig }> {
  const { CLERK_SECRET_KEY: _key, ...env } = io.env;
  const target = { cli: io.env.PULUMI_CLI || "pulumi", cwd: options.out, stack: options.stack!, env };
  if (!fs.existsSync(options.out)) {
    throw new GenerateError(
      `--out ${options.out} does not exist: with --private config it must be the Pulumi project folder of stack ${options.stack}.`,
    );
  }
  return { target, current: await readStackConfig(target) };
}
