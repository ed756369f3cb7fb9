import assert from "node:assert/strict";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { startEmulator, type Emulator } from "../../emulator";
import schemas from "../fixtures/clerk-schemas.json";
import { clientFor, raw } from "./helpers";

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schemas, "clerk");

function validator(name: string): ValidateFunction {
  const validate = ajv.getSchema(`clerk#/components/schemas/${name}`);
  assert.ok(validate, `schema ${name} not found`);
  return validate;
}

const validators = {
  User: validator("User"),
  Organization: validator("Organization"),
  OrganizationMembership: validator("OrganizationMembership"),
  OrganizationMemberships: validator("OrganizationMemberships"),
  DeletedObject: validator("DeletedObject"),
  ClerkErrors: validator("ClerkErrors"),
  Organizations: validator("Organizations"),
  TotalCount: validator("TotalCount"),
  // The spec's `User.List` answer: an array of `User`, not a `{ data, total_count }` page.
  UserList: ajv.compile({ type: "array", items: { $ref: "clerk#/components/schemas/User" } }),
};

describe("emulator responses", () => {
  let emulator: Emulator;
  let userId: string;
  let orgId: string;
  before(async () => {
    emulator = await startEmulator();
    const clerk = clientFor(emulator);
    userId = (await clerk.users.createUser({ firstName: "S", emailAddress: ["s@example.com"] })).id;
    orgId = (await clerk.organizations.createOrganization({ name: "Schema Org", createdBy: userId })).id;
  });
  after(() => emulator.stop());

  async function check(
    schema: keyof typeof validators,
    method: string,
    path: string,
    body?: unknown,
    expectedStatus = 200,
  ): Promise<void> {
    const res = await raw(emulator, method, path, body === undefined ? undefined : JSON.stringify(body));
    assert.equal(res.status, expectedStatus, res.text);
    const validate = validators[schema];
    assert.ok(validate(res.json()), `${method} ${path}: ${JSON.stringify(validate.errors, null, 2)}`);
  }

  describe("validate against Clerk's OpenAPI schemas", () => {
    it("the extracted schemas reject objects missing required fields or with nulls where none are allowed", () => {
      const user = emulator.data.getUser(userId) as unknown as Record<string, unknown>;
      assert.ok(validators.User(user));
      assert.equal(validators.User({ ...user, banned: undefined }), false);
      assert.equal(validators.User({ ...user, public_metadata: null }), false);
      assert.equal(validators.Organization({ object: "organization", id: "org_x" }), false);
    });

    it("POST /users, GET /users/{id}, PATCH and PUT …/metadata answer a User", async () => {
      await check("User", "POST", "/v1/users", {
        first_name: "V",
        email_address: ["v@example.com"],
        public_metadata: { a: 1 },
      });
      await check("User", "GET", `/v1/users/${userId}`);
      await check("User", "PATCH", `/v1/users/${userId}/metadata`, { public_metadata: { a: { b: 1 } } });
      await check("User", "PUT", `/v1/users/${userId}/metadata`, { private_metadata: { c: 1 } });
    });

    it("organization endpoints answer an Organization", async () => {
      await check("Organization", "POST", "/v1/organizations", { name: "Another", created_by: userId });
      await check("Organization", "GET", `/v1/organizations/${orgId}`);
      await check("Organization", "GET", "/v1/organizations/schema-org");
      await check("Organization", "PATCH", `/v1/organizations/${orgId}/metadata`, {
        public_metadata: { x: 1 },
      });
      await check("Organization", "PUT", `/v1/organizations/${orgId}/metadata`, { private_metadata: {} });
    });

    it("membership endpoints answer an OrganizationMembership or OrganizationMemberships", async () => {
      const other = (await clientFor(emulator).users.createUser({})).id;
      await check("OrganizationMembership", "POST", `/v1/organizations/${orgId}/memberships`, {
        user_id: other,
        role: "org:member",
      });
      await check("OrganizationMemberships", "GET", `/v1/organizations/${orgId}/memberships?limit=1`);
      await check(
        "OrganizationMemberships",
        "GET",
        `/v1/organizations/${orgId}/memberships?user_id=${other}`,
      );
      await check(
        "OrganizationMembership",
        "PATCH",
        `/v1/organizations/${orgId}/memberships/${other}/metadata`,
        {
          public_metadata: { seat: 1 },
        },
      );
      await check("OrganizationMembership", "DELETE", `/v1/organizations/${orgId}/memberships/${other}`);
    });

    it("GET /users answers User.List (an array of User), GET /users/count a TotalCount", async () => {
      await check("UserList", "GET", "/v1/users");
      await check(
        "UserList",
        "GET",
        `/v1/users?user_id=${userId}&user_id=-user_x&limit=1&order_by=-updated_at`,
      );
      await check("TotalCount", "GET", `/v1/users/count?user_id=${userId}`);
    });

    it("GET /organizations answers Organizations, with and without members_count", async () => {
      await check("Organizations", "GET", "/v1/organizations");
      await check(
        "Organizations",
        "GET",
        `/v1/organizations?organization_id=${orgId}&include_members_count=true`,
      );
    });

    it("answers with null metadata depart from the schema only where it is not nullable", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      await check("User", "PUT", `/v1/users/${user.id}/metadata`, { private_metadata: null });
      const res = await raw(emulator, "PUT", `/v1/users/${user.id}/metadata`, '{"public_metadata":null}');
      assert.equal(validators.User(res.json()), false);
      assert.deepEqual(
        validators.User.errors?.map((e) => e.instancePath),
        ["/public_metadata"],
      );
      const strict = await startEmulator({ replaceNull: "empty-object" });
      try {
        const other = await clientFor(strict).users.createUser({});
        const put = await raw(
          strict,
          "PUT",
          `/v1/users/${other.id}/metadata`,
          '{"public_metadata":null,"private_metadata":null,"unsafe_metadata":null}',
        );
        assert.ok(validators.User(put.json()), JSON.stringify(validators.User.errors));
      } finally {
        await strict.stop();
      }
    });

    it("DELETE of a user or an organization answers a DeletedObject", async () => {
      const clerk = clientFor(emulator);
      const user = await clerk.users.createUser({});
      const org = await clerk.organizations.createOrganization({ name: "Delete Me" });
      await check("DeletedObject", "DELETE", `/v1/users/${user.id}`);
      await check("DeletedObject", "DELETE", `/v1/organizations/${org.id}`);
    });

    it("errors answer ClerkErrors", async () => {
      await check("ClerkErrors", "GET", "/v1/users/user_missing", undefined, 404);
      await check("ClerkErrors", "PATCH", `/v1/users/${userId}/metadata`, { public_metadata: 1 }, 422);
      await check("ClerkErrors", "PATCH", `/v1/users/${userId}/metadata`, { bogus: 1 }, 422);
      await check("ClerkErrors", "GET", "/v1/users?order_by=username", undefined, 422);
      const unauthorized = await raw(emulator, "GET", `/v1/users/${userId}`, undefined, {});
      assert.equal(unauthorized.status, 401);
      assert.ok(validators.ClerkErrors(unauthorized.json()));
      const malformed = await raw(emulator, "PATCH", `/v1/users/${userId}/metadata`, "{");
      assert.equal(malformed.status, 400);
      assert.ok(validators.ClerkErrors(malformed.json()));
    });
  });
});
