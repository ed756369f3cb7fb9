import assert from "node:assert/strict";
import { ClerkAPIResponseError } from "@clerk/backend/errors";
import { startEmulator, type Emulator, type UnknownIdFilter } from "../../emulator";
import { rejection } from "../support/rejection";
import { clientFor, raw } from "./helpers";

function clerkCode(error: unknown): { status: number | undefined; code: string | undefined } {
  assert.ok(error instanceof ClerkAPIResponseError, `expected ClerkAPIResponseError, got ${String(error)}`);
  return { status: error.status, code: error.errors[0]?.code };
}

/** The requests the emulator recorded, as `METHOD path` with every query value. */
function recorded(
  emulator: Emulator,
): Array<{ method: string; path: string; query: Record<string, string[]> }> {
  return emulator.requests().map((r) => ({ method: r.method, path: r.path, query: r.queryAll }));
}

/** A world of three users (`a` oldest … `c` newest), two organizations and memberships in `org_1`. */
async function world(unknownIdFilter?: UnknownIdFilter): Promise<Emulator> {
  return startEmulator({
    unknownIdFilter,
    seed: {
      users: [{ id: "user_a" }, { id: "user_b" }, { id: "user_c" }],
      organizations: [
        { id: "org_1", name: "One", created_by: "user_a" },
        { id: "org_2", name: "Two" },
      ],
      memberships: [
        { organization_id: "org_1", user_id: "user_b" },
        { organization_id: "org_1", user_id: "user_c" },
      ],
    },
  });
}

