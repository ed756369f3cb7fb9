import assert from "node:assert/strict";
import { startEmulator, type Emulator, type SeedData } from "../../../emulator";
import { userMetadataProvider } from "../../../provider";
import { metadataApis } from "../../../provider/clerk/metadataApis";
import { maxIdsPerList } from "../../../provider/clerk/readBatcher";
import { resolveSettings, type ClerkSettings } from "../../../provider/clerk/settings";
import { isNotFound, UnexpectedAnswerError } from "../../../provider/core/errors";
import type { EntityIds, KindName } from "../../../provider/core/kinds";
import { settleReads } from "../../support/reads";
import { sortedRequestLines } from "../../support/wire";
import { configureFor } from "../harness";

const users = ["user_ada", "user_bo", "user_cy", "user_di", "user_ed"];

function seed(): SeedData {
  return {
    users: [
      ...users.map((id, i) => ({
        id,
        first_name: id,
        public_metadata: { n: i, who: id },
        private_metadata: { secret: `s-${id}` },
        unsafe_metadata: { theme: i % 2 ? "dark" : "light" },
      })),
      { id: "user_outsider", first_name: "Outsider", public_metadata: { who: "user_outsider" } },
    ],
    organizations: [
      { id: "org_a", name: "A", created_by: "user_ada", private_metadata: { crm: "crm_a" } },
      { id: "org_b", name: "B", created_by: "user_bo", public_metadata: { plan: "b" } },
      { id: "org_c", name: "C", created_by: "user_cy", private_metadata: { crm: "crm_c" } },
    ],
    memberships: [
      { organization_id: "org_a", user_id: "user_bo", private_metadata: { seat: "a-bo" } },
      { organization_id: "org_a", user_id: "user_cy", public_metadata: { role: "a-cy" } },
      { organization_id: "org_b", user_id: "user_ada", private_metadata: { seat: "b-ada" } },
      { organization_id: "org_b", user_id: "user_di", private_metadata: { seat: "b-di" } },
    ],
  };
}

/** Reads every entity at once through the kind's API, each settling to its metadata or its error. */
function readAll(settings: ClerkSettings, reads: [KindName, EntityIds][]) {
  return settleReads(reads.map(([kind, ids]) => metadataApis[kind].read(settings, ids, "read metadata")));
}

