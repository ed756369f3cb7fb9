/** A seeded instance to generate from, and `generate` run in this process with its output captured. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator, Metadata, SeedData } from "../../emulator";
import { parseDeclarations, type DeclarationsFile } from "../../provider/declarations/format";
import { runGenerate } from "../../provider/generate/command";

/** Counts of the seeded world: more organizations, users and memberships than one page of 100. */
export const worldSize = { organizations: 130, users: 110, memberships: 140 } as const;

const empty = (value: Metadata) => Object.keys(value).length === 0;

/**
 * An instance as an app leaves it: `org_<n>` (slug `team-<n>`) with the app's keys, a plan and
 * seats on three of four (none at all on the fourth) and private billing data on every tenth;
 * `user_<n>` with a role and the app's keys on two of three, a theme in unsafeMetadata on every
 * fifth and a private key on every seventh; membership `i` joins `org_<i mod 130>` and
 * `user_<i mod 110>`, with a seat on odd `i` and a private note on every ninth.
 */
export function seededWorld(): SeedData {
  const when = (holds: boolean, metadata: Metadata): Metadata => (holds ? metadata : {});
  const organizations = Array.from({ length: worldSize.organizations }, (_, n) => ({
    id: `org_${n}`,
    name: `Team ${n}`,
    slug: `team-${n}`,
    public_metadata: when(n % 4 !== 0, {
      app: { version: 3, tag: `o${n}` },
      plan: n % 2 ? "pro" : "free",
      limits: { seats: n, appLimit: 5 },
    }),
    private_metadata: when(n % 10 === 3, { billingId: `cus_${n}`, appSecretRef: `ref-${n}` }),
  }));
  const users = Array.from({ length: worldSize.users }, (_, n) => ({
    id: `user_${n}`,
    public_metadata: when(n % 3 !== 0, { role: n % 2 ? "admin" : "member", app: { tag: `u${n}` } }),
    unsafe_metadata: when(n % 5 === 0, { theme: "dark" }),
    private_metadata: when(n % 7 === 0, { stripeId: `cus_u${n}` }),
  }));
  const memberships = Array.from({ length: worldSize.memberships }, (_, i) => ({
    organization_id: `org_${i % worldSize.organizations}`,
    user_id: `user_${i % worldSize.users}`,
    public_metadata: when(i % 2 === 1, { seat: `A${i}`, app: { joined: i } }),
    private_metadata: when(i % 9 === 0, { note: `n${i}` }),
  }));
  return { organizations, users, memberships };
}

/**
 * What a generate run without filters must declare, built from what the emulator holds (without
 * the code under test): every entity with a non-empty public (or unsafe) field, declaring it whole.
 */
export function expectedFromClerk(emulator: Emulator): DeclarationsFile {
  const held = emulator.data.snapshot();
  const slugOf = new Map(held.organizations.map((o) => [o.id, o.slug]));
  return {
    organizations: held.organizations
      .filter((o) => !empty(o.public_metadata))
      .map((o) => ({ name: o.slug, organizationId: o.id, slug: o.slug, publicMetadata: o.public_metadata })),
    users: held.users
      .filter((u) => !empty(u.public_metadata) || !empty(u.unsafe_metadata))
      .map((u) => ({
        name: u.id,
        userId: u.id,
        ...(empty(u.public_metadata) ? {} : { publicMetadata: u.public_metadata }),
        ...(empty(u.unsafe_metadata) ? {} : { unsafeMetadata: u.unsafe_metadata }),
      })),
    memberships: held.memberships
      .filter((m) => !empty(m.public_metadata))
      .map((m) => ({
        name: `${slugOf.get(m.organization.id)}-${m.public_user_data.user_id}`,
        organizationId: m.organization.id,
        userId: m.public_user_data.user_id,
        publicMetadata: m.public_metadata,
      })),
  };
}

/** The same declarations with every list sorted by name, for comparisons that ignore order. */
export function byName(file: DeclarationsFile): DeclarationsFile {
  const sort = <T extends { name: string }>(list: T[]) =>
    [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    organizations: sort(file.organizations),
    users: sort(file.users),
    memberships: sort(file.memberships),
  };
}

/** What one in-process run printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `generate args` in this process against `emulator` (its key and URL in the environment,
 * plus `env`), with stderr a terminal when `tty` says so.
 */
export async function generateFrom(
  emulator: Emulator,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; tty?: { columns: number } } = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runGenerate(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => (stderr += text),
      isTTY: options.tty !== undefined,
      columns: options.tty?.columns,
    },
    env: { CLERK_SECRET_KEY: emulator.secretKey, CLERK_API_URL: emulator.url, ...options.env },
    now: Date.now,
  });
  return { code, stdout, stderr };
}

/** The declarations file a run wrote into `dir`, parsed. */
export function declarationsIn(dir: string): DeclarationsFile {
  const file = path.join(dir, "clerk-metadata.json");
  return parseDeclarations(fs.readFileSync(file, "utf8"), file);
}

/** A fresh empty folder under the system's temporary folder; `cleanup` removes every one made. */
export function scratchFolder(): { make: (name?: string) => string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-generate-"));
  let n = 0;
  return {
    make: (name = `run${++n}`) => path.join(root, name),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** The requests the emulator recorded, as `METHOD path?query` with every query value, sorted. */
export function requestLines(emulator: Emulator): string[] {
  return emulator
    .requests()
    .map((r) => {
      const query = new URLSearchParams();
      for (const key of Object.keys(r.queryAll).sort())
        for (const value of r.queryAll[key]) query.append(key, value);
      const search = decodeURIComponent(query.toString());
      return `${r.method} ${r.path}${search ? `?${search}` : ""} ${r.status}`;
    })
    .sort();
}
