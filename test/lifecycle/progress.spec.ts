/**
 * Progress while a call waits to retry: a run that sits behind Clerk's rate limit or a failing
 * Clerk is not silent. The provider host writes the line to its stderr, which the engine shows as
 * an info message (sdk/go/common/resource/plugin/plugin.go, `newPlugin`'s `runtrace`, v3.248.0).
 */
import * as assert from "node:assert/strict";
import * as clerk from "../../provider";
import { assertOk, World } from "./helpers";

describe("lifecycle: progress while waiting to retry", () => {
  const world = new World(() => ({ users: [{ id: "user_wait" }, { id: "user_fast" }] }));
  before(() => world.start());
  after(() => world.stop());

  it("shows in the CLI's output that a write waits for Clerk's Retry-After, naming the resource, status, wait and attempt, and nothing for a short wait", async () => {
    const stack = await world.stack();
    world.emulator.inject({
      method: "PATCH",
      path: "/v1/users/user_wait/metadata",
      status: 429,
      retryAfter: 3,
      count: 1,
    });
    world.emulator.inject({ method: "PATCH", path: "/v1/users/user_fast/metadata", status: 503, count: 1 });
    const up = assertOk(
      await stack.up(
        () => {
          new clerk.UserMetadata("wait", { userId: "user_wait", privateMetadata: { plan: "secret-plan" } });
          new clerk.UserMetadata("fast", { userId: "user_fast", publicMetadata: { plan: "pro" } });
        },
        { skipPreview: true },
      ),
    );
    const output = up.stdout + up.stderr;
    assert.match(
      output,
      /UserMetadata userId=user_wait: create \(set owned keys\): Clerk answered HTTP 429; retrying in 3 s \(attempt 2 of 6\)/,
    );
    // The 503's backoff is well under 3 s: not worth a line.
    assert.doesNotMatch(output, /user_fast: .*retrying/);
    assert.equal(output.includes("secret-plan"), false);
    assert.equal(
      world.emulator.requests().filter((r) => r.path === "/v1/users/user_wait/metadata").length,
      2,
    );
  });
});
