/**
 * The common alternative, for comparison: a provider that does what existing Clerk Terraform
 * providers do. It reads the user's whole `public_metadata`, changes its own top-level keys in
 * that copy and writes the whole field back with a replace (GET, then PUT). Only users, only
 * `publicMetadata`: enough to compare requests and concurrent safety with this provider.
 */
import type { ClerkClient } from "@clerk/backend";
import type { JsonObject } from "../provider/core/json";

/** The state the alternative keeps for one resource: its user and the keys it declares. */
export interface WholeFieldState {
  userId: string;
  publicMetadata: JsonObject;
}

/** Reads the whole field, sets `declared`, drops `removedKeys`, and replaces the whole field (GET + PUT). */
async function readModifyWrite(
  clerk: ClerkClient,
  userId: string,
  declared: JsonObject,
  removedKeys: readonly string[],
): Promise<JsonObject> {
  const user = await clerk.users.getUser(userId);
  const whole: JsonObject = { ...(user.publicMetadata as JsonObject) };
  for (const key of removedKeys) delete whole[key];
  Object.assign(whole, declared);
  const written = await clerk.users.replaceUserMetadata(userId, { publicMetadata: whole });
  return written.publicMetadata as JsonObject;
}

/** The alternative's hooks, shaped like a dynamic provider's. */
export const wholeFieldProvider = {
  /** Create: GET the user, then PUT the whole field with the declared keys set. */
  async create(clerk: ClerkClient, news: WholeFieldState): Promise<WholeFieldState> {
    await readModifyWrite(clerk, news.userId, news.publicMetadata, []);
    return news;
  },
  /** Diff: compares old and new declarations locally; no request. */
  diff(olds: WholeFieldState, news: WholeFieldState): boolean {
    return JSON.stringify(olds) !== JSON.stringify(news);
  },
  /** Update: GET, then PUT the whole field with the new keys set and the dropped ones removed. */
  async update(clerk: ClerkClient, olds: WholeFieldState, news: WholeFieldState): Promise<WholeFieldState> {
    const dropped = Object.keys(olds.publicMetadata).filter((key) => !(key in news.publicMetadata));
    await readModifyWrite(clerk, news.userId, news.publicMetadata, dropped);
    return news;
  },
  /** Read (refresh): one GET; the declared keys' current values. */
  async read(clerk: ClerkClient, olds: WholeFieldState): Promise<WholeFieldState> {
    const user = await clerk.users.getUser(olds.userId);
    const held = user.publicMetadata as JsonObject;
    return {
      userId: olds.userId,
      publicMetadata: Object.fromEntries(
        Object.keys(olds.publicMetadata).map((key) => [key, held[key] ?? null]),
      ),
    };
  },
  /** Delete: GET, then PUT the whole field without the resource's keys. */
  async delete(clerk: ClerkClient, olds: WholeFieldState): Promise<void> {
    await readModifyWrite(clerk, olds.userId, {}, Object.keys(olds.publicMetadata));
  },
};
