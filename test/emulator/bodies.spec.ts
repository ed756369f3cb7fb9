import assert from "node:assert/strict";
import { ClerkAPIResponseError } from "@clerk/backend/errors";
import { startEmulator, type Emulator, type ReplaceNull } from "../../emulator";
import { rejection } from "../support/rejection";
import { clientFor, raw } from "./helpers";

function unknownParamError(error: unknown, param: string): void {
  assert.ok(error instanceof ClerkAPIResponseError, `expected ClerkAPIResponseError, got ${String(error)}`);
  assert.equal(error.status, 422);
  assert.equal(error.errors[0]?.code, "form_param_unknown");
  assert.equal(error.errors[0]?.message, "is unknown");
  assert.equal(error.errors[0]?.longMessage, `${param} is not a valid parameter for this request.`);
  assert.equal(error.errors[0]?.meta?.paramName, param);
}

async function world(replaceNull?: ReplaceNull): Promise<Emulator> {
  return startEmulator({
    replaceNull,
    seed: {
      users: [{ id: "user_1", public_metadata: { keep: 1 }, private_metadata: { secret: 1 } }],
      organizations: [{ id: "org_1", name: "One", public_metadata: { keep: 1 } }],
      memberships: [{ organization_id: "org_1", user_id: "user_1", public_metadata: { keep: 1 } }],
    },
  });
}

