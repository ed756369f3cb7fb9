import { kinds, type EntityIds } from "../core/kinds";
import { listData, type EntityMetadata } from "./answers";
import { entityCallOf, requiredId, type MetadataApi } from "./metadataApi";
import { readBatched, type ListReader } from "./readBatcher";
import { pacerFor } from "./registry";
import type { ClerkSettings } from "./settings";

const spec = kinds.user;
const isUser = (ids: EntityIds) => (entity: Record<string, unknown>) => entity.id === ids.userId;
const entityCall = entityCallOf(spec, isUser);

/** One user's own read: `users.getUser` (`GET /v1/users/{user_id}`). */
function readUser(settings: ClerkSettings, ids: EntityIds, operation: string): Promise<EntityMetadata> {
  return entityCall(settings, ids, operation, (client) => client.users.getUser(requiredId(ids, "userId")));
}

/**
 * Users read together: `users.getUserList({ userId, limit })`, which sends `GET /v1/users` (a bare
 * array, the spec's `User.List`) and `GET /v1/users/count` at once. Both count against the pace:
 * the second request takes a slot ahead of the calls that have not started. Since a list costs
 * two requests, two users are read with two GETs.
 */
export const userLists: ListReader = {
  spec,
  groupOf: () => "",
  keyOf: (ids) => requiredId(ids, "userId"),
  idsOf: (_group, userId) => ({ userId }),
  singleReadsUpTo: 2,
  list: async (settings, client, _group, userIds) => {
    const count = settings.rateLimit
      ? await pacerFor(settings.secretKey, settings.rateLimit).acquire(true)
      : undefined;
    try {
      return await client.users.getUserList({ userId: userIds, limit: userIds.length });
    } finally {
      count?.();
    }
  },
  entriesOf: (answer) => ({
    entries: listData(answer, "a user list"),
    totalCount: (answer as { totalCount?: unknown }).totalCount,
  }),
  placeOf: (user) => ({ group: "", key: (user as { id?: unknown }).id }),
  readOne: readUser,
};

/**
 * A user's metadata: `users.getUser`, or a share of `users.getUserList` when reads wait together
 * (see `readBatcher.ts`), `users.updateUserMetadata` (PATCH), `users.replaceUserMetadata` (PUT).
 */
export const userApi: MetadataApi = {
  read: (settings, ids, operation, options) => readBatched(userLists, settings, ids, operation, options),
  patch: (settings, ids, body, operation) =>
    entityCall(settings, ids, operation, (client) =>
      client.users.updateUserMetadata(requiredId(ids, "userId"), body),
    ),
  replace: (settings, ids, fields, operation) =>
    entityCall(settings, ids, operation, (client) =>
      client.users.replaceUserMetadata(requiredId(ids, "userId"), fields),
    ),
};
