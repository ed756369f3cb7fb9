import assert from "node:assert/strict";
import { ClerkAPIResponseError, TokenVerificationErrorCode } from "@clerk/backend/errors";
import { startEmulator, type Emulator } from "../../emulator";
import { rejection } from "../support/rejection";
import { clientFor, raw } from "./helpers";

/**
 * `@clerk/backend` exports `User`, `Organization` and `OrganizationMembership` as types only (there is no
 * runtime value to use with `instanceof`), so this checks that the SDK built an instance of its class of
 * that name (bundled as `_User` etc.) with a static `fromJSON`, not a plain object.
 */
function assertResource(value: unknown, className: string): void {
  assert.ok(value !== null && typeof value === "object", `expected a ${className}, got ${String(value)}`);
  const ctor = (value as object).constructor as { name: string; fromJSON?: unknown };
  assert.notEqual(ctor, Object, `expected a ${className} instance, got a plain object`);
  assert.match(ctor.name, new RegExp(`^_?${className}$`));
  assert.equal(typeof ctor.fromJSON, "function");
}

function assertClerkError(error: unknown, status: number | undefined, code: string): ClerkAPIResponseError {
  assert.ok(error instanceof ClerkAPIResponseError, `expected ClerkAPIResponseError, got ${String(error)}`);
  assert.equal(error.status, status);
  assert.equal(error.errors[0]?.code, code);
  return error;
}

