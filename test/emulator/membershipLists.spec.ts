import assert from "node:assert/strict";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { ClerkAPIResponseError } from "@clerk/backend/errors";
import { startEmulator, type Emulator } from "../../emulator";
import schemas from "../fixtures/clerk-schemas.json";
import { rejection } from "../support/rejection";
import { clientFor, raw } from "./helpers";

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schemas, "clerk");
const isMembershipPage = ajv.getSchema("clerk#/components/schemas/OrganizationMemberships")!;

/** Three organizations and five memberships, created in this order (oldest first). */
async function world(): Promise<Emulator> {
  return startEmulator({
    seed: {
      users: [{ id: "user_a" }, { id: "user_b" }, { id: "user_c" }],
      organizations: [
        { id: "org_1", name: "One" },
        { id: "org_2", name: "Two" },
        { id: "org_3", name: "Three" },
      ],
      memberships: [
        { organization_id: "org_1", user_id: "user_a", public_metadata: { n: 1 } },
        { organization_id: "org_2", user_id: "user_a" },
        { organization_id: "org_1", user_id: "user_b" },
        { organization_id: "org_3", user_id: "user_b", private_metadata: { secret: true } },
        { organization_id: "org_3", user_id: "user_a" },
      ],
    },
  });
}

const pairs = (page: {
  data: { organization: { id: string }; publicUserData?: { userId: string } | null }[];
}) => page.data.map((m) => `${m.organization.id}/${m.publicUserData?.userId}`);

describe("emulator membership lists beyond one organization's", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await world();
  });
  afterEach(() => emulator.stop());

  describe("GET /v1/organization_memberships (every membership of the instance)", () => {
    it("lists every membership newest first, with the total of the instance, in Clerk's page shape", async () => {
      const answer = await raw(emulator, "GET", "/v1/organization_memberships");
      assert.equal(answer.status, 200);
      assert.ok(isMembershipPage(answer.json()), JSON.stringify(isMembershipPage.errors));
      const body = answer.json() as {
        data: { organization: { id: string }; public_user_data: { user_id: string } }[];
      };
      assert.deepEqual(
        body.data.map((m) => `${m.organization.id}/${m.public_user_data.user_id}`),
        ["org_3/user_a", "org_3/user_b", "org_1/user_b", "org_2/user_a", "org_1/user_a"],
      );
      assert.equal((answer.json() as { total_count: number }).total_count, 5);
    });

    it("pages with limit and offset in creation order through the SDK's getInstanceOrganizationMembershipList", async () => {
      const clerk = clientFor(emulator);
      const first = await clerk.organizations.getInstanceOrganizationMembershipList({
        limit: 2,
        orderBy: "+created_at",
      });
      const second = await clerk.organizations.getInstanceOrganizationMembershipList({
        limit: 2,
        offset: 2,
        orderBy: "+created_at",
      });
      const last = await clerk.organizations.getInstanceOrganizationMembershipList({
        limit: 2,
        offset: 4,
        orderBy: "+created_at",
      });
      assert.deepEqual(
        [...pairs(first), ...pairs(second), ...pairs(last)],
        ["org_1/user_a", "org_2/user_a", "org_1/user_b", "org_3/user_b", "org_3/user_a"],
      );
      assert.deepEqual([first.totalCount, second.totalCount, last.totalCount], [5, 5, 5]);
      assert.deepEqual(first.data[0].publicMetadata, { n: 1 });
      assert.deepEqual(second.data[1].privateMetadata, { secret: true });
      assert.deepEqual(
        emulator.requests().map((r) => [r.path, r.queryAll]),
        [
          ["/v1/organization_memberships", { limit: ["2"], order_by: ["+created_at"] }],
          ["/v1/organization_memberships", { limit: ["2"], offset: ["2"], order_by: ["+created_at"] }],
          ["/v1/organization_memberships", { limit: ["2"], offset: ["4"], order_by: ["+created_at"] }],
        ],
      );
    });

    it("refuses an order_by it does not sort by and a limit over 500, as the other lists do", async () => {
      assert.equal(
        (await raw(emulator, "GET", "/v1/organization_memberships?order_by=username")).status,
        422,
      );
      assert.equal((await raw(emulator, "GET", "/v1/organization_memberships?limit=501")).status, 422);
    });
  });

  describe("GET /v1/users/{user_id}/organization_memberships (one user's memberships)", () => {
    it("lists the user's memberships newest first with their total, paged by limit and offset", async () => {
      const answer = await raw(emulator, "GET", "/v1/users/user_a/organization_memberships");
      assert.ok(isMembershipPage(answer.json()), JSON.stringify(isMembershipPage.errors));
      const clerk = clientFor(emulator);
      const page = await clerk.users.getOrganizationMembershipList({ userId: "user_a", limit: 2, offset: 1 });
      assert.deepEqual(pairs(page), ["org_2/user_a", "org_1/user_a"]);
      assert.equal(page.totalCount, 3);
      const none = await clerk.users.getOrganizationMembershipList({ userId: "user_c" });
      assert.deepEqual(none.data, []);
      assert.equal(none.totalCount, 0);
    });

    it("answers a user that does not exist with Clerk's 404 resource_not_found", async () => {
      const { error } = await rejection(
        clientFor(emulator).users.getOrganizationMembershipList({ userId: "user_zzz" }),
      );
      assert.ok(error instanceof ClerkAPIResponseError);
      assert.equal(error.status, 404);
      assert.equal(error.errors[0]?.code, "resource_not_found");
    });
  });
});
