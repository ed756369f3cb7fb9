/**
 * The declarations file (`clerk-metadata.json`): what `pulumi-clerk-metadata generate` writes and
 * `declareFromFile` loads. JSON on purpose: Clerk metadata is JSON (no YAML coercion of `no` to
 * `false` or `1.10` to `1.1`), one key per line gives line diffs in review, and no parser is needed.
 */
import { isPlainObject, setOwn, type JsonObject, type JsonValue } from "../core/json";
import { formatPath } from "../core/keyPaths";
import { kinds, type IdField, type KindSpec, type MetadataField } from "../core/kinds";
import { validateId, validateMetadata } from "../core/validate";

/** Fields every entry may have. */
interface EntryBase {
  /** The Pulumi resource name: unique within its kind. */
  name: string;
  publicMetadata?: JsonObject;
  /**
   * Key of a secret stack config value (namespace `privateConfigNamespace`) holding this entity's
   * privateMetadata as JSON. Private metadata is never written inline.
   */
  privateMetadataConfig?: string;
}

/** One `OrganizationMetadata` resource: the organization's id, and its slug for the reader. */
export interface OrganizationEntry extends EntryBase {
  organizationId: string;
  slug?: string;
}

/** One `UserMetadata` resource. */
export interface UserEntry extends EntryBase {
  userId: string;
  unsafeMetadata?: JsonObject;
}

/** One `OrganizationMembershipMetadata` resource. */
export interface MembershipEntry extends EntryBase {
  organizationId: string;
  userId: string;
}

/** A whole declarations file: one list per resource kind. */
export interface DeclarationsFile {
  organizations: OrganizationEntry[];
  users: UserEntry[];
  memberships: MembershipEntry[];
}

/** The stack config namespace of private metadata: `clerk-private:<privateMetadataConfig>`. */
export const privateConfigNamespace = "clerk-private";

/** What a `privateMetadataConfig` key may look like: a Pulumi config key name without a namespace. */
export const privateConfigKeyPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The name `generate` gives the declarations file in the project folder. */
export const declarationsFileName = "clerk-metadata.json";

type SectionName = keyof DeclarationsFile;

/** How each section of the file maps to a resource kind, and the keys its entries take. */
interface Section {
  name: SectionName;
  /** "an organization entry": what messages call one entry. */
  entry: string;
  spec: KindSpec;
  /** Metadata fields written inline: every field of the kind except privateMetadata. */
  inlineFields: readonly MetadataField[];
  /** Optional string keys besides name, ids, metadata and privateMetadataConfig. */
  extraStrings: readonly string[];
}

const sections: readonly Section[] = [
  section("organizations", "an organization entry", kinds.organization, ["slug"]),
  section("users", "a user entry", kinds.user, []),
  section("memberships", "a membership entry", kinds.organizationMembership, []),
];

function section(name: SectionName, entry: string, spec: KindSpec, extraStrings: string[]): Section {
  const inlineFields = spec.metadataFields.filter((field) => field !== "privateMetadata");
  return { name, entry, spec, inlineFields, extraStrings };
}

const topLevelKeys = ["$comment", ...sections.map((s) => s.name)];

/** The sentence that refuses an inline `privateMetadata`, naming the two ways to declare it. */
const inlinePrivateRefusal =
  "private metadata is never written in the declarations file, which is committed in plain text: " +
  `put it in a secret stack config value (\`pulumi config set --secret ${privateConfigNamespace}:<key> '<json>'\`) ` +
  "and name that key in privateMetadataConfig, which `pulumi-clerk-metadata generate --private config --stack <stack>` does for you";

/**
 * Parses and validates a declarations file; throws an Error naming `source` and the JSON path of
 * the first problem (unknown key, wrong type, duplicate name, an inline `privateMetadata`, which
 * is refused with a sentence saying to use privateMetadataConfig / `generate --private config`).
 * Ids are checked as the resources' `check` checks them (prefix, characters) and metadata with the
 * same rules (plain JSON objects, the provider's depth limit, 8 KB per field). Sections may be
 * left out (read as empty); `$comment` is ignored. Never reads or writes anything.
 */