describe("emulator", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  describe("startEmulator", () => {
    it("listens on 127.0.0.1 with a URL without trailing slash or /v1 and a generated sk_test_ key", () => {
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(emulator.secretKey, /^sk_test_[0-9A-Za-z]+$/);
    });
  });

  describe("users", () => {
    it("creates a user that the SDK returns as a User with Clerk-like id and metadata", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({
        firstName: "Ada",
        lastName: "Lovelace",
        emailAddress: ["ada@example.com"],
        publicMetadata: { plan: "free" },
        privateMetadata: { stripeId: "cus_1" },
        unsafeMetadata: { theme: "dark" },
      });
      assertResource(user, "User");
      assert.match(user.id, /^user_[0-9A-Za-z]{27}$/);
      assert.equal(user.firstName, "Ada");
      assert.equal(user.primaryEmailAddress?.emailAddress, "ada@example.com");
      assert.deepEqual(user.publicMetadata, { plan: "free" });
      assert.deepEqual(user.privateMetadata, { stripeId: "cus_1" });
      assert.deepEqual(user.unsafeMetadata, { theme: "dark" });
      assert.equal(typeof user.createdAt, "number");
      const fetched = await clerk.users.getUser(user.id);
      assertResource(fetched, "User");
      assert.deepEqual(fetched.publicMetadata, { plan: "free" });
    });

    it("merges metadata with PATCH and changes updated_at", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ publicMetadata: { a: { b: 1, c: 2 } } });
      const updated = await clerk.users.updateUserMetadata(user.id, {
        publicMetadata: { a: { c: null, d: 3 } },
        privateMetadata: { secret: true },
      });
      assert.deepEqual(updated.publicMetadata, { a: { b: 1, d: 3 } });
      assert.deepEqual(updated.privateMetadata, { secret: true });
      assert.deepEqual(updated.unsafeMetadata, {});
      assert.ok(updated.updatedAt > user.updatedAt);
    });

    it("replaces only the sent metadata fields with PUT (users.replaceUserMetadata)", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({
        publicMetadata: { a: { b: 1 }, keep: false },
        privateMetadata: { untouched: 1 },
      });
      const replaced = await clerk.users.replaceUserMetadata(user.id, { publicMetadata: { a: { c: 2 } } });
      assert.deepEqual(replaced.publicMetadata, { a: { c: 2 } });
      assert.deepEqual(replaced.privateMetadata, { untouched: 1 });
      const put = await raw(
        emulator,
        "PUT",
        `/v1/users/${user.id}/metadata`,
        JSON.stringify({ private_metadata: {} }),
      );
      assert.equal(put.status, 200);
      assert.deepEqual(emulator.data.getUser(user.id)?.private_metadata, {});
      assert.deepEqual(emulator.data.getUser(user.id)?.public_metadata, { a: { c: 2 } });
    });

    it("deletes a user, its memberships, and answers 404 afterwards", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      const org = await clerk.organizations.createOrganization({ name: "Gone Users", createdBy: user.id });
      // Typed as User by the SDK, but Clerk answers (and the SDK returns) a DeletedObject.
      const deleted = (await clerk.users.deleteUser(user.id)) as unknown as { id: string; deleted: boolean };
      assert.equal(deleted.id, user.id);
      assert.equal(deleted.deleted, true);
      assert.equal(emulator.data.getUser(user.id), undefined);
      assert.equal(emulator.data.getMembership(org.id, user.id), undefined);
      assertClerkError((await rejection(clerk.users.getUser(user.id))).error, 404, "resource_not_found");
    });
  });

  describe("organizations", () => {
    it("creates an organization whose creator becomes an org:admin member", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ firstName: "Grace", emailAddress: ["grace@example.com"] });
      const org = await clerk.organizations.createOrganization({
        name: "Acme Corp",
        createdBy: user.id,
        publicMetadata: { tier: "gold" },
      });
      assertResource(org, "Organization");
      assert.match(org.id, /^org_[0-9A-Za-z]{27}$/);
      assert.equal(org.slug, "acme-corp");
      assert.equal(org.membersCount, 1);
      assert.deepEqual(org.publicMetadata, { tier: "gold" });
      const admin = emulator.data.getMembership(org.id, user.id);
      assert.equal(admin?.role, "org:admin");
      assert.equal(admin?.public_user_data.identifier, "grace@example.com");
    });

    it("gets an organization by id and by slug", async () => {
      const clerk = clientFor(emulator);
      const org = await clerk.organizations.createOrganization({ name: "Slugged", slug: "slugged-co" });
      const byId = await clerk.organizations.getOrganization({ organizationId: org.id });
      const bySlug = await clerk.organizations.getOrganization({ slug: "slugged-co" });
      assertResource(byId, "Organization");
      assert.equal(bySlug.id, org.id);
    });

    it("merges and replaces organization metadata", async () => {
      const clerk = clientFor(emulator);
      const org = await clerk.organizations.createOrganization({
        name: "Meta Org",
        publicMetadata: { a: 1, nested: { x: 1 } },
        privateMetadata: { p: 1 },
      });
      const merged = await clerk.organizations.updateOrganizationMetadata(org.id, {
        publicMetadata: { nested: { y: 2 } },
      });
      assert.deepEqual(merged.publicMetadata, { a: 1, nested: { x: 1, y: 2 } });
      assert.deepEqual(merged.privateMetadata, { p: 1 });
      const replaced = await clerk.organizations.replaceOrganizationMetadata(org.id, {
        publicMetadata: { only: true },
      });
      assert.deepEqual(replaced.publicMetadata, { only: true });
      assert.deepEqual(replaced.privateMetadata, { p: 1 });
      assert.ok(replaced.updatedAt > org.updatedAt);
    });

    it("deletes an organization and its memberships", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      const org = await clerk.organizations.createOrganization({ name: "Doomed", createdBy: user.id });
      const deleted = (await clerk.organizations.deleteOrganization(org.id)) as unknown as {
        deleted: boolean;
      };
      assert.equal(deleted.deleted, true);
      assert.equal(emulator.data.getOrganization(org.id), undefined);
      assert.equal(emulator.data.getMembership(org.id, user.id), undefined);
      assert.ok(emulator.data.getUser(user.id));
    });
  });

  describe("memberships", () => {
    it("creates, lists by user_id with limit=1, merges metadata and deletes a membership", async () => {
      const clerk = clientFor(emulator);
      const owner = await clerk.users.createUser({ firstName: "Owner" });
      const member = await clerk.users.createUser({ firstName: "Mem", lastName: "Ber" });
      const org = await clerk.organizations.createOrganization({ name: "Team", createdBy: owner.id });

      const created = await clerk.organizations.createOrganizationMembership({
        organizationId: org.id,
        userId: member.id,
        role: "org:member",
      });
      assertResource(created, "OrganizationMembership");
      assert.match(created.id, /^orgmem_[0-9A-Za-z]{27}$/);
      assert.equal(created.role, "org:member");
      assert.equal(created.organization.id, org.id);
      assert.equal(created.publicUserData?.userId, member.id);
      assert.equal(created.publicUserData?.firstName, "Mem");

      const list = await clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        userId: [member.id],
        limit: 1,
      });
      assert.equal(list.totalCount, 1);
      assert.equal(list.data.length, 1);
      assertResource(list.data[0], "OrganizationMembership");
      assert.equal(list.data[0].publicUserData?.userId, member.id);

      const all = await clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        limit: 1,
      });
      assert.equal(all.totalCount, 2);
      assert.equal(all.data.length, 1);
      const second = await clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        limit: 1,
        offset: 1,
      });
      assert.notEqual(second.data[0].id, all.data[0].id);

      const updated = await clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: member.id,
        publicMetadata: { seat: { n: 1 } },
        privateMetadata: { note: "x" },
      });
      assert.deepEqual(updated.publicMetadata, { seat: { n: 1 } });
      const merged = await clerk.organizations.updateOrganizationMembershipMetadata({
        organizationId: org.id,
        userId: member.id,
        publicMetadata: { seat: { m: 2 } },
      });
      assert.deepEqual(merged.publicMetadata, { seat: { n: 1, m: 2 } });
      assert.deepEqual(merged.privateMetadata, { note: "x" });

      const removed = await clerk.organizations.deleteOrganizationMembership({
        organizationId: org.id,
        userId: member.id,
      });
      assertResource(removed, "OrganizationMembership");
      assert.equal(emulator.data.getMembership(org.id, member.id), undefined);
      const after = await clerk.organizations.getOrganizationMembershipList({
        organizationId: org.id,
        userId: [member.id],
      });
      assert.equal(after.totalCount, 0);
    });

    it("answers 422 when the user is already a member", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      const org = await clerk.organizations.createOrganization({ name: "Dupes", createdBy: user.id });
      const { error } = await rejection(
        clerk.organizations.createOrganizationMembership({
          organizationId: org.id,
          userId: user.id,
          role: "org:member",
        }),
      );
      assertClerkError(error, 422, "already_a_member_in_organization");
    });
  });

  describe("errors", () => {
    it("answers a wrong secret key with 401 clerk_key_invalid (the SDK's InvalidSecretKey) and a trace id", async () => {
      const clerk = clientFor(emulator, "sk_test_wrong");
      const error = assertClerkError(
        (await rejection(clerk.users.getUser("user_x"))).error,
        401,
        "clerk_key_invalid",
      );
      assert.equal(error.errors[0].code, TokenVerificationErrorCode.InvalidSecretKey);
      assert.equal(
        error.errors[0].longMessage,
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
      );
      assert.match(error.clerkTraceId ?? "", /^[0-9a-f]{32}$/);
    });

    it("answers a missing Authorization header with 401 clerk_key_invalid", async () => {
      const res = await raw(emulator, "GET", "/v1/users/user_x", undefined, {});
      assert.equal(res.status, 401);
      assert.equal((res.json() as { errors: Array<{ code: string }> }).errors[0].code, "clerk_key_invalid");
    });

    it("answers an unknown id with 404 resource_not_found", async () => {
      const clerk = clientFor(emulator);
      const error = assertClerkError(
        (await rejection(clerk.organizations.getOrganization({ organizationId: "org_missing" }))).error,
        404,
        "resource_not_found",
      );
      assert.ok(error.clerkTraceId);
    });

    it("answers an unknown route with 404", async () => {
      const res = await raw(emulator, "GET", "/v1/nothing/here");
      assert.equal(res.status, 404);
      assert.equal(res.headers.get("content-type"), "application/json");
    });

    it("answers metadata over 8 KB with 422 and stores nothing", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ publicMetadata: { keep: 1 } });
      const { error } = await rejection(
        clerk.users.updateUserMetadata(user.id, { publicMetadata: { big: "x".repeat(8200) } }),
      );
      const clerkError = assertClerkError(error, 422, "form_metadata_exceeds_limit");
      assert.ok(clerkError.clerkTraceId);
      assert.deepEqual(emulator.data.getUser(user.id)?.public_metadata, { keep: 1 });
    });

    it("accepts metadata of exactly 8192 bytes", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      const value = "x".repeat(8192 - JSON.stringify({ v: "" }).length);
      const updated = await clerk.users.updateUserMetadata(user.id, { privateMetadata: { v: value } });
      assert.equal(JSON.stringify(updated.privateMetadata).length, 8192);
    });

    it("answers metadata that is not a JSON object with 422 form_param_value_invalid", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ publicMetadata: { keep: 1 } });
      const { error } = await rejection(
        // Deliberately wrong input: an array where the SDK types an object.
        clerk.users.updateUserMetadata(user.id, { publicMetadata: ["not", "an", "object"] as never }),
      );
      assert.equal(
        assertClerkError(error, 422, "form_param_value_invalid").errors[0].meta?.paramName,
        "public_metadata",
      );
      const str = await raw(emulator, "PUT", `/v1/users/${user.id}/metadata`, '{"public_metadata":"x"}');
      assert.equal(str.status, 422);
      assert.deepEqual(emulator.data.getUser(user.id)?.public_metadata, { keep: 1 });
    });

    it("answers malformed JSON with 400 malformed_request and keeps serving", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ publicMetadata: { keep: 1 } });
      const res = await raw(emulator, "PATCH", `/v1/users/${user.id}/metadata`, '{"public_metadata": {');
      assert.equal(res.status, 400);
      const body = res.json() as { errors: Array<{ code: string }>; clerk_trace_id: string };
      assert.equal(body.errors[0].code, "malformed_request");
      assert.equal(res.headers.get("x-clerk-trace-id"), body.clerk_trace_id);
      assert.deepEqual((await clerk.users.getUser(user.id)).publicMetadata, { keep: 1 });
    });

    it("answers a body over 1 MB with 413 and stores nothing", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({ publicMetadata: { keep: 1 } });
      const huge = JSON.stringify({ public_metadata: { big: "x".repeat(1024 * 1024 + 10) } });
      const res = await raw(emulator, "PATCH", `/v1/users/${user.id}/metadata`, huge);
      assert.equal(res.status, 413);
      assert.deepEqual(emulator.data.getUser(user.id)?.public_metadata, { keep: 1 });
    });
  });

  describe("responses", () => {
    it("use exactly application/json and carry x-clerk-trace-id", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      for (const path of [`/v1/users/${user.id}`, "/v1/users/user_missing"]) {
        const res = await raw(emulator, "GET", path);
        assert.equal(res.headers.get("content-type"), "application/json");
        assert.match(res.headers.get("x-clerk-trace-id") ?? "", /^[0-9a-f]{32}$/);
      }
    });
  });
});
