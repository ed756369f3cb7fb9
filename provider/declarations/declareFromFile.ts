import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import type { JsonObject } from "../core/json";
import { OrganizationMembershipMetadata } from "../resources/organizationMembershipMetadata";
import { OrganizationMetadata } from "../resources/organizationMetadata";
import { UserMetadata } from "../resources/userMetadata";
import {
  parseDeclarations,
  privateConfigNamespace,
  type DeclarationsFile,
  type MembershipEntry,
  type OrganizationEntry,
  type UserEntry,
} from "./format";

/** The resources {@link declareFromFile} declared, by kind and resource name. */
export interface DeclaredMetadata {
  organizations: Record<string, OrganizationMetadata>;
  users: Record<string, UserMetadata>;
  memberships: Record<string, OrganizationMembershipMetadata>;
}

/**
 * Declares one resource per entry of a declarations file (`clerk-metadata.json`, written by
 * `pulumi-clerk-metadata generate`; see `format.ts`), each with `adopt: true`: the first `up`
 * reads what Clerk holds (batched) and writes only where it differs from the file. An entry's
 * `privateMetadataConfig` is read as a secret from the stack config (`clerk-private:<key>`).
 * `opts` go to every resource. Reads the file synchronously: a missing or malformed file, or a
 * missing config value, throws before any resource registers, naming the file and the fix.
 */
export function declareFromFile(file: string, opts?: pulumi.CustomResourceOptions): DeclaredMetadata {
  const declarations = readDeclarations(file);
  const privateMetadata = privateMetadataReader(file);
  /** The arguments every kind takes from an entry: its metadata, private metadata from config, and `adopt`. */
  const common = (entry: OrganizationEntry | UserEntry | MembershipEntry) => ({
    publicMetadata: entry.publicMetadata,
    privateMetadata: privateMetadata(entry.privateMetadataConfig),
    adopt: true,
  });
  const declared: DeclaredMetadata = { organizations: {}, users: {}, memberships: {} };
  for (const entry of declarations.organizations)
    declared.organizations[entry.name] = new OrganizationMetadata(
      entry.name,
      { organizationId: entry.organizationId, ...common(entry) },
      opts,
    );
  for (const entry of declarations.users)
    declared.users[entry.name] = new UserMetadata(
      entry.name,
      { userId: entry.userId, unsafeMetadata: entry.unsafeMetadata, ...common(entry) },
      opts,
    );
  for (const entry of declarations.memberships)
    declared.memberships[entry.name] = new OrganizationMembershipMetadata(
      entry.name,
      { organizationId: entry.organizationId, userId: entry.userId, ...common(entry) },
      opts,
    );
  return declared;
}

function readDeclarations(file: string): DeclarationsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(error);
    throw new Error(
      `cannot read the declarations file ${file}: ${reason}. Write it with \`npx pulumi-clerk-metadata generate --out <folder>\`.`,
    );
  }
  return parseDeclarations(text, file);
}

/** Reads `clerk-private:<key>` as a secret JSON object, failing with the command that sets it. */
function privateMetadataReader(
  file: string,
): (key: string | undefined) => pulumi.Output<JsonObject> | undefined {
  const config = new pulumi.Config(privateConfigNamespace);
  return (key) => {
    if (key === undefined) return undefined;
    const value = config.getSecretObject<JsonObject>(key);
    if (value === undefined)
      throw new Error(
        `${file} takes private metadata from the stack config ${privateConfigNamespace}:${key}, which this stack does not have. ` +
          `Run \`npx pulumi-clerk-metadata generate --private config --stack <stack> --out <folder>\` again, or set it with ` +
          `\`pulumi config set --secret ${privateConfigNamespace}:${key} '<json>'\`.`,
      );
    return value;
  };
}
