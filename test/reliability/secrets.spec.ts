import assert from "node:assert/strict";
import type { Emulator, Fault } from "../../emulator";
import { configureFor } from "../support/hooks";
import {
  assertNoSecretsSeen,
  collectedMessages,
  create,
  idsOf,
  kindKeys,
  privateValue,
  providers,
  resourceId,
  scannedRejection,
  secretKey,
  startFleet,
  type Fleet,
  type KindKey,
} from "./helpers";

/**
 * Provokes every kind of failure with declarations full of private values, then scans every
 * error message these tests collected (this file's and, in a full run, every reliability file's).
 */
describe("reliability: no error message shows the secret key or a private value", function () {
  let emulator: Emulator;
  let fleet: Fleet;
  let next = 0;

  before(async () => {
    ({ emulator, fleet } = await startFleet(
      { users: 40, organizations: 40, memberships: 40 },
      { tag: "sc" },
    ));
  });
  beforeEach(async () => {
    await configureFor(emulator, {
      "clerk:maxRetries": "1",
      "clerk:maxRetryTimeMs": "2000",
      "clerk:requestTimeoutMs": "500",
      "clerk:rateLimit": "off",
    });
    emulator.clearFaults();
    emulator.reset();
  });
  after(() => emulator.stop());

  function secretDeclaration(kind: KindKey, tag: string) {
    return {
      ...idsOf(fleet, kind, next++),
      publicMetadata: { plan: "pro" },
      privateMetadata: {
        apiToken: privateValue(`sk_live_privateToken_${kind}_${tag}`),
        nested: { password: privateValue(`hunter2-${kind}-${tag}`) },
      },
    };
  }

  const faults: { name: string; fault: Fault }[] = [
    { name: "503", fault: { status: 503 } },
    { name: "a dropped connection", fault: { drop: true } },
    { name: "a timeout", fault: { latencyMs: 800, drop: true } },
    { name: "422", fault: { status: 422 } },
    { name: "403", fault: { status: 403 } },
    { name: "an HTML 200", fault: { status: 200, body: "<html>proxy</html>", contentType: "text/html" } },
  ];

  for (const kind of kindKeys) {
    for (const { name, fault } of faults) {
      it(`${kind}: ${name}`, async () => {
        emulator.inject(fault);
        await scannedRejection(create(kind, secretDeclaration(kind, name.replace(/\W/g, ""))));
      });
    }

    it(`${kind}: a wrong key that Clerk rejects`, async () => {
      await configureFor(emulator, {
        "clerk:secretKey": secretKey(`sk_test_wrong${kind}KeyThatMustNeverBePrinted00`),
        "clerk:rateLimit": "off",
      });
      await scannedRejection(create(kind, secretDeclaration(kind, "wrongkey")));
    });

    it(`${kind}: no key at all`, async () => {
      const saved = process.env.CLERK_SECRET_KEY;
      delete process.env.CLERK_SECRET_KEY;
      try {
        // Refused when the provider is configured (so at preview), before any hook sends a request.
        const { error } = await scannedRejection(
          (async () => {
            await configureFor(emulator, { "clerk:secretKey": "", "clerk:rateLimit": "off" });
            return create(kind, secretDeclaration(kind, "nokey"));
          })(),
        );
        assert.match(error.message, /clerk:secretKey/);
      } finally {
        if (saved !== undefined) process.env.CLERK_SECRET_KEY = saved;
      }
    });

    it(`${kind}: Clerk refuses a write that would pass 8 KB together with the app's keys`, async () => {
      const declaration = secretDeclaration(kind, "toolarge");
      await create(kind, { ...declaration, publicMetadata: { filler: "f".repeat(6000) } });
      emulator.reset();
      const { error } = await scannedRejection(
        create(kind, { ...declaration, publicMetadata: { more: privateValue(`p${"v".repeat(4000)}`) } }),
      );
      assert.match(error.message, /HTTP 422/);
      assert.equal(emulator.requests().length, 1);
    });

    it(`${kind}: a read of an id that does not fit`, async () => {
      await scannedRejection(
        providers[kind].read!(resourceId(kind, { userId: "nope", organizationId: "nope" })),
      );
    });
  }

  describe("the scan", () => {
    it("no collected message holds the secret key, a wrong key or a private value", () => {
      assert.ok(collectedMessages() >= 30, `only ${collectedMessages()} messages`);
      assertNoSecretsSeen();
    });
  });
});
