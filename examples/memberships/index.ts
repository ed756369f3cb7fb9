/**
 * Per-member metadata across one organization: one OrganizationMembershipMetadata per member.
 * Config (namespace `example`): organizationSlug (or organizationId), members (required): a JSON
 * object mapping each member (an email address, or a `user_…` id) to the public metadata the
 * stack owns for them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";

const config = new pulumi.Config("example");
const slug = config.get("organizationSlug");
const organizationId = slug
  ? clerk.getOrganizationOutput({ slug }).organizationId
  : config.require("organizationId");
const members = config.requireObject<Record<string, clerk.JsonObject>>("members");

const memberships = Object.entries(members).map(([member, publicMetadata]) => {
  const userId = member.includes("@") ? clerk.getUserOutput({ emailAddress: member }).userId : member;
  // Fails the program, before any write, when the user is not a member of the organization.
  const membership = clerk.getOrganizationMembershipOutput({ organizationId, userId });
  return {
    member,
    role: membership.role,
    resource: new clerk.OrganizationMembershipMetadata(`member-${member}`, {
      organizationId: membership.organizationId,
      userId: membership.userId,
      publicMetadata,
    }),
  };
});

export const managedMembers = memberships.length;
export const roles = Object.fromEntries(memberships.map(({ member, role }) => [member, role]));