describe("coalesced reads (readBatcher)", () => {
  for (const reading of ["dropped-filter", "ignored-id"] as const) {
    describe(`against an emulator whose unknown filter ids are read as ${reading}`, () => {
      let emulator: Emulator;
      let settings: ClerkSettings;
      beforeEach(async () => {
        emulator = await startEmulator({ seed: seed(), unknownIdFilter: reading });
        settings = resolveSettings(
          { secretKey: emulator.secretKey, apiUrl: emulator.url, maxRetryTimeMs: "5000" },
          {},
        );
      });
      afterEach(() => emulator.stop());

      it("shares one list request among users read together, each read getting exactly its own metadata, private and unsafe included", async () => {
        const results = await readAll(
          settings,
          users.map((userId) => ["user", { userId }]),
        );
        assert.deepEqual(sortedRequestLines(emulator.requests()), [
          `GET /v1/users?user_id=${users.join("&user_id=")}&limit=5`,
        ]);
        results.forEach((result, i) => {
          assert.ok(result.ok);
          assert.deepEqual(result.metadata, {
            publicMetadata: { n: i, who: users[i] },
            privateMetadata: { secret: `s-${users[i]}` },
            unsafeMetadata: { theme: i % 2 ? "dark" : "light" },
          });
        });
      });

      it("sends one request per kind and per organization when users, organizations and memberships are read together", async () => {
        const results = await readAll(settings, [
          ["user", { userId: "user_ada" }],
          ["organization", { organizationId: "org_a" }],
          ["organizationMembership", { organizationId: "org_a", userId: "user_bo" }],
          ["user", { userId: "user_bo" }],
          ["organization", { organizationId: "org_b" }],
          ["organizationMembership", { organizationId: "org_b", userId: "user_ada" }],
          ["user", { userId: "user_cy" }],
          ["organizationMembership", { organizationId: "org_a", userId: "user_cy" }],
          ["organizationMembership", { organizationId: "org_b", userId: "user_di" }],
        ]);
        assert.deepEqual(sortedRequestLines(emulator.requests()), [
          "GET /v1/organizations/org_a/memberships?user_id=user_bo&user_id=user_cy&limit=2",
          "GET /v1/organizations/org_b/memberships?user_id=user_ada&user_id=user_di&limit=2",
          "GET /v1/organizations?organization_id=org_a&organization_id=org_b&limit=2",
          "GET /v1/users?user_id=user_ada&user_id=user_bo&user_id=user_cy&limit=3",
        ]);
        const metadata = results.map((r) => (r.ok ? r.metadata : r.error));
        assert.deepEqual(metadata[1], { publicMetadata: {}, privateMetadata: { crm: "crm_a" } });
        assert.deepEqual(metadata[2], { publicMetadata: {}, privateMetadata: { seat: "a-bo" } });
        assert.deepEqual(metadata[4], { publicMetadata: { plan: "b" }, privateMetadata: {} });
        assert.deepEqual(metadata[5], { publicMetadata: {}, privateMetadata: { seat: "b-ada" } });
        assert.deepEqual(metadata[7], { publicMetadata: { role: "a-cy" }, privateMetadata: {} });
        assert.deepEqual(metadata[8], { publicMetadata: {}, privateMetadata: { seat: "b-di" } });
      });

      it("reads an entity absent from a filtered answer as gone, without another request", async () => {
        const client = emulator.data;
        assert.ok(client.getUser("user_ed"));
        await emulatorDelete(emulator, "/v1/users/user_ed");
        emulator.reset();
        const results = await readAll(settings, [
          ["user", { userId: "user_ada" }],
          ["user", { userId: "user_bo" }],
          ["user", { userId: "user_ed" }],
          ["organizationMembership", { organizationId: "org_a", userId: "user_bo" }],
          // user_di exists but is no member of org_a: the membership is gone, the user is not.
          ["organizationMembership", { organizationId: "org_a", userId: "user_di" }],
        ]);
        assert.ok(results[0].ok && results[1].ok && results[3].ok);
        assert.ok(!results[2].ok && isNotFound(results[2].error));
        assert.ok(!results[4].ok && isNotFound(results[4].error));
        assert.match(String((results[4].error as Error).message), /organizationId=org_a userId=user_di/);
        assert.equal(emulator.requests().length, 2);
      });

      it("falls back to each entity's own GET when no asked-for id is known, and reads them as gone only then", async () => {
        for (const id of ["user_cy", "user_di", "user_ed"]) await emulatorDelete(emulator, `/v1/users/${id}`);
        await emulatorDelete(emulator, "/v1/organizations/org_c");
        emulator.reset();
        const results = await readAll(settings, [
          ["user", { userId: "user_cy" }],
          ["user", { userId: "user_di" }],
          ["user", { userId: "user_ed" }],
          ["organization", { organizationId: "org_c" }],
          ["organization", { organizationId: "org_zz" }],
          // Both users left org_b when they were deleted.
          ["organizationMembership", { organizationId: "org_b", userId: "user_di" }],
          ["organizationMembership", { organizationId: "org_b", userId: "user_ed" }],
        ]);
        for (const result of results) assert.ok(!result.ok && isNotFound(result.error), String(result));
        const got = sortedRequestLines(emulator.requests());
        const ownGets = got.filter((l) => /^GET \/v1\/(users|organizations)\/[a-z_]+$/.test(l));
        if (reading === "dropped-filter") {
          // The lists came back holding other entities: only their own GETs could tell.
          assert.ok(ownGets.includes("GET /v1/users/user_cy"), got.join("\n"));
          assert.ok(ownGets.includes("GET /v1/organizations/org_c"), got.join("\n"));
          assert.ok(ownGets.includes("GET /v1/users/user_ed"), got.join("\n"));
        } else {
          assert.deepEqual(ownGets, [], got.join("\n"));
        }
      });
    });
  }

  describe("failures and answers that are not Clerk's", () => {
    let emulator: Emulator;
    let settings: ClerkSettings;
    before(async () => {
      emulator = await startEmulator({ seed: seed() });
    });
    beforeEach(() => {
      emulator.clearFaults();
      emulator.reset();
      settings = resolveSettings(
        { secretKey: emulator.secretKey, apiUrl: emulator.url, maxRetries: "2", maxRetryTimeMs: "5000" },
        {},
      );
    });
    after(() => emulator.stop());

    const orgs: [KindName, EntityIds][] = [
      ["organization", { organizationId: "org_a" }],
      ["organization", { organizationId: "org_b" }],
      ["organization", { organizationId: "org_c" }],
    ];

    it("retries a failed list request like any call, and every read then gets its own entity", async () => {
      emulator.inject({ method: "GET", path: "/v1/organizations", status: 503, count: 1 });
      const results = await readAll(settings, orgs);
      assert.deepEqual(
        results.map((r) => r.ok && r.metadata.privateMetadata),
        [{ crm: "crm_a" }, {}, { crm: "crm_c" }],
      );
      assert.deepEqual(
        emulator.requests().map((r) => `${r.path} ${r.status}`),
        ["/v1/organizations 503", "/v1/organizations 200"],
      );
    });

    it("fails every read of a list request that keeps failing with an error naming its own entity, operation, status and trace id", async () => {
      emulator.inject({ method: "GET", path: "/v1/organizations", status: 500 });
      const results = await readAll(settings, orgs);
      results.forEach((result, i) => {
        assert.ok(!result.ok);
        const message = (result.error as Error).message;
        const own = orgs[i][1].organizationId!;
        assert.match(
          message,
          new RegExp(`^OrganizationMetadata organizationId=${own}: read metadata failed with HTTP 500`),
        );
        assert.match(message, /Clerk trace id \S+/);
        assert.match(message, /after 3 attempts/);
        assert.match(message, /one list request for 3 organizations/);
        for (const [, other] of orgs)
          if (other.organizationId !== own) assert.doesNotMatch(message, new RegExp(other.organizationId!));
        assert.equal((result.error as { status?: number }).status, 500);
      });
      assert.equal(emulator.requests().length, 3);
    });

    it("fails only the read a malformed entry concerns, and never gives one entity another's data", async () => {
      const org = (id: string, extra: object) => ({
        object: "organization",
        id,
        name: id,
        slug: id,
        has_image: false,
        max_allowed_memberships: 5,
        admin_delete_enabled: true,
        created_at: 1,
        updated_at: 1,
        public_metadata: {},
        ...extra,
      });
      emulator.inject({
        method: "GET",
        path: "/v1/organizations",
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({
          data: [
            org("org_a", { private_metadata: "not an object" }),
            org("org_b", { private_metadata: { mine: "b" } }),
            org("org_b", { private_metadata: { mine: "b, again" } }),
            org("org_c", { private_metadata: { mine: "c" } }),
          ],
          total_count: 4,
        }),
        count: 1,
      });
      const results = await readAll(settings, orgs);
      assert.ok(!results[0].ok && results[0].error instanceof UnexpectedAnswerError);
      assert.match(
        (results[0].error as Error).message,
        /organizationId=org_a: read metadata: .*privateMetadata is not an object/,
      );
      assert.ok(!results[1].ok && results[1].error instanceof UnexpectedAnswerError);
      assert.match((results[1].error as Error).message, /organizationId=org_b: .*org_b more than once/);
      assert.ok(results[2].ok);
      assert.deepEqual(results[2].metadata, { publicMetadata: {}, privateMetadata: { mine: "c" } });
    });

    it("fails every read with an unexpected answer when the list answer is no list at all", async () => {
      emulator.inject({
        method: "GET",
        path: "/v1/organizations",
        status: 200,
        contentType: "application/json",
        body: "{}",
        count: 1,
      });
      const results = await readAll(settings, orgs);
      for (const [i, result] of results.entries()) {
        assert.ok(!result.ok && result.error instanceof UnexpectedAnswerError);
        assert.match(
          (result.error as Error).message,
          new RegExp(`organizationId=${orgs[i][1].organizationId}: read metadata: .*without \`data\``),
        );
      }
    });

    it("fails every user read with an unexpected answer when the user list answer is no array", async () => {
      emulator.inject({
        method: "GET",
        path: "/v1/users",
        status: 200,
        contentType: "application/json",
        body: "{}",
        count: 1,
      });
      const results = await readAll(
        settings,
        users.map((userId) => ["user", { userId }]),
      );
      for (const [i, result] of results.entries()) {
        assert.ok(!result.ok && result.error instanceof UnexpectedAnswerError);
        assert.match(
          (result.error as Error).message,
          new RegExp(`userId=${users[i]}: read metadata: .*a user list that is no array`),
        );
      }
      assert.deepEqual(sortedRequestLines(emulator.requests()), [
        `GET /v1/users?user_id=${users.join("&user_id=")}&limit=${users.length}`,
      ]);
    });

    it("reads an entity with its own GET when the list left out one of its metadata fields", async () => {
      const answer = await fetch(
        `${emulator.url}/v1/organizations?organization_id=org_a&organization_id=org_c`,
        {
          headers: { authorization: `Bearer ${emulator.secretKey}` },
        },
      ).then((r) => r.json() as Promise<{ data: Record<string, unknown>[] }>);
      delete answer.data.find((o) => o.id === "org_c")!.private_metadata;
      emulator.reset();
      emulator.inject({
        method: "GET",
        path: "/v1/organizations",
        status: 200,
        contentType: "application/json",
        body: JSON.stringify(answer),
        count: 1,
      });
      const results = await readAll(settings, [orgs[0], orgs[2]]);
      assert.deepEqual(
        results.map((r) => r.ok && r.metadata.privateMetadata),
        [{ crm: "crm_a" }, { crm: "crm_c" }],
      );
      assert.deepEqual(
        emulator.requests().map((r) => r.path),
        ["/v1/organizations", "/v1/organizations/org_c"],
      );
    });
  });

  describe("batch size and latency", () => {
    let emulator: Emulator;
    const many = Array.from({ length: 130 }, (_, i) => `user_m${String(i).padStart(3, "0")}`);
    before(async () => {
      emulator = await startEmulator({
        seed: { users: many.map((id) => ({ id, first_name: "M", private_metadata: { id } })) },
      });
    });
    beforeEach(() => emulator.reset());
    after(() => emulator.stop());

    const settingsFor = (extra: Record<string, string> = {}) =>
      resolveSettings({ secretKey: emulator.secretKey, apiUrl: emulator.url, ...extra }, {});

    it(`puts at most ${maxIdsPerList} ids in one list request`, async () => {
      const results = await readAll(
        settingsFor(),
        many.map((userId) => ["user", { userId }]),
      );
      results.forEach((r, i) => assert.ok(r.ok && r.metadata.privateMetadata?.id === many[i]));
      const lists = emulator.requests().filter((r) => r.path === "/v1/users");
      assert.deepEqual(
        lists.map((r) => r.queryAll.user_id.length).sort((a, b) => a - b),
        [30, 100],
      );
    });

    it("reads a lone user with its own GET", async () => {
      for (let i = 0; i < 3; i++) {
        await metadataApis.user.read(settingsFor(), { userId: many[i] }, "read metadata");
      }
      assert.deepEqual(
        emulator.requests().map((r) => r.path),
        many.slice(0, 3).map((id) => `/v1/users/${id}`),
      );
    });

    it("sends one GET per read when batchReads is off", async () => {
      await readAll(
        settingsFor({ batchReads: "off" }),
        many.slice(0, 4).map((userId) => ["user", { userId }]),
      );
      assert.deepEqual(
        emulator
          .requests()
          .map((r) => r.path)
          .sort(),
        many.slice(0, 4).map((id) => `/v1/users/${id}`),
      );
    });

    it("answers the read hook of resources refreshed together from one list request, dropping a gone user from state", async () => {
      await configureFor(emulator);
      const answers = await Promise.all(
        [...many.slice(0, 4), "user_gone"].map((userId) =>
          userMetadataProvider.read!(userId, {
            userId,
            ownership: { privateMetadata: { id: "set" } },
            privateMetadata: { id: "old" },
          } as never),
        ),
      );
      assert.deepEqual(
        answers.map((a) => [a.id, (a.props as { privateMetadata?: unknown } | undefined)?.privateMetadata]),
        [...many.slice(0, 4).map((id) => [id, { id }]), ["", undefined]],
      );
      assert.deepEqual(
        emulator
          .requests()
          .map((r) => r.path)
          .sort(),
        ["/v1/users"],
      );
    });
  });
});

/** Deletes through the emulator's own API, as the dashboard would, outside the provider. */
async function emulatorDelete(emulator: Emulator, path: string): Promise<void> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${emulator.secretKey}` },
  });
  assert.equal(response.status, 200, `${path}: ${await response.text()}`);
}
