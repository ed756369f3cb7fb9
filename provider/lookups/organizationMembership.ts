import * as pulumi from "@pulumi/pulumi";
import { listData, memberOrganizationId, memberUserId } from "../clerk/answers";
import { callClerk } from "../clerk/call";
import { isNotFound, lookupFailed } from "../core/errors";
import { isWellFormedId, kinds } from "../core/kinds";
import { lookupSettings, reportToEngine, whereOf } from "./settings";

/** What `getOrganizationMembership` looks for: one user's membership in one organization. */
export interface GetOrganizationMembershipArgs {
  /** The organization's Clerk id, `org_…`. */
  organizationId: string;
  /** The user's Clerk id, `user_…`. */
  userId: string;
}

/** `GetOrganizationMembershipArgs` whose values may be Pulumi inputs, for `getOrganizationMembershipOutput`. */
export interface GetOrganizationMembershipOutputArgs {
  organizationId: pulumi.Input<string>;
  userId: pulumi.Input<string>;
}

/** The membership found: its ids and the member's role. Metadata is never returned. */
export interface GetOrganizationMembershipResult {
  /** The membership's own Clerk id, `orgmem_…` (Pulumi's data-source convention). */
  id: string;
  organizationId: string;
  userId: string;
  /** The member's role key, such as `org:admin` or `org:member`. */
  role: string;
}

/**
 * Finds a user's membership in an organization, read-only, with
 * `organizations.getOrganizationMembershipList` (one
 * `GET /v1/organizations/{organization_id}/memberships?user_id=…&limit=1`; the membership listed
 * is checked to be that user's, since Clerk ignores user ids it does not know). Ids are checked
 * before any request. Credentials are resolved like the resources'; it runs in preview too.
 * Rejects with a `LookupError` when the organization does not exist or the user is not a member.
 *
 * @example
 * const member = await clerk.getOrganizationMembership({ organizationId: "org_…", userId: "user_…" });
 * // member.role === "org:admin"
 */
export async function getOrganizationMembership(
  args: GetOrganizationMembershipArgs,
): Promise<GetOrganizationMembershipResult> {
  const organizationId = args?.organizationId;
  const userId = args?.userId;
  const label = `getOrganizationMembership organizationId=${JSON.stringify(organizationId)} userId=${JSON.stringify(userId)}`;
  if (typeof organizationId !== "string" || !isWellFormedId(organizationId, "org_")) {
    throw lookupFailed(label, "organizationId must be an org_… id (no request was sent)");
  }
  if (typeof userId !== "string" || !isWellFormedId(userId, "user_")) {
    throw lookupFailed(label, "userId must be a user_… id (no request was sent)");
  }
  const settings = lookupSettings();
  let found: { id: string; role: string } | undefined;
  try {
    found = await callClerk(
      settings,
      {
        operation: "look up",
        spec: kinds.organizationMembership,
        ids: { organizationId, userId },
        label,
        report: reportToEngine,
      },
      (client) =>
        client.organizations.getOrganizationMembershipList({ organizationId, userId: [userId], limit: 1 }),
      (answer) => {
        const membership = listData(answer, "a membership list").find(
          (m) => memberUserId(m) === userId && memberOrganizationId(m) === organizationId,
        );
        if (membership === undefined) return undefined;
        const { id, role } = membership as { id?: unknown; role?: unknown };
        if (typeof id !== "string") throw new Error("a membership without an id");
        if (typeof role !== "string") throw new Error("a membership without a role");
        return { id, role };
      },
    );
  } catch (error) {
    if (isNotFound(error))
      throw lookupFailed(label, `organization ${organizationId} was not found ${whereOf(settings)}`);
    throw error;
  }
  if (found === undefined) {
    throw lookupFailed(
      label,
      `user ${userId} is not a member of organization ${organizationId} ${whereOf(settings)}`,
    );
  }
  return { id: found.id, organizationId, userId, role: found.role };
}

/**
 * `getOrganizationMembership` in Pulumi's Output form: takes inputs and returns an Output of the
 * result. An unknown input in preview gives an unknown result and sends no request.
 *
 * @example
 * const alexis = clerk.getUserOutput({ emailAddress: "alexis@example.com" });
 * const member = clerk.getOrganizationMembershipOutput({ organizationId: acme.organizationId, userId: alexis.userId });
 * export const alexisRole = member.role;
 */
export function getOrganizationMembershipOutput(
  args: GetOrganizationMembershipOutputArgs,
): pulumi.Output<GetOrganizationMembershipResult> {
  return pulumi.output(args).apply((resolved) => getOrganizationMembership(resolved));
}