describe("emulator request bodies", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await world();
  });
  afterEach(() => emulator.stop());

  describe("strict bodies (additionalProperties: false)", () => {
    // `as never` here sends on purpose what the SDK's types refuse: parameters the endpoint does not know.
    it("answers a user metadata PATCH or PUT with an unknown field with 422 form_param_unknown and stores nothing", async () => {
      for (const method of ["PATCH", "PUT"]) {
        const res = await raw(
          emulator,
          method,
          "/v1/users/user_1/metadata",
          JSON.stringify({ public_metadata: { keep: 2 }, bogus: 1 }),
        );
        assert.equal(res.status, 422, method);
        const body = res.json() as { errors: Array<{ code: string; meta: { param_name: string } }> };
        assert.equal(body.errors[0].code, "form_param_unknown");
        assert.equal(body.errors[0].meta.param_name, "bogus");
      }
      assert.deepEqual(emulator.data.getUser("user_1")?.public_metadata, { keep: 1 });
    });

    it("answers unsafe_metadata on organization metadata (PATCH and PUT) with 422 form_param_unknown", async () => {
      const clerk = clientFor(emulator);
      const unsafe = { unsafeMetadata: { x: 1 } } as never;
      unknownParamError(
        (await rejection(clerk.organizations.updateOrganizationMetadata("org_1", unsafe))).error,
        "unsafe_metadata",
      );
      unknownParamError(
        (await rejection(clerk.organizations.replaceOrganizationMetadata("org_1", unsafe))).error,
        "unsafe_metadata",
      );
      assert.deepEqual(emulator.data.getOrganization("org_1")?.public_metadata, { keep: 1 });
    });

    it("answers unsafe_metadata on membership metadata with 422 form_param_unknown", async () => {
      const { error } = await rejection(
        clientFor(emulator).organizations.updateOrganizationMembershipMetadata({
          organizationId: "org_1",
          userId: "user_1",
          publicMetadata: { keep: 2 },
          unsafeMetadata: { x: 1 },
        } as never),
      );
      unknownParamError(error, "unsafe_metadata");
      assert.deepEqual(emulator.data.getMembership("org_1", "user_1")?.public_metadata, { keep: 1 });
    });

    it("answers unknown fields on create bodies with 422 and accepts the spec's fields it does not model", async () => {
      const clerk = clientFor(emulator);
      unknownParamError((await rejection(clerk.users.createUser({ bogus: 1 } as never))).error, "bogus");
      unknownParamError(
        (await rejection(clerk.organizations.createOrganization({ name: "X", unsafeMetadata: {} } as never)))
          .error,
        "unsafe_metadata",
      );
      unknownParamError(
        (
          await rejection(
            clerk.organizations.createOrganizationMembership({
              organizationId: "org_1",
              userId: "user_1",
              role: "org:member",
              bogus: true,
            } as never),
          )
        ).error,
        "bogus",
      );
      const user = await clerk.users.createUser({ skipPasswordChecks: true, locale: "en-US" } as never);
      assert.ok(emulator.data.getUser(user.id));
    });
  });

  describe("null metadata fields", () => {
    // `as never` here sends on purpose a null the SDK's types refuse but Clerk's API accepts.
    it("stores and serves JSON null when replaceUserMetadata sends null (default replaceNull: null)", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.replaceUserMetadata("user_1", {
        privateMetadata: null,
        unsafeMetadata: null,
      } as never);
      assert.equal(user.privateMetadata, null);
      assert.equal(user.unsafeMetadata, null);
      assert.deepEqual(user.publicMetadata, { keep: 1 });
      assert.deepEqual(emulator.requests()[0].body, { private_metadata: null, unsafe_metadata: null });
      assert.equal(emulator.data.getUser("user_1")?.private_metadata, null);
      const fetched = await raw(emulator, "GET", "/v1/users/user_1");
      assert.equal((fetched.json() as { private_metadata: unknown }).private_metadata, null);
      assert.equal((await clerk.users.getUser("user_1")).unsafeMetadata, null);
    });

    it("stores and serves JSON null when replaceOrganizationMetadata sends null", async () => {
      const org = await clientFor(emulator).organizations.replaceOrganizationMetadata("org_1", {
        publicMetadata: null,
      } as never);
      assert.equal(org.publicMetadata, null);
      assert.equal(emulator.data.getOrganization("org_1")?.public_metadata, null);
    });

    it("empty-object reading: PUT null stores {} except User.private_metadata, the one nullable field", async () => {
      const emu = await world("empty-object");
      try {
        const clerk = clientFor(emu);
        const user = await clerk.users.replaceUserMetadata("user_1", {
          publicMetadata: null,
          privateMetadata: null,
          unsafeMetadata: null,
        } as never);
        assert.deepEqual(user.publicMetadata, {});
        assert.equal(user.privateMetadata, null);
        assert.deepEqual(user.unsafeMetadata, {});
        const org = await clerk.organizations.replaceOrganizationMetadata("org_1", {
          publicMetadata: null,
          privateMetadata: null,
        } as never);
        assert.deepEqual(org.publicMetadata, {});
        assert.deepEqual(org.privateMetadata, {});
      } finally {
        await emu.stop();
      }
    });

    it("a PATCH merges into a null field as into {} (RFC 7396) and a null-only patch leaves {}", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.replaceUserMetadata("user_1", {
        privateMetadata: null,
        publicMetadata: null,
      } as never);
      const merged = await clerk.users.updateUserMetadata("user_1", { privateMetadata: { a: { b: 1 } } });
      assert.deepEqual(merged.privateMetadata, { a: { b: 1 } });
      const removed = await clerk.users.updateUserMetadata("user_1", { publicMetadata: { gone: null } });
      assert.deepEqual(removed.publicMetadata, {});
    });

    it("a PATCH that sends a field as null leaves that field untouched, null or not", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.replaceUserMetadata("user_1", { privateMetadata: null } as never);
      const res = await raw(
        emulator,
        "PATCH",
        "/v1/users/user_1/metadata",
        JSON.stringify({ public_metadata: null, private_metadata: null }),
      );
      assert.equal(res.status, 200);
      assert.deepEqual(emulator.data.getUser("user_1")?.public_metadata, { keep: 1 });
      assert.equal(emulator.data.getUser("user_1")?.private_metadata, null);
    });

    it("a seed can start a user's or an organization's field at null", async () => {
      const emu = await startEmulator({
        seed: {
          users: [{ id: "user_n", private_metadata: null, unsafe_metadata: null }],
          organizations: [{ id: "org_n", name: "N", private_metadata: null }],
        },
      });
      try {
        const clerk = clientFor(emu);
        const user = await clerk.users.getUser("user_n");
        assert.equal(user.privateMetadata, null);
        assert.equal(user.unsafeMetadata, null);
        assert.deepEqual(user.publicMetadata, {});
        const org = await clerk.organizations.getOrganization({ organizationId: "org_n" });
        assert.equal(org.privateMetadata, null);
      } finally {
        await emu.stop();
      }
    });

    it("a POST that sends a metadata field as null creates it as {}", async () => {
      const res = await raw(emulator, "POST", "/v1/users", JSON.stringify({ public_metadata: null }));
      assert.equal(res.status, 200);
      assert.deepEqual((res.json() as { public_metadata: unknown }).public_metadata, {});
    });
  });
});
