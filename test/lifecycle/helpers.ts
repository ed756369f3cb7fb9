/**
 * Shared set-up of the whole-lifecycle tests: a seeded Clerk emulator, a temporary directory, stacks
 * run by Pulumi's own CLI (engine/stack.ts: the Automation API's inline route, a file backend and
 * the passphrase secrets provider in that directory), and the request log as calls (see
 * `test/support/wire.ts`) for exact assertions.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator, type SeedData } from "../../emulator";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { createStack, type Stack, type StackOptions } from "../../engine/stack";
import { clientFor } from "../support/clerk";
import { callsOf, type Call } from "../support/wire";

export { assertOk, ops } from "../support/operations";
export { assertSameCalls, sorted, type Call } from "../support/wire";

export const examplesDir = path.join(__dirname, "..", "..", "examples");

/** The seed most tests start from: users, two organizations, memberships, and keys "the app" wrote. */
export function defaultSeed(): SeedData {
  return {
    users: [
      { id: "user_alexis", first_name: "Alexis", public_metadata: { app: { lastLogin: "monday" } } },
      { id: "user_sam", first_name: "Sam", private_metadata: { crm: "crm_17" } },
      { id: "user_kim", first_name: "Kim", unsafe_metadata: { theme: "light" } },
    ],
    organizations: [
      {
        id: "org_acme",
        name: "Acme",
        created_by: "user_alexis",
        public_metadata: { onboarding: { completedAt: "2026-01-05" }, limits: { storageGb: 100 } },
        private_metadata: { crmId: "crm_991" },
      },
      { id: "org_globex", name: "Globex", created_by: "user_kim", public_metadata: { region: "eu" } },
    ],
    memberships: [
      { organization_id: "org_acme", user_id: "user_sam", public_metadata: { app: { lastSeen: "today" } } },
      { organization_id: "org_acme", user_id: "user_kim" },
      { organization_id: "org_globex", user_id: "user_sam", private_metadata: { seat: 7 } },
    ],
  };
}

/** An emulator, a scratch directory and stacks wired to both. */
export class World {
  emulator!: Emulator;
  dir!: string;
  private counter = 0;

  constructor(
    private readonly seed: () => SeedData = defaultSeed,
    private readonly randomSeed?: number,
  ) {}

  async start(): Promise<void> {
    this.emulator = await startEmulator({ seed: this.seed(), randomSeed: this.randomSeed });
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-lifecycle-"));
  }

  async stop(): Promise<void> {
    await this.emulator?.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stack config pointing the provider at the emulator, plus `extra`. */
  config(extra: ConfigMap = {}): ConfigMap {
    return {
      "clerk:secretKey": { value: this.emulator.secretKey, secret: true },
      "clerk:apiUrl": { value: this.emulator.url },
      ...extra,
    };
  }

  /**
   * A new stack in its own folder (backend, workspace, PULUMI_HOME), configured against the emulator.
   * Pass `options.dir` of an earlier stack to select that stack again with other config.
   */
  stack(extra: ConfigMap = {}, options: Partial<StackOptions> = {}): Promise<Stack> {
    return createStack({ ...options, dir: options.dir ?? this.stackDir(), config: this.config(extra) });
  }

  /** A fresh folder for one stack in the scratch directory. */
  stackDir(): string {
    return path.join(this.dir, `stack-${++this.counter}`);
  }

  /** Forgets the request log (stored data stays). */
  reset(): void {
    this.emulator.reset();
  }

  /** The requests Clerk received since the last reset, in arrival order. */
  calls(): Call[] {
    return callsOf(this.emulator.requests());
  }

  /** A Clerk client for changes made "outside the stack" (the dashboard, the app). */
  clerk() {
    return clientFor(this.emulator);
  }

  user(id: string) {
    const user = this.emulator.data.getUser(id);
    if (!user) throw new Error(`no user ${id}`);
    return { public: user.public_metadata, private: user.private_metadata, unsafe: user.unsafe_metadata };
  }

  organization(id: string) {
    const organization = this.emulator.data.getOrganization(id);
    if (!organization) throw new Error(`no organization ${id}`);
    return { public: organization.public_metadata, private: organization.private_metadata };
  }

  membership(organizationId: string, userId: string) {
    const membership = this.emulator.data.getMembership(organizationId, userId);
    if (!membership) throw new Error(`no membership ${organizationId}/${userId}`);
    return { public: membership.public_metadata, private: membership.private_metadata };
  }
}
