import { invalidParam } from "./errors";
import type { UnknownIdFilter } from "./types";

/** The most ids one filter takes: "Accepts up to 100 user IDs" (GetUserList, ListOrganizations, …). */
export const MAX_FILTER_IDS = 100;

/** A parsed id filter: ids to include (`id` or `+id`) and ids to exclude (`-id`). */
export interface IdFilter {
  include: string[];
  exclude: string[];
}

/**
 * Parses the values of a repeatable id filter (`user_id`, `organization_id`). Clerk's spec: "For each
 * user ID, the `+` and `-` can be prepended to the ID, which denote whether the respective user ID should
 * be included or excluded from the result set. Accepts up to 100 user IDs." A value without a sign is
 * included. A leading space is read as `+`: in a query string `+` decodes to a space, so the spec's own
 * example `?organization_id=+org_1` arrives as `" org_1"` unless the client encodes it (`%2B`, as the SDK
 * does). Empty values are ignored. More than 100 ids → 422 `form_param_value_invalid`.
 */
export function parseIdFilter(name: string, values: string[]): IdFilter {
  const filter: IdFilter = { include: [], exclude: [] };
  const present = values.filter((value) => value.trim() !== "");
  if (present.length > MAX_FILTER_IDS) {
    throw invalidParam(name, `${name} accepts up to ${MAX_FILTER_IDS} values, got ${present.length}.`);
  }
  for (const value of present) {
    if (value.startsWith("-")) filter.exclude.push(value.slice(1).trim());
    else if (value.startsWith("+") || value.startsWith(" ")) filter.include.push(value.slice(1).trim());
    else filter.include.push(value.trim());
  }
  return filter;
}

/**
 * A predicate for the entities an id filter keeps. `exists` tells whether an id names an entity of the
 * instance (a user for `user_id`, an organization for `organization_id`), whatever else the list is
 * about: for a membership list, a user who exists but is not a member is known, so filtering by them
 * lists nothing in both readings. See `UnknownIdFilter` for the two readings of "Any user IDs not found
 * are ignored"; exclusions of unknown ids exclude nothing in both.
 */
export function idMatcher(
  filter: IdFilter,
  exists: (id: string) => boolean,
  reading: UnknownIdFilter,
): (id: string) => boolean {
  const included = reading === "dropped-filter" ? filter.include.filter(exists) : filter.include;
  const include = included.length > 0 ? new Set(included) : undefined;
  const exclude = new Set(filter.exclude);
  return (id) => (!include || include.has(id)) && !exclude.has(id);
}

/** A sort order parsed from `order_by`: the field and whether it is descending. */
export interface Ordering {
  field: string;
  descending: boolean;
}

/**
 * Parses `order_by` ("`+`/`-` prepended to the property … If you don't use `+` or `-`, then `+` is
 * implied"; only the first value counts: "if multiple `order_by` parameters are provided, we will only
 * keep the first one"). A field the emulator does not sort by is 422 `form_param_value_invalid` rather
 * than silently ignored, so no test relies on an ordering that is not emulated.
 */
export function parseOrdering(values: string[], fallback: string, supported: readonly string[]): Ordering {
  const raw = values[0] === undefined || values[0] === "" ? fallback : values[0];
  const descending = raw.startsWith("-");
  const field = raw.startsWith("-") || raw.startsWith("+") || raw.startsWith(" ") ? raw.slice(1) : raw;
  if (!supported.includes(field)) {
    throw invalidParam(
      "order_by",
      `order_by ${JSON.stringify(raw)} is not supported by the emulator; use ${supported.join(", ")} (with + or -).`,
    );
  }
  return { field, descending };
}

/** Sorts a copy of `items` by `key` in the given direction (stable; `null` sorts first ascending). */
export function sortBy<T>(items: T[], key: (item: T) => string | number | null, ordering: Ordering): T[] {
  const sign = ordering.descending ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return 0;
    if (x === null) return -sign;
    if (y === null) return sign;
    return (x < y ? -1 : 1) * sign;
  });
}
