/**
 * Shared helpers of the reliability tests: a seeded emulator, the three providers, a promise
 * pool, hook calls that go through `check` as the engine does, and a collector of every error
 * message the tests see, scanned for the secret key and private metadata values.
 */
import assert from "node:assert/strict";
import { startEmulator, type Emulator, type LoggedRequest, type SeedData } from "../../emulator";
import type { MetadataOutputs } from "../../provider";
import { appMetadata } from "../support/appMetadata";
import { checkedInputs } from "../support/hooks";
import { providers, resourceId, type Ids, type KindKey } from "../support/kinds";
import { rejection } from "../support/rejection";

export {
  kindKeys,
  metadataPath,
  providers,
  resourceId,
  resourceTypes,
  stored,
  type Ids,
  type KindKey,
} from "../support/kinds";

/** The app's own keys an entity is seeded with (see `appMetadata`), its private value registered for the secret scan. */
export function scannedAppMetadata(tag: string): { public_metadata: object; private_metadata: object } {
  const keys = appMetadata(tag);
  privateValue(keys.private_metadata.appSecretRef);
  return keys;
}

/** The app's own keys an entity of the fleet was seeded with. */
export function seeded(kind: KindKey, ids: Ids): { public_metadata: object; private_metadata: object } {
  return scannedAppMetadata(
    kind === "membership" ? `${ids.organizationId}-${ids.userId}` : (ids.userId ?? ids.organizationId)!,
  );
}

/** A fleet of seeded entities: `users` users, `organizations` organizations, and memberships. */
export interface Fleet {
  users: string[];
  organizations: string[];
  /** [organizationId, userId] of each membership. */
  memberships: [string, string][];
}

/**
 * Starts an emulator seeded with `users` users, `organizations` organizations and `memberships`
 * memberships (each organization gets consecutive users), every one holding the app's own keys.
 */
export async function startFleet(
  size: { users: number; organizations: number; memberships: number },
  options: { randomSeed?: number; tag?: string } = {},
): Promise<{ emulator: Emulator; fleet: Fleet }> {
  const tag = options.tag ?? "rel";
  const users = Array.from({ length: size.users }, (_, i) => `user_${tag}${String(i).padStart(4, "0")}`);
  const organizations = Array.from(
    { length: size.organizations },
    (_, i) => `org_${tag}${String(i).padStart(4, "0")}`,
  );
  const memberships: [string, string][] = [];
  for (let i = 0; i < size.memberships; i++) {
    memberships.push([organizations[i % organizations.length], users[i % users.length]]);
  }
  const seed: SeedData = {
    users: users.map((id) => ({
      id,
      first_name: "Test",
      ...scannedAppMetadata(id),
      unsafe_metadata: { ui: { lang: "en" } },
    })) as SeedData["users"],
    organizations: organizations.map((id) => ({
      id,
      name: `Org ${id}`,
      ...scannedAppMetadata(id),
    })) as SeedData["organizations"],
    memberships: memberships.map(([organization_id, user_id]) => ({
      organization_id,
      user_id,
      ...scannedAppMetadata(`${organization_id}-${user_id}`),
    })) as SeedData["memberships"],
  };
  const emulator = await startEmulator({ seed, randomSeed: options.randomSeed ?? 42 });
  secretKeys.add(emulator.secretKey);
  return { emulator, fleet: { users, organizations, memberships } };
}

/** The ids of the entity of one kind at `index` of the fleet. */
export function idsOf(fleet: Fleet, kind: KindKey, index: number): Ids {
  if (kind === "user") return { userId: fleet.users[index] };
  if (kind === "organization") return { organizationId: fleet.organizations[index] };
  const [organizationId, userId] = fleet.memberships[index];
  return { organizationId, userId };
}

/** Runs `check` (failing the test on check failures), as the engine does, then `create`. */
export async function create(kind: KindKey, news: Record<string, unknown>): Promise<MetadataOutputs> {
  const inputs = await checkedInputs(providers[kind], news);
  const result = await providers[kind].create(inputs);
  return result.outs as MetadataOutputs;
}

/** Runs `check` (failing the test on check failures), as the engine does, then `update`. */
export async function update(
  kind: KindKey,
  ids: Ids,
  olds: MetadataOutputs,
  news: Record<string, unknown>,
): Promise<MetadataOutputs> {
  const inputs = await checkedInputs(providers[kind], news);
  const result = await providers[kind].update!(resourceId(kind, ids), olds, inputs);
  return result.outs as MetadataOutputs;
}

/** Runs `delete`, as the engine does for a resource no longer declared. */
export async function remove(kind: KindKey, ids: Ids, olds: MetadataOutputs): Promise<void> {
  await providers[kind].delete!(resourceId(kind, ids), olds);
}

/** Runs `work` over `items` with at most `limit` running at once; rejects with the first failure. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(runners);
  return results;
}

// Secrets: every error message seen is kept and scanned.

const secretKeys = new Set<string>();
const privateValues = new Set<string>();
const messages: string[] = [];

/** Registers a secret key that must never appear in an error message. */
export function secretKey(key: string): string {
  secretKeys.add(key);
  return key;
}

/** Registers a privateMetadata value that must never appear in an error message. */
export function privateValue(value: string): string {
  privateValues.add(value);
  return value;
}

/** Keeps an error's message (and its string form and stack) for the secret scan. */
export function recordError(error: unknown): void {
  if (error instanceof Error) messages.push(error.message, String(error), error.stack ?? "");
  else messages.push(String(error));
}

/** Keeps check failures for the secret scan. */
export function recordText(text: string): void {
  messages.push(text);
}

/**
 * Awaits a promise that must reject (see `rejection`) and records its error for the secret scan;
 * returns the error and how long the promise took.
 */
export async function scannedRejection(
  promise: Promise<unknown>,
): Promise<{ error: Error; elapsed: number }> {
  const rejected = await rejection(promise);
  recordError(rejected.error);
  return rejected;
}

/** Asserts that no message seen so far holds a secret key or a private metadata value. */
export function assertNoSecretsSeen(): void {
  assert.ok(messages.length > 0, "no error messages were collected");
  assert.ok(secretKeys.size > 0 && privateValues.size > 0);
  for (const message of messages) {
    for (const key of secretKeys) assert.ok(!message.includes(key), `secret key in: ${message}`);
    for (const value of privateValues) assert.ok(!message.includes(value), `private value in: ${message}`);
  }
}

/** How many error messages were collected (for the scan's own sanity). */
export function collectedMessages(): number {
  return messages.length;
}

/** The logged requests to one path, in order. */
export function requestsTo(emulator: Emulator, path: string): LoggedRequest[] {
  return emulator.requests().filter((r) => r.path === path);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
