/** Clerk's own SDK pointed at the emulator, for changes made outside the provider (the app, the dashboard). */
import { createClerkClient, type ClerkClient } from "@clerk/backend";
import type { Emulator } from "../../emulator";

/** A `@clerk/backend` client pointed at the emulator, with the emulator's key unless told otherwise; no telemetry. */
export function clientFor(emulator: Emulator, secretKey: string = emulator.secretKey): ClerkClient {
  return createClerkClient({ secretKey, apiUrl: emulator.url, telemetry: { disabled: true } });
}
