/**
 * An organization's plan, limits and feature flags, with private billing data.
 * Config (namespace `example`): organizationSlug (or organizationId), plan, seats, features (JSON
 * object), billingCustomerId (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import * as clerk from "pulumi-clerk-metadata";

const config = new pulumi.Config("example");
const slug = config.get("organizationSlug");

const acme = new clerk.OrganizationMetadata("acme", {
  // By slug, as people name organizations; the lookup runs in preview too and only reads.
  organizationId: slug
    ? clerk.getOrganizationOutput({ slug }).organizationId
    : config.require("organizationId"),
  publicMetadata: {
    plan: config.get("plan") ?? "pro",
    limits: { seats: config.getNumber("seats") ?? 25, projects: 10 },
    features: config.getObject<Record<string, boolean>>("features") ?? { sso: true, auditLog: true },
  },
  privateMetadata: {
    billing: { customerId: config.requireSecret("billingCustomerId"), invoiceDay: 1 },
  },
});

export const organizationId = acme.organizationId;
export const publicMetadata = acme.publicMetadata;
