/**
 * The attribute filters of `GetUserList` and `GetUsersCount` (`GET /v1/users`, `/v1/users/count`):
 * `email_address`, `username` and `external_id`. Filters combine with AND, and with `user_id`.
 *
 * Sources, which read two ways on how a value matches:
 * - the spec (clerk-bapi 2026-05-12, `GetUserList`): "Returns users with the specified email
 *   addresses. Accepts up to 100 email addresses. Any email addresses not found are ignored." (the
 *   same for `username`); `external_id` also takes `+`/`-` like `user_id`;
 * - `@clerk/backend` 3.25 `UserCountParams`: "Counts users with emails that match the given query,
 *   via case-insensitive partial match. For example, `emailAddress=hello` will match a user with
 *   the email `HELLO@example.com`" (the same for `username`).
 * The emulator follows the reading harder on a client: `email_address` and `username` match
 * case-insensitively and partially (a client must check the exact value itself); `external_id`
 * matches exactly. A filter whose values match nobody follows the store's `unknownIdFilter`
 * reading, as the id filters do: `ignored-id` lists nobody, `dropped-filter` drops the filter.
 */
import { invalidParam } from "./errors";
import { idMatcher, MAX_FILTER_IDS, parseIdFilter, type IdFilter } from "./filters";
import type { UnknownIdFilter, UserJson } from "./types";

/** The attribute filters of one request; absent filters are `undefined`. */
export interface UserAttributeFilters {
  emailAddress?: string[];
  username?: string[];
  externalId?: IdFilter;
}

/** The filters in `query`, or `undefined` when it has none (then the list is not changed). */
export function parseUserAttributeFilters(query: URLSearchParams): UserAttributeFilters | undefined {
  const values = (name: string) => {
    const present = query.getAll(name).filter((value) => value.trim() !== "");
    if (present.length > MAX_FILTER_IDS) {
      throw invalidParam(name, `${name} accepts up to ${MAX_FILTER_IDS} values, got ${present.length}.`);
    }
    return present.length > 0 ? present : undefined;
  };
  const emailAddress = values("email_address");
  const username = values("username");
  const externalIds = values("external_id");
  const externalId = externalIds && parseIdFilter("external_id", externalIds);
  if (!emailAddress && !username && !externalId) return undefined;
  return { emailAddress, username, externalId };
}

/**
 * The users of `candidates` that every filter keeps. `everyone` is the whole instance: a value is
 * "found" when some user of the instance matches it, whatever the other filters keep.
 */
export function filterUsersByAttributes(
  candidates: UserJson[],
  everyone: UserJson[],
  filters: UserAttributeFilters,
  reading: UnknownIdFilter,
): UserJson[] {
  const keeps: ((user: UserJson) => boolean)[] = [];
  const partial = (values: string[] | undefined, of: (user: UserJson) => (string | null)[]) => {
    if (!values) return;
    const matches = (user: UserJson, value: string) =>
      of(user).some((held) => held !== null && held.toLowerCase().includes(value.toLowerCase()));
    const found = values.filter((value) => everyone.some((user) => matches(user, value)));
    const used = reading === "dropped-filter" ? found : values;
    if (used.length === 0 && reading === "dropped-filter") return;
    keeps.push((user) => used.some((value) => matches(user, value)));
  };
  partial(filters.emailAddress, (user) => user.email_addresses.map((email) => email.email_address));
  partial(filters.username, (user) => [user.username]);
  const externalId = filters.externalId;
  if (externalId) {
    const known = new Set(everyone.map((user) => user.external_id).filter((id) => id !== null));
    const keep = idMatcher(externalId, (id) => known.has(id), reading);
    const included =
      reading === "dropped-filter" ? externalId.include.filter((id) => known.has(id)) : externalId.include;
    // A user without an external id is kept only when no inclusion applies (`-id` excludes nobody else).
    keeps.push((user) => (user.external_id === null ? included.length === 0 : keep(user.external_id)));
  }
  return candidates.filter((user) => keeps.every((keep) => keep(user)));
}
