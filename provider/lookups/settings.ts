import * as pulumi from "@pulumi/pulumi";
import { resolveSettings, settingNames, type ClerkSettings, type ConfiguredValues } from "../clerk/settings";
import { instanceKindOf } from "../core/instances";

/**
 * The settings a lookup uses, resolved when it runs, as the hooks resolve theirs: each
 * `clerk:<name>` of the stack config (read in the program with `new pulumi.Config("clerk")`),
 * then its environment variable (`CLERK_SECRET_KEY`, `CLERK_API_URL`, …), then the default.
 * Nothing is captured or kept: the key is read on every call and never printed.
 */
export function lookupSettings(): ClerkSettings {
  const config = new pulumi.Config("clerk");
  const configured: ConfiguredValues = {};
  for (const name of settingNames) {
    const value = config.get(name);
    if (value !== undefined) configured[name] = value;
  }
  return resolveSettings(configured, process.env);
}

/** "in this development instance", "in this production instance" or "in this Clerk instance". */
export function whereOf(settings: ClerkSettings): string {
  const kind = instanceKindOf(settings.secretKey);
  return kind === "unknown" ? "in this Clerk instance" : `in this ${kind} instance`;
}

/** Reports a lookup's progress (a wait before retrying) to the engine, which shows it as an info message. */
export function reportToEngine(text: string): void {
  void pulumi.log.info(text);
}
