import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  getOrganizationMembership,
  getOrganizationMembershipOutput,
  getUserOutput,
  LookupError,
} from "../../../provider";
import { requestLines, useLookupEmulator, valueOf } from "./helpers";
import { rejection } from "../../support/rejection";

describe("lookups: getOrganizationMembership", () => {
  const lookups = useLookupEmulator();

  describe("getOrganizationMembership", () => {
    it("finds the creator's membership, which Clerk makes with the organization", async () => {
      const found = await getOrganizationMembership({ organizationId: "org_acme", userId: "user_alexis" });
      assert.equal(found.role, "org:admin");
    });

    it("finds a membership with one filtered list request and returns the ids and the role", async () => {
      const found = await getOrganizationMembership({ organizationId: "org_globex", userId: "user_kim" });
      const { id, ...rest } = found;
      assert.deepEqual(rest, { organizationId: "org_globex", userId: "user_kim", role: "org:admin" });
      assert.equal(id, lookups.emulator.data.getMembership("org_globex", "user_kim")?.id);
      assert.match(id, /^orgmem_/);
      assert.deepEqual(requestLines(lookups.emulator), [
        "GET /v1/organizations/org_globex/memberships?user_id=user_kim&limit=1",
      ]);
    });

    it("rejects when the user is not a member, or unknown (Clerk then lists other members)", async () => {
      for (const userId of ["user_kim", "user_nobody"]) {
        const { error } = await rejection(getOrganizationMembership({ organizationId: "org_acme", userId }));
        assert.ok(error instanceof LookupError, String(error));
        assert.match(
          error.message,
          new RegExp(`user ${userId} is not a member of organization org_acme in this development instance$`),
        );
      }
    });

    it("rejects when the organization does not exist", async () => {
      const { error } = await rejection(
        getOrganizationMembership({ organizationId: "org_gone", userId: "user_sam" }),
      );
      assert.ok(error instanceof LookupError, String(error));
      assert.match(error.message, /organization org_gone was not found in this development instance$/);
    });

    it("checks both ids before any request", async () => {
      for (const args of [
        { organizationId: "user_sam", userId: "user_sam" },
        { organizationId: "org_acme", userId: "org_acme" },
        { organizationId: "org_acme", userId: "user_../x" },
      ]) {
        const { error } = await rejection(getOrganizationMembership(args));
        assert.ok(error instanceof LookupError);
        assert.match(error.message, /no request was sent/);
      }
      assert.deepEqual(requestLines(lookups.emulator), []);
    });
  });

  describe("getOrganizationMembershipOutput", () => {
    it("chains with getUserOutput: a user found by email, then their membership", async () => {
      const sam = getUserOutput({ emailAddress: "sam@example.com" });
      const member = getOrganizationMembershipOutput({ organizationId: "org_acme", userId: sam.userId });
      assert.equal(await valueOf(member.role), "org:member");
      assert.equal(await valueOf(pulumi.output(member.userId)), "user_sam");
    });
  });
});
