import assert from "node:assert/strict";
import { startEmulator, type Emulator, type UnknownIdFilter } from "../../emulator";
import { clientFor, raw } from "./helpers";

/** Users with emails, usernames and external ids; `alexis.b` partially contains `alexis`. */
function world(unknownIdFilter?: UnknownIdFilter): Promise<Emulator> {
  return startEmulator({
    unknownIdFilter,
    seed: {
      users: [
        { id: "user_a", email_address: "alexis@example.com", username: "alexis", external_id: "ext-1" },
        { id: "user_b", email_address: "alexis.b@example.com", username: "alexisb", external_id: "ext-2" },
        { id: "user_c", email_address: "sam@example.com" },
      ],
    },
  });
}

const ids = (users: { id: string }[]) => users.map((user) => user.id).sort();

describe("emulator: user attribute filters (GET /v1/users?email_address=…&username=…&external_id=…)", () => {
  let emulator: Emulator;
  afterEach(() => emulator.stop());

  describe("with the default reading (dropped-filter)", () => {
    beforeEach(async () => {
      emulator = await world();
    });

    it("matches email addresses without case and partially, as @clerk/backend documents", async () => {
      const clerk = clientFor(emulator);
      const exact = await clerk.users.getUserList({ emailAddress: ["SAM@example.com"] });
      assert.deepEqual(ids(exact.data), ["user_c"]);
      assert.equal(exact.totalCount, 1);
      const partial = await clerk.users.getUserList({ emailAddress: ["alexis"] });
      assert.deepEqual(ids(partial.data), ["user_a", "user_b"]);
      assert.equal(partial.totalCount, 2);
    });

    it("matches usernames partially and external ids exactly", async () => {
      const clerk = clientFor(emulator);
      assert.deepEqual(ids((await clerk.users.getUserList({ username: ["ALEXIS"] })).data), [
        "user_a",
        "user_b",
      ]);
      assert.deepEqual(ids((await clerk.users.getUserList({ externalId: ["ext-1"] })).data), ["user_a"]);
      assert.deepEqual(ids((await clerk.users.getUserList({ externalId: ["-ext-1"] })).data), [
        "user_b",
        "user_c",
      ]);
    });

    it("combines filters with AND, and with user_id", async () => {
      const clerk = clientFor(emulator);
      const both = await clerk.users.getUserList({ emailAddress: ["alexis"], externalId: ["ext-2"] });
      assert.deepEqual(ids(both.data), ["user_b"]);
      const withId = await clerk.users.getUserList({ emailAddress: ["alexis"], userId: ["user_a"] });
      assert.deepEqual(ids(withId.data), ["user_a"]);
    });

    it("drops a filter whose values match nobody ('Any email addresses not found are ignored')", async () => {
      const clerk = clientFor(emulator);
      const list = await clerk.users.getUserList({ emailAddress: ["nobody@example.com"] });
      assert.deepEqual(ids(list.data), ["user_a", "user_b", "user_c"]);
      assert.equal(list.totalCount, 3);
    });

    it("pages the filtered list and sends the filter in the query", async () => {
      const clerk = clientFor(emulator);
      const page = await clerk.users.getUserList({ emailAddress: ["alexis"], limit: 1 });
      assert.equal(page.data.length, 1);
      assert.equal(page.totalCount, 2);
      const queries = emulator.requests().map((r) => `${r.path} ${JSON.stringify(r.queryAll)}`);
      assert.ok(queries.includes('/v1/users {"email_address":["alexis"],"limit":["1"]}'), queries.join("\n"));
      assert.ok(queries.includes('/v1/users/count {"email_address":["alexis"]}'), queries.join("\n"));
    });

    it("refuses more than 100 values in one filter (422)", async () => {
      const query = Array.from({ length: 101 }, (_, i) => `username=u${i}`).join("&");
      const answer = await raw(emulator, "GET", `/v1/users?${query}`);
      assert.equal(answer.status, 422);
    });
  });

  describe("with the ignored-id reading", () => {
    beforeEach(async () => {
      emulator = await world("ignored-id");
    });

    it("lists nobody for values that match nobody", async () => {
      const clerk = clientFor(emulator);
      assert.deepEqual((await clerk.users.getUserList({ emailAddress: ["nobody@example.com"] })).data, []);
      assert.deepEqual((await clerk.users.getUserList({ externalId: ["ext-9"] })).data, []);
      assert.deepEqual(ids((await clerk.users.getUserList({ externalId: ["ext-9", "ext-2"] })).data), [
        "user_b",
      ]);
    });
  });
});