export function parseDeclarations(text: string, source: string): DeclarationsFile {
  const fail = (path: string, reason: string): never => {
    throw new Error(`${source}: ${path === "" ? "" : `${path} `}${reason}`);
  };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return fail("", `is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(root)) return fail("", `must hold a JSON object, got ${describeJson(root)}`);
  for (const key of Object.keys(root)) {
    if (!topLevelKeys.includes(key)) {
      fail(key, `is not a key of a declarations file; expected ${topLevelKeys.join(", ")}`);
    }
  }
  const comment = root.$comment;
  if (comment !== undefined && typeof comment !== "string" && !isStringArray(comment)) {
    fail("$comment", `must be a string or an array of strings, got ${describeJson(comment)}`);
  }
  const file: DeclarationsFile = { organizations: [], users: [], memberships: [] };
  for (const s of sections) {
    const list = root[s.name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(s.name, `must be an array of entries, got ${describeJson(list)}`);
    const names = new Map<string, number>();
    (list as unknown[]).forEach((item, index) => {
      const at = `${s.name}[${index}]`;
      const entry = parseEntry(s, item, at, fail);
      const first = names.get(entry.name);
      if (first !== undefined) {
        fail(
          `${at}.name`,
          `repeats the name ${JSON.stringify(entry.name)} of ${s.name}[${first}]; a resource name must be unique within its kind`,
        );
      }
      names.set(entry.name, index);
      (file[s.name] as EntryBase[]).push(entry);
    });
  }
  return file;
}

/** One entry of `s`, checked key by key in a fixed order; `fail` throws. */
function parseEntry(
  s: Section,
  item: unknown,
  at: string,
  fail: (path: string, reason: string) => never,
): EntryBase {
  if (!isPlainObject(item)) return fail(at, `must be ${s.entry} (an object), got ${describeJson(item)}`);
  const idNames = s.spec.idFields.map((field) => field.name);
  const allowed = [
    "name",
    ...idNames,
    ...s.extraStrings,
    ...s.inlineFields,
    "privateMetadataConfig",
  ] as string[];
  for (const key of Object.keys(item)) {
    if (key === "privateMetadata") fail(`${at}.privateMetadata`, `is refused: ${inlinePrivateRefusal}`);
    if (!allowed.includes(key)) {
      const onlyUsers = key === "unsafeMetadata" ? ` (only users have unsafeMetadata)` : "";
      fail(
        formatPath(at, [key]),
        `is not a key of ${s.entry}${onlyUsers}; expected one of ${allowed.join(", ")}`,
      );
    }
  }
  const entry: Record<string, unknown> = {};
  const name = item.name;
  if (typeof name !== "string" || name.trim() === "") {
    fail(`${at}.name`, `must be a non-empty string (the Pulumi resource name), got ${describeJson(name)}`);
  }
  entry.name = name;
  for (const field of s.spec.idFields) entry[field.name] = parseId(item, field, at, fail);
  for (const key of s.extraStrings) {
    const value = item[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") {
      fail(`${at}.${key}`, `must be a non-empty string, got ${describeJson(value)}`);
    }
    entry[key] = value;
  }
  for (const field of s.inlineFields) {
    if (item[field] === undefined) continue;
    const checked = validateMetadata(`${at}.${field}`, item[field]);
    const problem = checked.failures[0];
    if (problem) fail(problem.property, problem.reason);
    entry[field] = checked.value;
  }
  const configKey = item.privateMetadataConfig;
  if (configKey !== undefined) {
    if (typeof configKey !== "string" || !privateConfigKeyPattern.test(configKey)) {
      fail(
        `${at}.privateMetadataConfig`,
        `must be a stack config key name (letters, digits, "_", "-" and ".", read as ${privateConfigNamespace}:<key>), got ${describeJson(configKey)}`,
      );
    }
    entry.privateMetadataConfig = configKey;
  }
  return entry as unknown as EntryBase;
}

function parseId(
  item: Record<string, unknown>,
  field: IdField,
  at: string,
  fail: (path: string, reason: string) => never,
): string {
  const problem = validateId(`${at}.${field.name}`, item[field.name], field.prefix)[0];
  if (problem) fail(problem.property, problem.reason);
  return item[field.name] as string;
}

/**
 * Stable text for review in a pull request: a leading "$comment" key (generated by
 * `pulumi-clerk-metadata generate`, how to regenerate: `regenerate`, the command to run, when
 * given), entries sorted by name, object keys sorted recursively, 2-space JSON, trailing newline.
 * parseDeclarations(formatDeclarations(x)) deep-equals x whose lists are in name order (as
 * `generate` makes them; any other x comes back with its lists sorted by name). Keys that look like array indexes
 * (`"10"`) come first in ascending numeric order, as every JavaScript engine orders them; the text
 * is the same for the same declarations whatever order they came in.
 */
export function formatDeclarations(file: DeclarationsFile, regenerate?: string): string {
  const out: Record<string, unknown> = { $comment: commentText(regenerate) };
  for (const name of [...sections.map((s) => s.name)].sort(compareText)) {
    const entries = [...(file[name] as EntryBase[])].sort((a, b) => compareText(a.name, b.name));
    setOwn(
      out,
      name,
      entries.map((entry) => sortKeys(entry as unknown as JsonValue)),
    );
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

function commentText(regenerate: string | undefined): string {
  const how = regenerate
    ? `Regenerate with \`${regenerate}\``
    : "Regenerate with `npx pulumi-clerk-metadata generate --out <this folder>` and the same options";
  return (
    "Generated by `pulumi-clerk-metadata generate` from what Clerk held. Each entry is one resource that owns " +
    `exactly the keys it declares; keys left out stay the app's. ${how}, or edit by hand. ` +
    `Private metadata is never written here: privateMetadataConfig names a secret stack config value (${privateConfigNamespace}:<key>).`
  );
}

/** A copy of `value` with every object's keys inserted in code-unit order; `undefined` properties dropped. */
function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort(compareText)) {
    const item = value[key];
    if (item !== undefined) setOwn(sorted, key, sortKeys(item as JsonValue));
  }
  return sorted;
}

/** Code-unit order, the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** The JSON type of a parsed value, for messages (never its content). */
function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
