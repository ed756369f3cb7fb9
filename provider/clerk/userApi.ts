import type { ClerkClient } from "@clerk/backend";
import { kinds, type EntityIds } from "../core/kinds";
import type { EntityMetadata } from "./answers";
import { entityCallOf, requiredId, type MetadataApi } from "./metadataApi";
import { readBatched, type ListReader } from "./readBatcher";
import type { ClerkSettings } from "./settings";

const spec = kinds.user;
const isUser = (ids: EntityIds) => (entity: Record<string, unknown>) => entity.id === ids.userId;
const entityCall = entityCallOf(spec, isUser);

/** One user's own read: `users.getUser` (`GET /v1/users/{user_id}`). */
function readUser(settings: ClerkSettings, ids: EntityIds, operation: string): Promise<EntityMetadata> {
  return entityCall(settings, ids, operation, (client) => client.users.getUser(requiredId(ids, "userId")));
}

/** The SDK's own request function (`AbstractAPI.request`, @clerk/backend 3.25.0), protected in its typings. */
type SdkRequest = (options: {
  method: "GET";
  path: string;
  queryParams: Record<string, unknown>;
}) => Promise<unknown>;

/** The request function behind `client.users`; throws, naming it, when the SDK has none by that name. */
function usersRequest(client: ClerkClient): SdkRequest {
  const users = client.users as unknown as { request?: unknown };
  if (typeof users.request !== "function")
    throw new Error("@clerk/backend's users API has no request function");
  return users.request.bind(users) as SdkRequest;
}

/**
 * Users read together: `GET /v1/users?user_id=…&limit=…` (a bare array, the spec's `User.List`)
 * through the SDK's own request function, the one `users.getUserList` calls (authentication,
 * snake_case query, `User` objects, `ClerkAPIResponseError`), without the `GET /v1/users/count`
 * that `getUserList` sends beside it: an id-filtered list proves an absence without a total (see
 * `readBatcher.ts`: every listed user was asked for, so the filter was applied), and the count
 * cost a request, a slot of the pace and the slower of two latencies for nothing.
 */
export const userLists: ListReader = {
  spec,
  groupOf: () => "",
  keyOf: (ids) => requiredId(ids, "userId"),
  idsOf: (_group, userId) => ({ userId }),
  singleReadsUpTo: 1,
  list: (_settings, client, _group, userIds) =>
    usersRequest(client)({
      method: "GET",
      path: "/users",
      queryParams: { userId: userIds, limit: userIds.length },
    }),
  entriesOf: (answer) => {
    if (!Array.isArray(answer)) throw new Error("a user list that is no array");
    return { entries: answer, totalCount: undefined };
  },
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
