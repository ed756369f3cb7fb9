import { privateConfigNamespace } from "../declarations/format";
import type { GenerateOptions } from "./options";
import type { StoredPrivateConfig } from "./privateConfig";
import type { KindCounts, SelectionResult } from "./select";
import { shellCommand } from "./shell";

/** `1 organization`, `2 organizations`. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * The command line that generates the same declarations again (`npx pulumi-clerk-metadata
 * generate --out …` with the same filters, paths and private mode), as a POSIX shell reads it.
 */
export function regenerateCommand(options: GenerateOptions): string {
  return shellCommand(regenerateArgs(options));
}

function regenerateArgs(options: GenerateOptions): string[] {
  const args = ["npx", "pulumi-clerk-metadata", "generate", "--out", options.out];
  for (const slug of options.organizationSlugs) args.push("--organization", slug);
  for (const id of options.userIds) args.push("--user", id);
  for (const text of options.pathTexts) args.push("--path", text);
  if (options.private === "config") args.push("--private", "config", "--stack", options.stack ?? "");
  return args;
}

/**
 * The summary line: entities declared per kind (of those read), where, the HTTP requests sent to
 * Clerk and the time taken.
 */
export function summaryLine(
  declared: KindCounts,
  considered: KindCounts,
  file: string,
  requests: number,
  ms: number,
): string {
  return (
    `declared ${counted(declared.organizations, "organization")}, ${counted(declared.users, "user")} and ` +
    `${counted(declared.memberships, "membership")} (of ${considered.organizations}, ${considered.users} and ` +
    `${considered.memberships} read) in ${file}; ${counted(requests, "request")} to Clerk in ${(ms / 1000).toFixed(1)} s.`
  );
}

/**
 * The sentence about private metadata left out (`--private omit`): how many entities and keys,
 * and the command that declares it as secret stack config; `undefined` when none was left out.
 */
export function omittedPrivateNote(options: GenerateOptions, selection: SelectionResult): string | undefined {
  const { entities, keys } = selection.omittedPrivate;
  if (entities === 0) return undefined;
  const withConfig = [...regenerateArgs({ ...options, private: "omit" }), "--private", "config", "--stack"];
  const command = options.stack
    ? shellCommand([...withConfig, options.stack])
    : `${shellCommand(withConfig)} <stack>`;
  return (
    `left out the private metadata of ${counted(entities, "entity", "entities")} (${counted(keys, "key")}), ` +
    `which is never written in plain text; to declare it as secret stack config, run: ${command}`
  );
}

/** The sentence about private metadata stored as the stack's secret config (`--private config`). */
export function storedPrivateNote(stack: string, entities: number, stored: StoredPrivateConfig): string {
  let note =
    `stored the private metadata of ${counted(entities, "entity", "entities")} as secret config of stack ${stack} ` +
    `(${privateConfigNamespace}:<ids>): ${stored.written.length} set, ${stored.unchanged.length} unchanged.`;
  if (stored.unused.length > 0) {
    const shown = stored.unused.slice(0, 5).join(", ") + (stored.unused.length > 5 ? ", …" : "");
    note +=
      ` ${counted(stored.unused.length, `${privateConfigNamespace} key`)} of the stack no longer declared (${shown}); ` +
      `remove them with \`pulumi config rm --stack ${stack} <key>\` when nothing else uses them.`;
  }
  return note;
}
