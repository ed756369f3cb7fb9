/**
 * `npm start`: the example stacks, end to end, against the local Clerk emulator.
 *
 * Starts the emulator, seeds an organization, users and memberships (with keys "the app" wrote),
 * then drives `examples/organization` and `examples/memberships` through the engine driver and
 * Pulumi's real dynamic-provider host: preview, up, a no-change up, a nested change, drift made
 * behind the stack's back, refresh and correction, destroy. Prints each step, the requests sent to
 * Clerk, and Clerk's final metadata; exits non-zero if the app's own keys did not survive.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createClerkClient } from "@clerk/backend";
import { startEmulator, type Emulator, type LoggedRequest } from "../emulator";
import { createStack, type Stack } from "../driver/engine";
import type { ConfigValue } from "../driver/collect";
import { formatResult } from "../driver/print";
import type { OperationResult } from "../driver/types";

const organizationProgram = path.join(__dirname, "..", "examples", "organization", "index.ts");
const membershipsProgram = path.join(__dirname, "..", "examples", "memberships", "index.ts");

/** One request as a reviewer reads it; private metadata is shown as `[secret]`. */
function describeRequest(request: LoggedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const body =
    request.body && typeof request.body === "object"
      ? JSON.stringify({
          ...(request.body as Record<string, unknown>),
          ...("private_metadata" in (request.body as object) ? { private_metadata: "[secret]" } : {}),
        })
      : "";
  return `    ${[request.method, request.path + (query ? `?${query}` : ""), body].filter(Boolean).join(" ")} -> ${request.status}`;
}

async function step(
  emulator: Emulator,
  title: string,
  run: () => Promise<OperationResult>,
): Promise<OperationResult> {
  emulator.reset();
  const result = await run();
  console.log(formatResult(result, { title: `== ${title}` }).trimEnd());
  const requests = emulator.requests();
  console.log(`  Requests sent to Clerk: ${requests.length}`);
  for (const request of requests) console.log(describeRequest(request));
  console.log("");
  if (!result.ok) throw new Error(`${title} failed: ${result.errors.join("; ")}`);
  return result;
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    seed: {
      users: [
        { id: "user_alexis", first_name: "Alexis", email_address: "alexis@example.com" },
        { id: "user_sam", first_name: "Sam", email_address: "sam@example.com" },
      ],
      organizations: [
        {
          id: "org_acme",
          name: "Acme",
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
    "example:organizationId": "org_acme",
    "example:billingCustomerId": { value: "cus_demo_4242", secret: true },
  };
  const organizationStack = (config: Record<string, ConfigValue>): Stack =>
    createStack({ stateFile: path.join(workdir, "organization.json"), config: { ...baseConfig, ...config } });
  try {
    console.log(`Clerk emulator at ${emulator.url}; state in ${workdir}\n`);
    const first = organizationStack({});
    await step(emulator, "pulumi preview (organization)", () => first.preview(organizationProgram));
    await step(emulator, "pulumi up (organization)", () => first.up(organizationProgram));
    await step(emulator, "pulumi up again: nothing changed", () => first.up(organizationProgram));

    const changed = organizationStack({ "example:seats": "50", "example:features": '{"sso":true}' });
    await step(emulator, "pulumi preview: seats 25 => 50, auditLog flag removed", () =>
      changed.preview(organizationProgram),
    );
    await step(emulator, "pulumi up: the nested change", () => changed.up(organizationProgram));

    console.log("== Drift: someone sets plan=free in the dashboard; the app adds its own key\n");
    await clerk.organizations.updateOrganizationMetadata("org_acme", {
      publicMetadata: { plan: "free", onboarding: { step: "done" } },
    });
    await step(emulator, "pulumi preview --refresh --expect-no-changes (the drift gate)", () =>
      changed.preview(organizationProgram, { refresh: true }),
    );
    await step(emulator, "pulumi up --refresh --yes (drift correction)", () =>
      changed.up(organizationProgram, { refresh: true }),
    );

    const members = createStack({
      stateFile: path.join(workdir, "memberships.json"),
      config: {
        ...baseConfig,
        "example:members": JSON.stringify({
          user_alexis: { department: "eng", oncall: true },
          user_sam: { department: "support" },
        }),
      },
    });
    await step(emulator, "pulumi up (memberships)", () => members.up(membershipsProgram));
    await step(emulator, "pulumi destroy (memberships)", () => members.destroy());
    await step(emulator, "pulumi destroy (organization)", () => changed.destroy());

    const organization = emulator.data.getOrganization("org_acme")!;
    const sam = emulator.data.getMembership("org_acme", "user_sam")!;
    console.log("== Clerk's final metadata");
    console.log(`  organization public_metadata: ${JSON.stringify(organization.public_metadata)}`);
    console.log(
      `  organization private_metadata keys: ${JSON.stringify(Object.keys(organization.private_metadata))}`,
    );
    console.log(`  membership user_sam public_metadata: ${JSON.stringify(sam.public_metadata)}`);
    const appKeysSurvived =
      JSON.stringify(organization.public_metadata.onboarding) ===
        JSON.stringify({ completedAt: "2026-01-05", step: "done" }) &&
      (organization.public_metadata.limits as Record<string, unknown>)?.storageGb === 100 &&
      organization.private_metadata.crmId === "crm_991" &&
      JSON.stringify(sam.public_metadata.app) === JSON.stringify({ lastSeen: "today" });
    console.log(`\nThe app's own keys survived every step: ${appKeysSurvived ? "yes" : "NO"}`);
    if (!appKeysSurvived) process.exitCode = 1;
  } finally {
    await emulator.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
