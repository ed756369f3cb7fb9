import * as pulumi from "@pulumi/pulumi";
import { listData } from "../clerk/answers";
import { callClerk } from "../clerk/call";
import { lookupFailed } from "../core/errors";
import { kinds } from "../core/kinds";
import { lookupSettings, reportToEngine, whereOf } from "./settings";

/** What `getUser` looks for: exactly one of an email address, an external id or a username. */
export type GetUserArgs =
  | { emailAddress: string; externalId?: never; username?: never }
  | { externalId: string; emailAddress?: never; username?: never }
  | { username: string; emailAddress?: never; externalId?: never };

/** `GetUserArgs` whose values may be Pulumi inputs, for `getUserOutput`. */
export type GetUserOutputArgs =
  | { emailAddress: pulumi.Input<string>; externalId?: never; username?: never }
  | { externalId: pulumi.Input<string>; emailAddress?: never; username?: never }
  | { username: pulumi.Input<string>; emailAddress?: never; externalId?: never };

/** The user found: the id and basic fields. Metadata is never returned. */
export interface GetUserResult {
  /** The user's Clerk id, `user_…` (Pulumi's data-source convention; the same as `userId`). */
  id: string;
  /** The user's Clerk id, `user_…`, ready for `UserMetadata`'s or a membership's `userId`. */
  userId: string;
  /** The primary email address, or `null` when the user has none. */
  primaryEmailAddress: string | null;
  username: string | null;
  externalId: string | null;
}

/** The most users one lookup reads; Clerk's filters may match partially, so candidates are checked here. */
const pageSize = 100;

interface UserFields extends GetUserResult {
  emailAddresses: string[];
}

/**
 * Finds one user by email address (any of the user's addresses, compared without case), external
 * id (exact) or username (compared without case), read-only, with `users.getUserList` (one
 * `GET /v1/users?email_address=…` and the `GET /v1/users/count` the SDK adds). Every candidate
 * Clerk lists is checked against the value here, since Clerk's filters may match partially and
 * ignore values that match nobody. Credentials are resolved like the resources'. It runs in the
 * program, so in `pulumi preview` too. Rejects with a `LookupError` when no user or several users
 * match, or when not exactly one of the three fields is given.
 *
 * @example
 * const alexis = await clerk.getUser({ emailAddress: "alexis@example.com" });
 * new clerk.UserMetadata("alexis", { userId: alexis.userId, publicMetadata: { role: "admin" } });
 */
export async function getUser(args: GetUserArgs): Promise<GetUserResult> {
  const given = (["emailAddress", "externalId", "username"] as const).filter(
    (field) => (args as Record<string, unknown> | undefined)?.[field] !== undefined,
  );
  const field = given[0];
  const value = field && (args as Record<string, unknown>)[field];
  if (given.length !== 1) throw lookupFailed("getUser", selectorProblem(given));
  const label = `getUser ${field}=${JSON.stringify(value)}`;
  if (typeof value !== "string" || value.trim() === "") {
    throw lookupFailed(label, `${field} must be a non-empty string (no request was sent)`);
  }
  const settings = lookupSettings();
  const filter = { [field]: [value] } as {
    emailAddress?: string[];
    externalId?: string[];
    username?: string[];
  };
  const { users, totalCount } = await callClerk(
    settings,
    { operation: "look up", spec: kinds.user, ids: {}, label, report: reportToEngine },
    (client) => client.users.getUserList({ ...filter, limit: pageSize }),
    (answer) => ({
      users: listData(answer, "a user list").map(userOf),
      totalCount: (answer as { totalCount?: unknown }).totalCount,
    }),
  );
  const same = (held: string | null) =>
    held !== null && (field === "externalId" ? held === value : held.toLowerCase() === value.toLowerCase());
  const matches = users.filter((user) =>
    field === "emailAddress" ? user.emailAddresses.some(same) : same(user[field]),
  );
  if (matches.length > 1) {
    throw lookupFailed(
      label,
      `${matches.length} users match (${matches.map((user) => user.userId).join(", ")}); use a field that names one user`,
    );
  }
  if (matches.length === 0) {
    const unread = typeof totalCount === "number" && totalCount > users.length;
    throw lookupFailed(
      label,
      unread
        ? `none of the first ${users.length} of ${totalCount} users Clerk listed for this filter matches it exactly; use a more specific value`
        : `no user matches ${whereOf(settings)}`,
    );
  }
  const { emailAddresses: _all, ...found } = matches[0];
  return found;
}

/**
 * `getUser` in Pulumi's Output form: takes inputs (Outputs, promises or values) and returns an
 * Output of the result, secret when an input is. An unknown input in preview gives an unknown
 * result and sends no request.
 *
 * @example
 * const alexis = clerk.getUserOutput({ emailAddress: config.require("adminEmail") });
 * new clerk.UserMetadata("admin", { userId: alexis.userId, publicMetadata: { role: "admin" } });
 */
export function getUserOutput(args: GetUserOutputArgs): pulumi.Output<GetUserResult> {
  return pulumi.output(args as pulumi.Inputs).apply((resolved) => getUser(resolved as GetUserArgs));
}

/** The one sentence for a `getUser` call that does not name exactly one selector. */
function selectorProblem(given: readonly string[]): string {
  const which = "emailAddress, externalId or username";
  return given.length === 0
    ? `pass one of ${which} to say which user to find (no request was sent)`
    : `pass only one of ${which}, not ${given.join(" and ")} (no request was sent)`;
}

/** The fields of one listed user (the SDK's `User`); throws for anything else. */
function userOf(answer: unknown): UserFields {
  const user = answer as {
    id?: unknown;
    primaryEmailAddressId?: unknown;
    emailAddresses?: { id?: unknown; emailAddress?: unknown }[];
    username?: unknown;
    externalId?: unknown;
  } | null;
  if (typeof user?.id !== "string") throw new Error("a listed user without an id");
  if (!Array.isArray(user.emailAddresses)) throw new Error(`user ${user.id} without emailAddresses`);
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const primary = user.emailAddresses.find((email) => email?.id === user.primaryEmailAddressId);
  return {
    id: user.id,
    userId: user.id,
    primaryEmailAddress: text(primary?.emailAddress),
    username: text(user.username),
    externalId: text(user.externalId),
    emailAddresses: user.emailAddresses.map((email) => text(email?.emailAddress)).filter((e) => e !== null),
  };
}
