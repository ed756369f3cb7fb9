import { kinds, type EntityIds } from "../core/kinds";
import { metadataOf } from "./answers";
import { callClerk } from "./call";
import { requiredId, type MetadataApi } from "./metadataApi";

const spec = kinds.user;
const isUser = (ids: EntityIds) => (entity: Record<string, unknown>) => entity.id === ids.userId;

/** A user's metadata: `users.getUser`, `users.updateUserMetadata` (PATCH), `users.replaceUserMetadata` (PUT). */
export const userApi: MetadataApi = {
  read: (settings, ids, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.users.getUser(requiredId(ids, "userId")),
      (answer) => metadataOf(spec, answer, isUser(ids)),
    ),
  patch: (settings, ids, body, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.users.updateUserMetadata(requiredId(ids, "userId"), body),
      (answer) => metadataOf(spec, answer, isUser(ids)),
    ),
  replace: (settings, ids, fields, operation) =>
    callClerk(
      settings,
      { operation, spec, ids },
      (client) => client.users.replaceUserMetadata(requiredId(ids, "userId"), fields),
      (answer) => metadataOf(spec, answer, isUser(ids)),
    ),
};
