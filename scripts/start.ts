/**
 * `npm start`: the example stacks, end to end, against the local Clerk emulator.
 *
 * Starts the emulator and seeds an organization, users and memberships holding keys "the app"
 * wrote, and shows them. Then runs the three examples with Pulumi's own CLI as a user types it
 * (`pulumi preview`, `pulumi up --yes`, …: engine/project.ts; the CLI is built first when missing),
 * printing Pulumi's own display: `examples/organization` (found by slug: preview, up, a no-change up,
 * a nested change, drift made behind the stack's back, the drift gate failing as it should, drift
 * correction), `examples/memberships` (members found by email address) and
 * `examples/users-from-file` (UserMetadata), then destroys all three. Prints each step and the
 * requests sent to Clerk (private values masked), what the destroys left behind (private values
 * masked), and a table of requests per step. Exits non-zero if the app's own keys did not survive
 * or the drift gate did not fail.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createClerkClient } from "@clerk/backend";
import { stringify } from "yaml";
import { startEmulator, type Emulator, type LoggedRequest } from "../emulator";
import { openProject, projectFor, type ProjectStack } from "../engine/project";
import { ensureToolchain } from "../engine/toolchain";
import type { OperationResult } from "../engine/types";

const examples = path.join(__dirname, "..", "examples");

/** A config value as `pulumi config set` takes it. */
type ConfigValue = string | { value: string; secret: true };

/** The CLI's display, indented under the step's title. */
function indented(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `  | ${line}`)
    .join("\n");
}

/** Every leaf replaced by `[secret]`: shows a private field's shape, never its values. */
function masked(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "[secret]";
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, masked(inner)]));
}

/** A request body with its `private_metadata` masked. */
function maskedBody(body: unknown): string {
  if (!body || typeof body !== "object") return "";
  const fields = body as Record<string, unknown>;
  return JSON.stringify(
    "private_metadata" in fields ? { ...fields, private_metadata: masked(fields.private_metadata) } : fields,
  );
}

/** One request as a reviewer reads it; private metadata is masked. */
function describeRequest(request: LoggedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const line = [request.method, request.path + (query ? `?${query}` : ""), maskedBody(request.body)];
  return `    ${line.filter(Boolean).join(" ")} -> ${request.status}`;
}

/** One row of the closing table. */
interface Row {
  title: string;
  reads: number;
  writes: number;
  outcome: string;
}

/** Runs a step and prints it. A step that fails throws, unless the failure is what it shows. */
async function step(
  emulator: Emulator,
  rows: Row[],
  title: string,
  run: () => Promise<OperationResult>,
  options: { expectFailure?: boolean } = {},
): Promise<OperationResult> {
  emulator.reset();
  const result = await run();
  console.log(`== ${title}`);
  console.log(indented(result.stdout + (result.ok ? "" : result.stderr)));
  const requests = emulator.requests();
  console.log(`  Requests sent to Clerk: ${requests.length}`);
  for (const request of requests) console.log(describeRequest(request));
  console.log("");
  const reads = requests.filter((r) => r.method === "GET").length;
  rows.push({
    title,
    reads,
    writes: requests.length - reads,
    outcome: result.ok ? "ok" : options.expectFailure ? "failed, as expected" : "FAILED",
  });
  if (!result.ok && !options.expectFailure) throw new Error(`${title} failed: ${result.errors.join("; ")}`);
  return result;
}

/** The owned keys a drift-gate preview found changed, as `path ("old" in Clerk => "new" in the program)`. */
function driftedKeys(result: OperationResult): string[] {
  return result.steps
    .filter((s) => s.op === "update")
    .flatMap((s) =>
      (s.changedPaths ?? []).map(
        (c) =>
          `${s.name} ${c.path} (${JSON.stringify(c.old)} in Clerk, ${JSON.stringify(c.new)} in the program)`,
      ),
    );
}

