/**
 * Set-up of the lookup tests: a seeded emulator, and the stack config `clerk:*` a program would see
 * (`pulumi.runtime.setAllConfig`, what the language host hands a program), cleared afterwards.
 */
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../../emulator";
import { requestLine } from "../../support/wire";

/** Users, organizations and memberships with emails, usernames, external ids, slugs and metadata. */
function startLookupEmulator(): Promise<Emulator> {
  return startEmulator({
    seed: {
      users: [
        {
          id: "user_alexis",
          email_address: "alexis@example.com",
          username: "alexis",
          external_id: "crm-17",
          private_metadata: { ssn: "private-alexis-value" },
        },
        { id: "user_alexisb", email_address: "alexis.b@example.com", username: "alexisb" },
        { id: "user_sam", email_address: "sam@example.com", external_id: "dup" },
        { id: "user_kim", email_address: "kim@example.com", external_id: "dup" },
      ],
      organizations: [
        {
          id: "org_acme",
          name: "Acme",
          slug: "acme",
          created_by: "user_alexis",
          private_metadata: { crmId: "private-acme-value" },
        },
        { id: "org_globex", name: "Globex", slug: "globex" },
      ],
      memberships: [
        { organization_id: "org_acme", user_id: "user_sam", role: "org:member" },
        { organization_id: "org_globex", user_id: "user_kim", role: "org:admin" },
      ],
    },
  });
}

/**
 * Gives the suite a seeded lookup emulator (started once), the program's stack config pointing at
 * it and a fresh request log before each test, and clears the config afterwards.
 */
export function useLookupEmulator(): { readonly emulator: Emulator } {
  const suite = {} as { emulator: Emulator };
  before(async () => {
    suite.emulator = await startLookupEmulator();
  });
  after(async () => {
    clearStackConfig();
    await suite.emulator.stop();
  });
  beforeEach(() => {
    useStackConfig(suite.emulator);
    suite.emulator.reset();
  });
  return suite;
}

/** Sets the program's stack config to `clerk:secretKey` (secret) and `clerk:apiUrl`, plus `extra`. */
export function useStackConfig(emulator: Emulator, extra: Record<string, string> = {}): void {
  pulumi.runtime.setAllConfig(
    { "clerk:secretKey": emulator.secretKey, "clerk:apiUrl": emulator.url, ...extra },
    ["clerk:secretKey"],
  );
}

/** Clears the program's stack config. */
export function clearStackConfig(): void {
  pulumi.runtime.setAllConfig({}, []);
}

/** The requests the emulator received, in arrival order, as `METHOD path?query` (see `requestLine`). */
export function requestLines(emulator: Emulator): string[] {
  return emulator.requests().map(requestLine);
}

/** The value of an Output, outside a Pulumi program. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}
