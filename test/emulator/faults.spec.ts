import assert from "node:assert/strict";
import { ClerkAPIResponseError } from "@clerk/backend/errors";
import { startEmulator, type Emulator } from "../../emulator";
import { rejection } from "../support/rejection";
import { clientFor, raw } from "./helpers";

function clerkError(error: unknown): ClerkAPIResponseError {
  assert.ok(error instanceof ClerkAPIResponseError, `expected ClerkAPIResponseError, got ${String(error)}`);
  return error;
}

describe("emulator faults, rate limit and request log", () => {
  let emulator: Emulator;
  let userId: string;
  before(async () => {
    emulator = await startEmulator({
      randomSeed: 42,
      seed: { users: [{ id: "user_seeded", first_name: "Seed", public_metadata: { n: 1 } }] },
    });
    userId = "user_seeded";
  });
  afterEach(() => {
    emulator.clearFaults();
    emulator.setRateLimit(false);
    emulator.reset();
  });
  after(() => emulator.stop());

  describe("inject", () => {
    it("answers the next `count` matching requests with the fault status, then serves normally", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 503, count: 2, method: "GET", path: `/users/${userId}` });
      for (let i = 0; i < 2; i++) {
        const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
        assert.equal(error.status, 503);
        assert.ok(error.clerkTraceId);
      }
      assert.equal((await clerk.users.getUser(userId)).id, userId);
      assert.deepEqual(
        emulator.requests().map((r) => [r.status, r.faulted ?? false]),
        [
          [503, true],
          [503, true],
          [200, false],
        ],
      );
    });

    it("does not apply to requests that do not match its method and path filters", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 500, method: "PATCH", path: /\/metadata$/ });
      assert.equal((await clerk.users.getUser(userId)).id, userId);
      const error = clerkError(
        (await rejection(clerk.users.updateUserMetadata(userId, { publicMetadata: { n: 2 } }))).error,
      );
      assert.equal(error.status, 500);
    });

    it("changes no stored data when a write is faulted", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 500, count: 1 });
      await rejection(clerk.users.updateUserMetadata(userId, { publicMetadata: { n: 99 } }));
      assert.deepEqual(emulator.data.getUser(userId)?.public_metadata, { n: 1 });
    });

    it("applies a `fraction` fault deterministically for a given randomSeed", async () => {
      const run = async (): Promise<number[]> => {
        const emu = await startEmulator({ randomSeed: 7, seed: { users: [{ id: "user_a" }] } });
        try {
          emu.inject({ status: 500, fraction: 0.5 });
          const clerk = clientFor(emu);
          const statuses: number[] = [];
          for (let i = 0; i < 20; i++) {
            statuses.push(
              await clerk.users.getUser("user_a").then(
                () => 200,
                (e: ClerkAPIResponseError) => e.status,
              ),
            );
          }
          return statuses;
        } finally {
          await emu.stop();
        }
      };
      const first = await run();
      assert.deepEqual(await run(), first);
      assert.ok(first.includes(200) && first.includes(500), `expected a mix, got ${first.join(",")}`);
    });

    it("delays a request by latencyMs and then serves it normally", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ latencyMs: 150, count: 1 });
      const started = Date.now();
      const user = await clerk.users.getUser(userId);
      assert.ok(Date.now() - started >= 140);
      assert.equal(user.id, userId);
      assert.equal(emulator.requests()[0].status, 200);
    });

    it("drops the connection so the SDK throws ClerkAPIResponseError with status undefined", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ drop: true, count: 1 });
      const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
      assert.equal(error.status, undefined);
      assert.equal(error.errors[0]?.code, "unexpected_error");
      assert.deepEqual(emulator.requests()[0], {
        method: "GET",
        path: `/v1/users/${userId}`,
        query: {},
        queryAll: {},
        body: undefined,
        status: 0,
        faulted: true,
      });
      assert.equal((await clerk.users.getUser(userId)).id, userId);
    });

    it("answers with a raw HTML body that the SDK surfaces as an error without Clerk codes", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 502, body: "<html><body>Bad Gateway</body></html>", count: 1 });
      const res = await raw(emulator, "GET", `/v1/users/${userId}`);
      assert.equal(res.status, 502);
      assert.equal(res.headers.get("content-type"), "text/html");
      assert.match(res.text, /Bad Gateway/);
      emulator.inject({ status: 502, body: "<html>Bad Gateway</html>", count: 1 });
      const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
      assert.equal(error.status, 502);
      assert.deepEqual(error.errors, []);
    });

    it("can answer 200 with a body the SDK cannot deserialize", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 200, body: '{"id": "user_tr', contentType: "application/json", count: 1 });
      const { error } = await rejection(clerk.users.getUser(userId));
      assert.ok(error instanceof ClerkAPIResponseError);
      assert.equal(error.status, undefined);
    });

    it("sends Retry-After when the fault has retryAfter", async () => {
      const clerk = clientFor(emulator);
      emulator.inject({ status: 429, retryAfter: 7, count: 1 });
      const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
      assert.equal(error.status, 429);
      assert.equal(error.retryAfter, 7);
    });
  });

  describe("rate limit", () => {
    it("answers 429 too_many_requests with Retry-After once the window is full", async () => {
      const clerk = clientFor(emulator);
      emulator.setRateLimit({ requests: 3, windowMs: 2500 });
      for (let i = 0; i < 3; i++) await clerk.users.getUser(userId);
      const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
      assert.equal(error.status, 429);
      assert.equal(error.errors[0]?.code, "too_many_requests");
      assert.equal(error.retryAfter, 3);
    });

    it("frees a slot once the oldest request leaves the sliding window", async () => {
      const clerk = clientFor(emulator);
      emulator.setRateLimit({ requests: 1, windowMs: 200 });
      await clerk.users.getUser(userId);
      const error = clerkError((await rejection(clerk.users.getUser(userId))).error);
      assert.equal(error.retryAfter, 1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal((await clerk.users.getUser(userId)).id, userId);
    });

    it("is off by default", async () => {
      const emu = await startEmulator();
      try {
        const results = await Promise.all(
          Array.from({ length: 150 }, () => raw(emu, "GET", "/v1/users/user_none")),
        );
        assert.ok(results.every((r) => r.status === 404));
      } finally {
        await emu.stop();
      }
    });
  });

  describe("requests and counters", () => {
    it("records every request in order with method, full path, query (every value of a repeated one too), parsed body and status", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.updateUserMetadata(userId, { publicMetadata: { n: 1 } });
      await rejection(clerk.users.getUser("user_missing"));
      await raw(emulator, "GET", "/v1/organizations/org_x/memberships?user_id=a&user_id=b&limit=1");
      assert.deepEqual(emulator.requests(), [
        {
          method: "PATCH",
          path: `/v1/users/${userId}/metadata`,
          query: {},
          queryAll: {},
          body: { public_metadata: { n: 1 } },
          status: 200,
        },
        {
          method: "GET",
          path: "/v1/users/user_missing",
          query: {},
          queryAll: {},
          body: undefined,
          status: 404,
        },
        {
          method: "GET",
          path: "/v1/organizations/org_x/memberships",
          query: { user_id: "b", limit: "1" },
          queryAll: { user_id: ["a", "b"], limit: ["1"] },
          body: undefined,
          status: 404,
        },
      ]);
      assert.deepEqual(emulator.counters(), {
        total: 3,
        byStatus: { 200: 1, 404: 2 },
        byMethod: { PATCH: 1, GET: 2 },
      });
    });

    it("returns a copy that callers cannot change, and reset clears log and counters but not data", async () => {
      const clerk = clientFor(emulator);
      await clerk.users.getUser(userId);
      emulator.requests().pop();
      assert.equal(emulator.requests().length, 1);
      emulator.reset();
      assert.deepEqual(emulator.requests(), []);
      assert.deepEqual(emulator.counters(), { total: 0, byStatus: {}, byMethod: {} });
      assert.ok(emulator.data.getUser(userId));
    });
  });

  describe("robustness", () => {
    it("survives malformed requests and keeps its data", async () => {
      const bad: Array<[string, string, string | undefined]> = [
        ["PATCH", `/v1/users/${userId}/metadata`, "not json"],
        ["PATCH", `/v1/users/${userId}/metadata`, "[1,2]"],
        ["PATCH", `/v1/users/${userId}/metadata`, "null"],
        ["PUT", `/v1/users/${userId}/metadata`, '{"public_metadata": 5}'],
        ["POST", "/v1/organizations", '{"name": 5}'],
        ["POST", "/v1/organizations", "{}"],
        ["POST", "/v1/organizations/org_x/memberships", '{"user_id": {}}'],
        ["GET", "/v1/organizations/org_x/memberships?limit=abc", undefined],
        ["GET", "/v1/users/%E0%A4%A", undefined],
        ["DELETE", "/v1/users", undefined],
        ["POST", "/v1/users", '{"email_address": [1]}'],
        ["GET", "/", undefined],
      ];
      for (const [method, path, body] of bad) {
        const res = await raw(emulator, method, path, body);
        assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} → ${res.status}`);
        assert.ok(Array.isArray((res.json() as { errors: unknown[] }).errors));
      }
      assert.deepEqual(emulator.data.getUser(userId)?.public_metadata, { n: 1 });
      assert.equal((await clientFor(emulator).users.getUser(userId)).id, userId);
    });

    it("returns deep copies from data helpers", () => {
      const user = emulator.data.getUser(userId);
      assert.ok(user);
      user.public_metadata.n = 42;
      assert.deepEqual(emulator.data.getUser(userId)?.public_metadata, { n: 1 });
    });
  });
});