function printTable(rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r.title.length), 4);
  console.log("== Summary: requests sent to Clerk per step");
  console.log(`  ${"step".padEnd(width)}  reads  writes  outcome`);
  for (const r of rows) {
    console.log(
      `  ${r.title.padEnd(width)}  ${String(r.reads).padStart(5)}  ${String(r.writes).padStart(6)}  ${r.outcome}`,
    );
  }
  const reads = rows.reduce((n, r) => n + r.reads, 0);
  const writes = rows.reduce((n, r) => n + r.writes, 0);
  console.log(`  ${"total".padEnd(width)}  ${String(reads).padStart(5)}  ${String(writes).padStart(6)}`);
  console.log(
    "  reads: the lookups (getOrganization, getUser, getOrganizationMembership) in each run of the program\n" +
      "  (pulumi up runs it twice: its preview, then the update) and the refreshes; writes: one PATCH per\n" +
      "  changed resource.",
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startEmulator({
    seed: {
      users: [
        {
          id: "user_alexis",
          first_name: "Alexis",
          email_address: "alexis@example.com",
          public_metadata: { app: { lastLogin: "monday" } },
        },
        {
          id: "user_sam",
          first_name: "Sam",
          email_address: "sam@example.com",
          private_metadata: { crm: "crm_17" },
        },
      ],
      organizations: [
        {
          id: "org_acme",
          name: "Acme",
          slug: "acme",
          created_by: "user_alexis",
          public_metadata: { onboarding: { completedAt: "2026-01-05" }, limits: { storageGb: 100 } },
          private_metadata: { crmId: "crm_991" },
        },
      ],
      memberships: [
        { organization_id: "org_acme", user_id: "user_sam", public_metadata: { app: { lastSeen: "today" } } },
      ],
    },
  });
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-metadata-demo-"));
  const clerk = createClerkClient({
    secretKey: emulator.secretKey,
    apiUrl: emulator.url,
    telemetry: { disabled: true, debug: false, samplingRate: 0 },
  });
  const baseConfig: Record<string, ConfigValue> = {
    "clerk:secretKey": { value: emulator.secretKey, secret: true },
    "clerk:apiUrl": emulator.url,
  };
  const toolchain = ensureToolchain((line) => console.log(line));
  console.log(`Pulumi CLI ${toolchain.version} (${toolchain.source}: ${toolchain.pulumi})`);
  /** The example's stack, in a project folder of the scratch directory (so no config file lands in examples/). */
  const stackFor = (name: string, config: Record<string, ConfigValue>): Promise<ProjectStack> =>
    openProject({
      projectDir: projectFor(path.join(examples, name), path.join(workdir, name, "project")),
      stateDir: path.join(workdir, name),
      config: { ...baseConfig, ...config },
    });
  const rows: Row[] = [];
  let ok = true;
  try {
    console.log(`Clerk emulator at ${emulator.url}; state in ${workdir}\n`);
    printState(emulator, "Starting state: what the app wrote itself (private values masked)");

    // The organization, found by its slug.
    const organizationConfig = {
      "example:organizationSlug": "acme",
      "example:billingCustomerId": { value: "cus_demo_4242", secret: true as const },
    };
    const organization = await stackFor("organization", organizationConfig);
    await step(emulator, rows, "pulumi preview (organization, by slug)", () => organization.preview());
    await step(emulator, rows, "pulumi up (organization)", () => organization.up());
    await step(emulator, rows, "pulumi up again: nothing changed", () => organization.up());
    await organization.setConfig("example:seats", "50");
    await organization.setConfig("example:features", '{"sso":true}');
    await step(emulator, rows, "pulumi up --diff: seats 25 => 50, auditLog removed", () =>
      organization.up(["--diff"]),
    );

    console.log("== Drift: someone sets plan=free in the dashboard; the app adds onboarding.step\n");
    await clerk.organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { plan: "free", onboarding: { step: "done" } },
    });
    const gate = await step(
      emulator,
      rows,
      "drift gate: pulumi preview --refresh --expect-no-changes --diff",
      () => organization.preview(["--refresh", "--expect-no-changes", "--diff"]),
      { expectFailure: true },
    );
    const drifted = driftedKeys(gate);
    if (gate.ok) {
      console.log("drift gate: PASSED, but an owned key was changed outside the stack: this is a bug\n");
      ok = false;
    } else {
      const keys = drifted.length === 1 ? "owned key" : "owned keys";
      console.log(
        `drift gate: FAILED as expected — ${drifted.length} ${keys} changed outside the stack: ${drifted.join("; ")}.` +
          "\n  (onboarding.step, which the app added, is not drift: the stack does not own it.)" +
          "\n  In CI this job fails, and the next one corrects the drift:\n",
      );
    }
    await step(emulator, rows, "drift correction: pulumi up --refresh", () => organization.up(["--refresh"]));

    // Memberships, members found by email address.
    const members = await stackFor("memberships", {
      "example:organizationSlug": "acme",
      "example:members": JSON.stringify({
        "alexis@example.com": { department: "eng", oncall: true },
        "sam@example.com": { department: "support" },
      }),
    });
    await step(emulator, rows, "pulumi up (memberships, by email)", () => members.up());
    const roles = (await members.run(["stack", "output", "roles", "--json"])).stdout.trim();
    console.log(`  roles found by getOrganizationMembershipOutput (pulumi stack output roles): ${roles}\n`);

    // Users, from a data file: one by id, one by email address.
    const usersFile = path.join(workdir, "users.yaml");
    fs.writeFileSync(
      usersFile,
      stringify([
        { userId: "user_alexis", publicMetadata: { role: "admin" }, unsafeMetadata: { theme: "dark" } },
        {
          emailAddress: "sam@example.com",
          publicMetadata: { role: "support" },
          privateMetadata: { ticketingId: "tk-4711" },
        },
      ]),
    );
    const users = await stackFor("users-from-file", { "example:usersFile": usersFile });
    await step(emulator, rows, "pulumi up (users from a file)", () => users.up());

    await step(emulator, rows, "pulumi destroy (users)", () => users.destroy());
    await step(emulator, rows, "pulumi destroy (memberships)", () => members.destroy());
    await step(emulator, rows, "pulumi destroy (organization)", () => organization.destroy());

    printState(emulator, "What is left after destroy (private values masked)");
    console.log(
      "  The stack's keys are gone. A container whose last owned key was removed stays, empty\n" +
        "  (`features: {}` in the organization's public metadata, `billing: {}` in its private metadata;\n" +
        "  the provider cannot tell whether anyone else uses it). No private value of the stack is left:\n" +
        "  every private leaf above (`crmId`, `crm`) is the app's own.\n",
    );

    const data = emulator.data;
    const acme = data.getOrganization("org_acme")!;
    const sam = data.getMembership("org_acme", "user_sam")!;
    const billing = (acme.private_metadata as Record<string, unknown>).billing;
    const appKeysSurvived =
      JSON.stringify(acme.public_metadata.onboarding) ===
        JSON.stringify({ completedAt: "2026-01-05", step: "done" }) &&
      (acme.public_metadata.limits as Record<string, unknown>)?.storageGb === 100 &&
      acme.private_metadata.crmId === "crm_991" &&
      JSON.stringify(billing) === "{}" &&
      JSON.stringify(sam.public_metadata.app) === JSON.stringify({ lastSeen: "today" }) &&
      JSON.stringify(data.getUser("user_alexis")!.public_metadata) ===
        JSON.stringify({ app: { lastLogin: "monday" } }) &&
      JSON.stringify(data.getUser("user_sam")!.private_metadata) === JSON.stringify({ crm: "crm_17" });
    printTable(rows);
    console.log(`\nThe app's own keys survived every step: ${appKeysSurvived ? "yes" : "NO"}`);
    console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (!appKeysSurvived || !ok) process.exitCode = 1;
  } finally {
    await emulator.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** Every user, organization and membership with its metadata: public in full, private and unsafe masked or full. */
function printState(emulator: Emulator, title: string): void {
  const { users, organizations, memberships } = emulator.data.snapshot();
  const fields = (pub: unknown, priv: unknown, unsafe?: unknown) =>
    [
      `public ${JSON.stringify(pub ?? {})}`,
      `private ${JSON.stringify(masked(priv ?? {}))}`,
      ...(unsafe === undefined ? [] : [`unsafe ${JSON.stringify(unsafe ?? {})}`]),
    ].join(", ");
  console.log(`== ${title}`);
  for (const o of organizations) {
    console.log(`  organization ${o.id} (slug ${o.slug}): ${fields(o.public_metadata, o.private_metadata)}`);
  }
  for (const u of users) {
    const email = u.email_addresses[0]?.email_address ?? "";
    console.log(
      `  user ${u.id} ${email}: ${fields(u.public_metadata, u.private_metadata, u.unsafe_metadata)}`,
    );
  }
  for (const m of memberships) {
    const userId = m.public_user_data?.user_id;
    console.log(
      `  membership ${m.organization.id}/${userId} (${m.role}): ${fields(m.public_metadata, m.private_metadata)}`,
    );
  }
  console.log("");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
