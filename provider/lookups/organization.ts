import * as pulumi from "@pulumi/pulumi";
import { callClerk } from "../clerk/call";
import { isNotFound, lookupFailed } from "../core/errors";
import { kinds } from "../core/kinds";
import { lookupSettings, reportToEngine, whereOf } from "./settings";

/** What `getOrganization` looks for: an organization's slug. */
export interface GetOrganizationArgs {
  /** The organization's slug (lowercase letters, digits, `-` and `_`), as in Clerk's dashboard. */
  slug: string;
}

/** `GetOrganizationArgs` whose values may be Pulumi inputs, for `getOrganizationOutput`. */
export interface GetOrganizationOutputArgs {
  slug: pulumi.Input<string>;
}

/** The organization found: its id and basic fields. Metadata is never returned. */
export interface GetOrganizationResult {
  /** The organization's Clerk id, `org_…` (Pulumi's data-source convention; the same as `organizationId`). */
  id: string;
  /** The organization's Clerk id, `org_…`, ready for `OrganizationMetadata`'s `organizationId`. */
  organizationId: string;
  slug: string;
  name: string;
}

/**
 * Finds one organization by its slug with one `GET /v1/organizations/{slug}`
 * (`organizations.getOrganization({ slug })`), read-only. Credentials are resolved like the
 * resources' (`clerk:secretKey`, then CLERK_SECRET_KEY; `clerk:apiUrl`, then CLERK_API_URL). It runs
 * in the program, so in `pulumi preview` too. Rejects with a `LookupError` when no organization has
 * this slug (a slug is unique in an instance, so there is never more than one).
 *
 * @example
 * const acme = await clerk.getOrganization({ slug: "acme" });
 * new clerk.OrganizationMetadata("acme", { organizationId: acme.organizationId, publicMetadata: { plan: "pro" } });
 */
export async function getOrganization(args: GetOrganizationArgs): Promise<GetOrganizationResult> {
  const slug = args?.slug;
  const label = `getOrganization slug=${JSON.stringify(slug)}`;
  if (typeof slug !== "string" || !/^[a-z0-9][a-z0-9_-]*$/.test(slug)) {
    throw lookupFailed(label, "a slug is made of lowercase letters, digits, - and _ (no request was sent)");
  }
  const settings = lookupSettings();
  let found: GetOrganizationResult;
  try {
    found = await callClerk(
      settings,
      { operation: "look up", spec: kinds.organization, ids: {}, label, report: reportToEngine },
      (client) => client.organizations.getOrganization({ slug }),
      organizationOf,
    );
  } catch (error) {
    if (isNotFound(error)) throw lookupFailed(label, `no organization has this slug ${whereOf(settings)}`);
    throw error;
  }
  // GET /organizations/{id_or_slug} also answers for an id: only the slug that was asked counts.
  if (found.slug !== slug) {
    throw lookupFailed(
      label,
      `no organization has this slug ${whereOf(settings)} (Clerk answered with ${found.organizationId}, ` +
        `whose slug is ${JSON.stringify(found.slug)}; an id can be used as organizationId directly)`,
    );
  }
  return found;
}

/**
 * `getOrganization` in Pulumi's Output form: takes inputs (Outputs, promises or values) and returns
 * an Output of the result, secret when an input is. An unknown input in preview gives an unknown
 * result and sends no request.
 *
 * @example
 * const acme = clerk.getOrganizationOutput({ slug: config.require("organizationSlug") });
 * new clerk.OrganizationMetadata("acme", { organizationId: acme.organizationId, publicMetadata: { plan: "pro" } });
 */
export function getOrganizationOutput(args: GetOrganizationOutputArgs): pulumi.Output<GetOrganizationResult> {
  return pulumi.output(args).apply((resolved) => getOrganization(resolved));
}

function organizationOf(answer: unknown): GetOrganizationResult {
  const organization = answer as { id?: unknown; slug?: unknown; name?: unknown } | null;
  if (
    typeof organization?.id !== "string" ||
    typeof organization.slug !== "string" ||
    typeof organization.name !== "string"
  ) {
    throw new Error("expected an organization with a string id, slug and name");
  }
  return {
    id: organization.id,
    organizationId: organization.id,
    slug: organization.slug,
    name: organization.name,
  };
}
