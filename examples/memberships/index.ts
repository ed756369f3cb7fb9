/**
 * Per-member metadata across one organization: one OrganizationMembershipMetadata per member.
 * Config (namespace `example`): organizationId (required), members (required): a JSON object
 * mapping each member's user id to the public metadata the stack owns for them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";

const config = new pulumi.Config("example");
const organizationId = config.require("organizationId");
const members = config.requireObject<Record<string, clerk.JsonObject>>("members");

const memberships = Object.entries(members).map(
  ([userId, publicMetadata]) =>
    new clerk.OrganizationMembershipMetadata(`member-${userId}`, { organizationId, userId, publicMetadata }),
);

export const managedMembers = memberships.length;
