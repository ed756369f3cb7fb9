import assert from "node:assert/strict";
import { startEmulator } from "../../../emulator";
import { callClerk, reportWait, retryDelay } from "../../../provider/clerk/call";
import { resolveSettings } from "../../../provider/clerk/settings";
import { kinds } from "../../../provider/core/kinds";
import type { AttemptFailure } from "../../../provider/core/errors";

function failure(status: number | undefined, retryAfter?: number): AttemptFailure {
  return { status, code: undefined, message: "m", longMessage: undefined, traceId: undefined, retryAfter };
}

describe("call", () => {
  describe("retryDelay", () => {
    it("waits Retry-After seconds for a 429", () => {
      assert.equal(retryDelay(failure(429, 3), 1), 3000);
      assert.equal(retryDelay(failure(429, 0), 4), 0);
      assert.equal(retryDelay(failure(429, 1.5), 1), 1500);
    });

    it("backs off for a 429 without Retry-After", () => {
      assert.equal(
        retryDelay(failure(429), 1, () => 1),
        200,
      );
    });

    it("backs off for 5xx and network errors, within 0 and the cap", () => {
      for (const status of [500, 502, 503, 504, undefined]) {
        for (let attempt = 1; attempt <= 12; attempt++) {
          const cap = Math.min(10_000, 200 * 2 ** (attempt - 1));
          assert.equal(
            retryDelay(failure(status), attempt, () => 0),
            0,
          );
          assert.equal(
            retryDelay(failure(status), attempt, () => 0.999999),
            cap,
          );
          const random = retryDelay(failure(status), attempt)!;
          assert.ok(random >= 0 && random <= cap, `${status} attempt ${attempt}: ${random}`);
        }
      }
    });

    it("grows the backoff with each attempt, up to 10 s", () => {
      const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelay(failure(503), attempt, () => 1));
      assert.deepEqual(delays, [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    });

    it("never retries 400, 401, 403, 404 or 422", () => {
      for (const status of [400, 401, 403, 404, 409, 422]) {
        assert.equal(retryDelay(failure(status), 1), undefined, String(status));
      }
    });
  });

  describe("reportWait", () => {
    it("names a list request by what it serves, never by its placeholder ids, and the wait and attempt", () => {
      const lines: string[] = [];
      reportWait(
        {
          operation: "read metadata",
          spec: kinds.user,
          ids: { userId: "\u2063batched\u2063" },
          progressLabel: "UserMetadata: one list request for 40 users",
          report: (line) => lines.push(line),
        },
        {
          status: undefined,
          code: undefined,
          message: "m",
          longMessage: undefined,
          traceId: undefined,
          retryAfter: undefined,
        },
        3,
        4200,
        6,
      );
      assert.deepEqual(lines, [
        "UserMetadata: one list request for 40 users: read metadata: no answer came; retrying in 5 s (attempt 4 of 6)",
      ]);
    });
  });

  describe("callClerk", () => {
    it("explains a rejected key once per key in a process: every later 401 is one short sentence naming the settings", async () => {
      const emulator = await startEmulator({
        seed: { users: [{ id: "user_a" }, { id: "user_b" }, { id: "user_c" }] },
      });
      try {
        const settings = resolveSettings({ secretKey: "sk_test_rejectedonce", apiUrl: emulator.url }, {});
        const messages: string[] = [];
        for (const userId of ["user_a", "user_b", "user_c"]) {
          await callClerk(
            settings,
            { operation: "read metadata", spec: kinds.user, ids: { userId } },
            (client) => client.users.getUser(userId),
            (answer) => answer,
          ).then(
            () => assert.fail("a rejected key must fail"),
            (error: Error) => messages.push(error.message),
          );
        }
        assert.equal(emulator.requests().length, 3);
        assert.equal(messages.filter((m) => m.includes("before revoking the old one")).length, 1);
        messages.forEach((message, i) => {
          assert.match(
            message,
            new RegExp(`^UserMetadata userId=user_${"abc"[i]}: read metadata failed with HTTP 401`),
          );
          assert.match(
            message,
            /Clerk did not accept the secret key: check `clerk:secretKey` or CLERK_SECRET_KEY\./,
          );
        });
        assert.ok(messages[1]!.length < messages[0]!.length - 250, messages.join("\n"));
      } finally {
        await emulator.stop();
      }
    });
  });
});