describe("emulator lists", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await world();
  });
  afterEach(() => emulator.stop());

  describe("users.getUserList (GET /v1/users and GET /v1/users/count)", () => {
    it("sends the list and the count in two requests, the count without limit, offset or order_by", async () => {
      const clerk = clientFor(emulator);
      const list = await clerk.users.getUserList({
        userId: ["user_a", "user_c"],
        limit: 5,
        offset: 0,
        orderBy: "+created_at",
      });
      assert.deepEqual(
        list.data.map((u) => u.id),
        ["user_a", "user_c"],
      );
      assert.equal(list.totalCount, 2);
      const sent = recorded(emulator).sort((x, y) => x.path.localeCompare(y.path));
      // offset 0 is falsy: the SDK leaves it out of the query (`if (val)` in buildRequest).
      assert.deepEqual(sent, [
        {
          method: "GET",
          path: "/v1/users",
          query: { user_id: ["user_a", "user_c"], limit: ["5"], order_by: ["+created_at"] },
        },
        { method: "GET", path: "/v1/users/count", query: { user_id: ["user_a", "user_c"] } },
      ]);
    });

    it("answers GET /v1/users with a bare array of users, newest first, paginated by limit and offset", async () => {
      const all = await raw(emulator, "GET", "/v1/users");
      assert.ok(Array.isArray(all.json()));
      assert.deepEqual(
        (all.json() as Array<{ id: string }>).map((u) => u.id),
        ["user_c", "user_b", "user_a"],
      );
      const second = await raw(emulator, "GET", "/v1/users?limit=1&offset=1");
      assert.deepEqual(
        (second.json() as Array<{ id: string }>).map((u) => u.id),
        ["user_b"],
      );
    });

    it("answers GET /v1/users/count with a total_count object that the SDK turns into a number", async () => {
      const res = await raw(emulator, "GET", "/v1/users/count?user_id=user_a&user_id=user_b");
      assert.deepEqual(res.json(), { object: "total_count", total_count: 2 });
      assert.equal(await clientFor(emulator).users.getCount({ userId: ["user_c"] }), 1);
    });

    it("includes ids prefixed with + and excludes ids prefixed with -", async () => {
      const clerk = clientFor(emulator);
      const excluded = await clerk.users.getUserList({ userId: ["-user_b"] });
      assert.deepEqual(
        excluded.data.map((u) => u.id),
        ["user_c", "user_a"],
      );
      assert.equal(excluded.totalCount, 2);
      const mixed = await clerk.users.getUserList({ userId: ["+user_a", "+user_b", "-user_b"] });
      assert.deepEqual(
        mixed.data.map((u) => u.id),
        ["user_a"],
      );
    });

    it("reads an unencoded + (a space once decoded) as include, as in the spec's example", async () => {
      const res = await raw(emulator, "GET", "/v1/users?user_id=+user_a");
      assert.deepEqual(
        (res.json() as Array<{ id: string }>).map((u) => u.id),
        ["user_a"],
      );
    });

    it("orders by +created_at or -updated_at and answers 422 for an order the emulator does not sort by", async () => {
      const clerk = clientFor(emulator);
      const oldest = await clerk.users.getUserList({ orderBy: "+created_at" });
      assert.deepEqual(
        oldest.data.map((u) => u.id),
        ["user_a", "user_b", "user_c"],
      );
      await clerk.users.updateUserMetadata("user_a", { publicMetadata: { touched: true } });
      const updated = await clerk.users.getUserList({ orderBy: "-updated_at" });
      assert.equal(updated.data[0].id, "user_a");
      const error = clerkCode((await rejection(clerk.users.getUserList({ orderBy: "-username" }))).error);
      assert.deepEqual(error, { status: 422, code: "form_param_value_invalid" });
    });

    it("answers 422 for more than 100 ids in one filter", async () => {
      const ids = Array.from({ length: 101 }, (_, i) => `user_${i}`);
      const error = clerkCode(
        (await rejection(clientFor(emulator).users.getUserList({ userId: ids }))).error,
      );
      assert.deepEqual(error, { status: 422, code: "form_param_value_invalid" });
      const hundred = [...ids.slice(0, 99), "user_a"];
      const accepted = await clientFor(emulator).users.getUserList({ userId: hundred });
      assert.deepEqual(
        accepted.data.map((u) => u.id),
        ["user_a"],
      );
    });
  });

  describe("organizations.getOrganizationList (GET /v1/organizations)", () => {
    it("filters by organization_id and answers { data, total_count } newest first", async () => {
      const clerk = clientFor(emulator);
      const list = await clerk.organizations.getOrganizationList({ organizationId: ["org_1", "org_2"] });
      assert.deepEqual(
        list.data.map((o) => o.id),
        ["org_2", "org_1"],
      );
      assert.equal(list.totalCount, 2);
      assert.deepEqual(recorded(emulator), [
        { method: "GET", path: "/v1/organizations", query: { organization_id: ["org_1", "org_2"] } },
      ]);
      const one = await clerk.organizations.getOrganizationList({ organizationId: ["-org_2"] });
      assert.deepEqual(
        one.data.map((o) => o.id),
        ["org_1"],
      );
    });

    it("carries members_count only with include_members_count=true", async () => {
      const clerk = clientFor(emulator);
      const without = await raw(emulator, "GET", "/v1/organizations?organization_id=org_1");
      assert.equal("members_count" in (without.json() as { data: object[] }).data[0], false);
      const counted = await clerk.organizations.getOrganizationList({
        organizationId: ["org_1"],
        includeMembersCount: true,
      });
      assert.equal(counted.data[0].membersCount, 3);
      const single = await raw(emulator, "GET", "/v1/organizations/org_1");
      assert.equal("members_count" in (single.json() as object), false);
      const singleCounted = await clerk.organizations.getOrganization({
        organizationId: "org_1",
        includeMembersCount: true,
      });
      assert.equal(singleCounted.membersCount, 3);
    });

    it("orders by name, created_at or members_count", async () => {
      const clerk = clientFor(emulator);
      const byName = await clerk.organizations.getOrganizationList({ orderBy: "-name" });
      assert.deepEqual(
        byName.data.map((o) => o.name),
        ["Two", "One"],
      );
      const byMembers = await clerk.organizations.getOrganizationList({ orderBy: "-members_count" });
      assert.equal(byMembers.data[0].id, "org_1");
    });
  });

  describe("organizations.getOrganizationMembershipList with several user_id values", () => {
    it("lists exactly the members named, newest first, and sends every user_id", async () => {
      const clerk = clientFor(emulator);
      const list = await clerk.organizations.getOrganizationMembershipList({
        organizationId: "org_1",
        userId: ["user_a", "user_c"],
        limit: 100,
      });
      assert.deepEqual(
        list.data.map((m) => m.publicUserData?.userId),
        ["user_c", "user_a"],
      );
      assert.equal(list.totalCount, 2);
      assert.deepEqual(recorded(emulator), [
        {
          method: "GET",
          path: "/v1/organizations/org_1/memberships",
          query: { user_id: ["user_a", "user_c"], limit: ["100"] },
        },
      ]);
    });

    it("lists nothing for a user who exists but is not a member, in both readings", async () => {
      for (const reading of ["dropped-filter", "ignored-id"] as const) {
        const emu = await world(reading);
        try {
          const list = await clientFor(emu).organizations.getOrganizationMembershipList({
            organizationId: "org_2",
            userId: ["user_b"],
          });
          assert.equal(list.totalCount, 0, reading);
        } finally {
          await emu.stop();
        }
      }
    });
  });

  describe('unknown ids ("Any user IDs not found are ignored")', () => {
    it("dropped-filter (default): a filter of only unknown ids is dropped and every entity is listed", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.deleteUser("user_b");
      const members = await clerk.organizations.getOrganizationMembershipList({
        organizationId: "org_1",
        userId: ["user_b"],
        limit: 1,
      });
      assert.equal(members.totalCount, 2);
      assert.equal(members.data[0].publicUserData?.userId, "user_c");
      const users = await clerk.users.getUserList({ userId: ["user_gone"] });
      assert.equal(users.totalCount, 2);
      assert.equal(users.data.length, 2);
      const orgs = await clerk.organizations.getOrganizationList({ organizationId: ["org_gone"] });
      assert.equal(orgs.totalCount, 2);
    });

    it("dropped-filter: unknown ids beside known ones are ignored and the known ones still filter", async () => {
      const clerk = clientFor(emulator);
      const users = await clerk.users.getUserList({ userId: ["user_gone", "user_a"] });
      assert.deepEqual(
        users.data.map((u) => u.id),
        ["user_a"],
      );
      assert.equal(users.totalCount, 1);
    });

    it("dropped-filter: exclusions still apply when the include filter is dropped", async () => {
      const users = await clientFor(emulator).users.getUserList({ userId: ["user_gone", "-user_a"] });
      assert.deepEqual(
        users.data.map((u) => u.id),
        ["user_c", "user_b"],
      );
    });

    it("ignored-id: an unknown id matches nothing, so a filter of only unknown ids lists nothing", async () => {
      const emu = await world("ignored-id");
      try {
        const clerk = clientFor(emu);
        await clerk.users.deleteUser("user_b");
        const members = await clerk.organizations.getOrganizationMembershipList({
          organizationId: "org_1",
          userId: ["user_b"],
          limit: 1,
        });
        assert.equal(members.totalCount, 0);
        assert.deepEqual(members.data, []);
        const users = await clerk.users.getUserList({ userId: ["user_gone"] });
        assert.deepEqual(users, { data: [], totalCount: 0 });
        const orgs = await clerk.organizations.getOrganizationList({ organizationId: ["org_gone"] });
        assert.equal(orgs.totalCount, 0);
        const mixed = await clerk.users.getUserList({ userId: ["user_gone", "user_a"] });
        assert.deepEqual(
          mixed.data.map((u) => u.id),
          ["user_a"],
        );
      } finally {
        await emu.stop();
      }
    });
  });
});
