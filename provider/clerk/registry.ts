import type { ClerkClient } from "@clerk/backend";
import { Pacer } from "./pacer";
import type { ConfiguredValues, RateLimit } from "./settings";

/** The provider's process-wide state: the configuration, Clerk clients, pacers, and the causes already explained. */
export interface ProviderRegistry {
  configured: ConfiguredValues;
  clients: Map<string, ClerkClient>;
  pacers: Map<string, Pacer>;
  explained: Set<string>;
}

/** A string key, not a symbol: Pulumi serializes symbols by value, which would split the registry. */
const registryKey = "__pulumiClerkMetadataRegistry";

/**
 * The one registry of this process. It lives on `globalThis`, so every resource class and every
 * copy of the provider that Pulumi deserialized share the same configuration and pacing.
 */
export function registry(): ProviderRegistry {
  const holder = globalThis as { [registryKey]?: ProviderRegistry };
  holder[registryKey] ??= { configured: {}, clients: new Map(), pacers: new Map(), explained: new Set() };
  return holder[registryKey];
}

/** The shared pacer for one secret key and limit. */
export function pacerFor(secretKey: string, limit: RateLimit): Pacer {
  const pacers = registry().pacers;
  const key = `${secretKey}|${limit.requests}/${limit.windowMs}`;
  let pacer = pacers.get(key);
  if (!pacer) pacers.set(key, (pacer = new Pacer(limit)));
  return pacer;
}

/** The Clerk client for a key and API URL, created on first use inside a hook, never at module scope. */
export function clientFor(secretKey: string, apiUrl: string | undefined): ClerkClient {
  const clients = registry().clients;
  const key = `${secretKey}|${apiUrl ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    const { createClerkClient } = require("@clerk/backend") as typeof import("@clerk/backend");
    client = createClerkClient({
      secretKey,
      apiUrl,
      telemetry: { disabled: true, debug: false, samplingRate: 0 },
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * True the first time `cause` is reported for this key and API URL in this process (a provider
 * host serves one run), false after: long advice is given once, not once per failing resource.
 */
export function firstExplanation(secretKey: string, apiUrl: string | undefined, cause: string): boolean {
  const explained = registry().explained;
  const key = `${cause}|${secretKey}|${apiUrl ?? ""}`;
  if (explained.has(key)) return false;
  explained.add(key);
  return true;
}
