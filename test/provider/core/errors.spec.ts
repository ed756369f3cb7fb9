import assert from "node:assert/strict";
import { clerkCallFailed, isNotFound, redact, type AttemptFailure } from "../../../provider/core/errors";
import { kinds } from "../../../provider/core/kinds";

const secretKey = "sk_test_abcdefghijklmnop1234";

function failure(overrides: Partial<AttemptFailure> = {}): AttemptFailure {
  return {
    status: 422,
    code: "form_param_invalid",
    message: "is invalid",
    longMessage: undefined,
    traceId: "trace_123",
    retryAfter: undefined,
    ...overrides,
  };
}

const membership = {
  operation: "update metadata",
  spec: kinds.organizationMembership,
  ids: { organizationId: "org_1", userId: "user_2" },
};
const user = { operation: "read", spec: kinds.user, ids: { userId: "user_9" } };

describe("errors", () => {
  describe("ClerkOperationError", () => {
    it("names the resource type, operation, ids, status, code, message, trace id and attempts", () => {
      const error = clerkCallFailed(membership, failure(), 3, secretKey);
      assert.equal(error.name, "ClerkOperationError");
      for (const part of [
        "OrganizationMembershipMetadata",
        "update metadata",
        "organizationId=org_1",
        "userId=user_2",
        "HTTP 422",
        "form_param_invalid",
        "is invalid",
        "trace_123",
        "3 attempts",
      ]) {
        assert.ok(error.message.includes(part), `${part} missing from: ${error.message}`);
      }
      assert.equal(error.status, 422);
      assert.equal(error.code, "form_param_invalid");
      assert.equal(error.traceId, "trace_123");
    });

    it("prefers Clerk's long message", () => {
      const error = clerkCallFailed(user, failure({ longMessage: "the long explanation" }), 1, secretKey);
      assert.match(error.message, /the long explanation/);
    });

    it("says when no HTTP answer came", () => {
      const error = clerkCallFailed(user, failure({ status: undefined, code: undefined }), 6, secretKey);
      assert.match(error.message, /no HTTP answer \(network error or timeout\)/);
      assert.match(error.message, /6 attempts/);
    });

    it("tells how to set the key on a 401, and how refresh and destroy use the recorded config after a rotation", () => {
      const error = clerkCallFailed(user, failure({ status: 401 }), 1, secretKey);
      assert.match(error.message, /clerk:secretKey/);
      assert.match(error.message, /CLERK_SECRET_KEY/);
      assert.match(
        error.message,
        /`pulumi refresh` and `pulumi destroy` use the stack config recorded in state/,
      );
      assert.match(error.message, /run `pulumi up` with the new key before revoking the old one/);
    });

    it("explains key rotation only for the first 401 of its cause, and names the settings to check in every one", () => {
      const seen = new Set<string>();
      const firstOfCause = (cause: string) => !seen.has(cause) && Boolean(seen.add(cause));
      const [first, second] = [1, 2].map(
        () => clerkCallFailed(user, failure({ status: 401 }), 1, secretKey, undefined, firstOfCause).message,
      );
      assert.match(first!, /before revoking the old one/);
      assert.doesNotMatch(second!, /revoking/);
      assert.match(
        second!,
        /Clerk did not accept the secret key: check `clerk:secretKey` or CLERK_SECRET_KEY\.$/,
      );
    });

    it("says which id was not found in a development instance on a 404 with an sk_test_ key", () => {
      const error = clerkCallFailed(user, failure({ status: 404, code: "resource_not_found" }), 1, secretKey);
      assert.match(error.message, /user user_9 was not found in this development instance/);
    });

    it("says production on a 404 with an sk_live_ key", () => {
      const error = clerkCallFailed(
        membership,
        failure({ status: 404, code: "resource_not_found" }),
        1,
        "sk_live_abcdefghijkl",
      );
      assert.match(
        error.message,
        /organization membership org_1\/user_2 was not found in this production instance/,
      );
    });

    it("never holds the secret key, even when Clerk's message quotes it", () => {
      const error = clerkCallFailed(
        user,
        failure({
          status: 401,
          message: `key ${secretKey} is invalid`,
          longMessage: `The key ${secretKey} was rejected`,
          code: `bad_${secretKey}`,
          traceId: `t-${secretKey}`,
        }),
        2,
        secretKey,
      );
      assert.ok(!error.message.includes(secretKey), error.message);
      assert.ok(!String(error.stack).includes(secretKey));
      assert.match(error.message, /\[redacted\]/);
    });
  });

  describe("isNotFound", () => {
    it("is true only for Clerk's own 404, carrying its resource_not_found code", () => {
      const notFound = failure({ status: 404, code: "resource_not_found" });
      assert.equal(isNotFound(clerkCallFailed(user, notFound, 1, secretKey)), true);
      assert.equal(isNotFound(clerkCallFailed(user, failure({ status: 500 }), 1, secretKey)), false);
      assert.equal(isNotFound({ status: 404 }), false);
    });

    it("recognizes the 404 of another copy of the package (a provider serialized by value, not an Error), and no look-alike", () => {
      // What another kind's provider copy hands over through a shared read: its own class, whose
      // instances are no `Error` of this copy (the case a refresh met through the real CLI).
      function OtherCopy(this: Record<string, unknown>) {
        this.name = "ClerkOperationError";
        this.message = "UserMetadata userId=user_9: read metadata failed with HTTP 404";
        this.status = 404;
        this.code = "resource_not_found";
        this.suspectApiUrl = false;
      }
      const foreign = new (OtherCopy as unknown as new () => object)();
      assert.equal(foreign instanceof Error, false);
      assert.equal(isNotFound(foreign), true);
      assert.equal(isNotFound({ ...foreign, suspectApiUrl: true }), false);
      assert.equal(isNotFound({ ...foreign, name: "SomethingElse" }), false);
      assert.equal(isNotFound({ status: 404, code: "resource_not_found" }), false);
    });

    it("never takes a 404 without Clerk's error body as gone, and says which URL to check", () => {
      for (const code of [undefined, "not_found", "Not Found"]) {
        const error = clerkCallFailed(
          user,
          failure({ status: 404, code }),
          1,
          secretKey,
          "https://proxy.example.com",
        );
        assert.equal(isNotFound(error), false, String(code));
        assert.match(error.message, /did not come from Clerk's Backend API/);
        assert.match(error.message, /https:\/\/proxy\.example\.com/);
        assert.doesNotMatch(error.message, /was not found in this/);
      }
    });
  });

  describe("redact", () => {
    it("replaces every occurrence of the key", () => {
      assert.equal(redact(`a ${secretKey} b ${secretKey}`, secretKey), "a [redacted] b [redacted]");
    });

    it("leaves text alone for a key shorter than 8 characters", () => {
      assert.equal(redact("abc abc", "abc"), "abc abc");
    });
  });
});
