import { parseArgs } from "node:util";
import { isWellFormedId } from "../core/kinds";
import { UsageError } from "./failures";
import { parseFieldPath, type FieldPath } from "./paths";

/** What `generate` was asked to do, checked: everything it needs except the Clerk settings. */
export interface GenerateOptions {
  /** The project folder to write into (as given, relative to the working directory). */
  out: string;
  /** `--organization` slugs, in the order given, without repeats. */
  organizationSlugs: string[];
  /** `--user` ids, in the order given, without repeats. */
  userIds: string[];
  /** `--path` selections; empty means every field whole. */
  paths: FieldPath[];
  /** The `--path` values as given, for the "regenerate with" notes. */
  pathTexts: string[];
  /** `omit` (default): private metadata is left out; `config`: it goes to the stack's secret config. */
  private: "omit" | "config";
  /** `--stack`: the stack whose config receives private metadata. */
  stack: string | undefined;
}

/** The outcome of reading the command line: print the usage, or run. */
export type ParsedCommand = { kind: "help" } | { kind: "run"; options: GenerateOptions };

/** The text `--help` prints. */
export const usage = `Usage: pulumi-clerk-metadata generate --out DIR [options]

Reads a Clerk instance (read-only) and writes DIR/clerk-metadata.json, the declarations of the
metadata Clerk holds, and DIR/clerkMetadata.ts, the lines of program that declare them:
  import { clerkMetadata } from "./clerkMetadata";

Options:
  --out DIR                The Pulumi project folder to write into (required).
  --organization SLUG      Only this organization and its memberships (repeatable).
  --user USER_ID           Only this user and their memberships (repeatable).
  --path FIELD[.KEY...]    Only this subtree of a metadata field (repeatable): publicMetadata,
                           privateMetadata or unsafeMetadata, then keys, e.g. publicMetadata.plan,
                           publicMetadata.limits.seats, or publicMetadata["key.with.dots"].
                           Keys held elsewhere stay the app's. Default: every key of every field.
  --private omit|config    Private metadata: omit (default) leaves it out; config stores it as
                           secret stack config (clerk-private:<ids>) with the Pulumi CLI, run in DIR.
  --stack NAME             The stack that receives the private metadata (with --private config).
  --help                   Print this text.

Environment:
  CLERK_SECRET_KEY         The instance's secret key (sk_test_… or sk_live_…). Required.
  CLERK_API_URL            Clerk's Backend API URL, when not https://api.clerk.com.
  CLERK_RATE_LIMIT         Requests per window, e.g. 50/10s (default: half of Clerk's limit).
  PULUMI_CLI               The Pulumi CLI to run for --private config (default: pulumi on PATH).

Exit codes: 0 done, 1 failed (Clerk, an unknown slug or id, the Pulumi CLI), 2 bad command line or settings.
`;

/** A slug as Clerk makes them: lowercase letters, digits, `-` and `_`. */
const slugPattern = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Reads `generate`'s arguments (after the word `generate`) with `node:util` parseArgs, strict.
 * Throws a `UsageError` whose message is one sentence naming the fix for: an unknown flag, a stray
 * argument, a missing `--out`, a malformed slug or user id, a `--path` whose field is not one of
 * the three metadata fields, an unknown `--private` mode, and `--private config` without `--stack`.
 * Never reads the environment or the disk.
 */
export function parseGenerateArgs(args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        organization: { type: "string", multiple: true },
        user: { type: "string", multiple: true },
        path: { type: "string", multiple: true },
        private: { type: "string" },
        stack: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(
      `${firstLine((error as Error).message)}; run \`pulumi-clerk-metadata generate --help\` for the options.`,
    );
  }
  const values = parsed.values;
  if (values.help) return { kind: "help" };
  const out = values.out;
  if (out === undefined || out.trim() === "") {
    throw new UsageError(
      "--out DIR is required: name the Pulumi project folder to write clerk-metadata.json into.",
    );
  }
  const organizationSlugs = unique(values.organization ?? []);
  for (const slug of organizationSlugs) {
    if (!slugPattern.test(slug)) {
      throw new UsageError(
        `--organization ${JSON.stringify(slug)} is not a slug: a slug is lowercase letters, digits, "-" and "_", as in the organization's settings in Clerk.`,
      );
    }
  }
  const userIds = unique(values.user ?? []);
  for (const id of userIds) {
    if (!isWellFormedId(id, "user_")) {
      throw new UsageError(
        `--user ${JSON.stringify(id)} is not a user id: pass the id Clerk shows for the user (user_ followed by letters and digits).`,
      );
    }
  }
  const paths = (values.path ?? []).map((text) => {
    const result = parseFieldPath(text);
    if (typeof result === "string") throw new UsageError(`--path ${JSON.stringify(text)}: ${result}.`);
    return result;
  });
  const mode = values.private ?? "omit";
  if (mode !== "omit" && mode !== "config") {
    throw new UsageError(
      `--private ${JSON.stringify(mode)} is not a mode: use --private omit or --private config.`,
    );
  }
  if (mode === "config" && (values.stack === undefined || values.stack.trim() === "")) {
    throw new UsageError(
      "--private config needs --stack NAME: name the stack whose secret config receives the private metadata.",
    );
  }
  return {
    kind: "run",
    options: {
      out,
      organizationSlugs,
      userIds,
      paths,
      pathTexts: values.path ?? [],
      private: mode,
      stack: values.stack,
    },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/\.$/, "");
}
