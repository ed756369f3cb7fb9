import assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import type { MetadataOutputs } from "../../provider";
import { configureFor } from "../support/hooks";
import {
  assertNoSecretsSeen,
  create,
  idsOf,
  kindKeys,
  metadataPath,
  privateValue,
  remove,
  requestsTo,
  resourceTypes,
  scannedRejection,
  secretKey,
  seeded,
  sleep,
  startFleet,
  stored,
  update,
  type Fleet,
  type Ids,
  type KindKey,
} from "./helpers";

const bounds = {
  "clerk:maxRetries": "2",
  "clerk:maxRetryTimeMs": "3000",
  "clerk:requestTimeoutMs": "1000",
  "clerk:rateLimit": "off",
};
/** Slack on top of a time bound: scheduling, the local round trips and one last backoff rounding. */
const slackMs = 400;

function declaration(kind: KindKey, ids: Ids, plan: string) {
  return {
    ...ids,
    publicMetadata: { plan, limits: { seats: plan.length } },
    privateMetadata: { token: privateValue(`failures-${kind}-${plan}-token`) },
  };
}

/** Asserts that `message` names the operation, the resource type and every id. */
function assertNames(message: string, kind: KindKey, ids: Ids, operation: string) {
  assert.ok(message.includes(resourceTypes[kind]), message);
  assert.match(message, new RegExp(`\\b${operation}\\b`), message);
  for (const id of Object.values(ids)) assert.ok(message.includes(id!), `${id} missing: ${message}`);
}

describe("reliability: failures that never stop, and failures that must not be retried", function () {
  let emulator: Emulator;
  let fleet: Fleet;
  let next = 0;
  /** A fresh entity of each kind per test, so tests never see each other's keys. */
  const fresh = (kind: KindKey) => idsOf(fleet, kind, next++);

  before(async () => {
    ({ emulator, fleet } = await startFleet({ users: 120, organizations: 120, memberships: 120 }));
  });
  beforeEach(async () => {
    await configureFor(emulator, bounds);
    emulator.clearFaults();
    emulator.reset();
  });
  after(() => emulator.stop());

  describe("faults that never stop fail within the bounds, change nothing, and heal", () => {
    const faults = [
      { name: "503", fault: { status: 503 } },
      { name: "dropped connections", fault: { drop: true } },
    ];
    for (const kind of kindKeys) {
      for (const { name, fault } of faults) {
        for (const operation of ["create", "update", "delete"] as const) {
          it(`${kind} ${operation} with ${name}: 3 attempts, a full error, then success after clearFaults`, async () => {
            const ids = fresh(kind);
            let olds: MetadataOutputs | undefined;
            if (operation !== "create") olds = await create(kind, declaration(kind, ids, "before"));
            const before = stored(emulator, kind, ids);
            emulator.reset();
            emulator.inject(fault);
            const attempt = () =>
              operation === "create"
                ? create(kind, declaration(kind, ids, "after"))
                : operation === "update"
                  ? update(kind, ids, olds!, declaration(kind, ids, "after"))
                  : remove(kind, ids, olds!);

            const { error, elapsed } = await scannedRejection(attempt());
            assert.ok(elapsed < 3000 + slackMs, `took ${elapsed} ms`);
            const sent = requestsTo(emulator, metadataPath(kind, ids));
            assert.equal(sent.length, 3, "maxRetries 2 means 3 attempts");
            assert.ok(sent.every((r) => r.faulted && r.method === "PATCH"));
            assert.ok(sent.every((r) => JSON.stringify(r.body) === JSON.stringify(sent[0].body)));
            assertNames(error.message, kind, ids, operation);
            assert.match(error.message, /after 3 attempts/);
            if (fault.status) {
              assert.match(error.message, /HTTP 503/);
              assert.match(error.message, /service_unavailable/);
              const traceId = (error as { traceId?: string }).traceId;
              assert.ok(traceId, "the error carries Clerk's trace id");
              assert.ok(error.message.includes(`Clerk trace id ${traceId}`), error.message);
            } else {
              assert.match(error.message, /no HTTP answer \(network error or timeout\)/);
            }
            assert.deepEqual(stored(emulator, kind, ids), before, "a failed call changes nothing");

            emulator.clearFaults();
            await attempt();
            const after = stored(emulator, kind, ids)!;
            if (operation === "delete") {
              assert.deepEqual(after.public_metadata, seeded(kind, ids).public_metadata);
              assert.deepEqual(after.private_metadata, seeded(kind, ids).private_metadata);
            } else {
              assert.equal((after.public_metadata as { plan?: string }).plan, "after");
            }
          });
        }
      }
    }

    it("gives up at maxRetryTimeMs when retries are plentiful (503 forever)", async () => {
      await configureFor(emulator, { ...bounds, "clerk:maxRetries": "100", "clerk:maxRetryTimeMs": "1500" });
      const ids = fresh("user");
      emulator.inject({ status: 503 });
      const { error, elapsed } = await scannedRejection(create("user", declaration("user", ids, "bounded")));
      assert.ok(elapsed < 1500 + slackMs, `took ${elapsed} ms`);
      const attempts = requestsTo(emulator, metadataPath("user", ids)).length;
      assert.ok(attempts >= 2 && attempts < 101, `${attempts} attempts`);
      assert.match(error.message, new RegExp(`after ${attempts} attempts`));
    });

    it("gives up at maxRetryTimeMs even when each attempt hangs (the time bound covers the attempt)", async () => {
      await configureFor(emulator, {
        ...bounds,
        "clerk:maxRetries": "100",
        "clerk:maxRetryTimeMs": "1500",
        "clerk:requestTimeoutMs": "1000",
      });
      const ids = fresh("organization");
      emulator.inject({ latencyMs: 4000, drop: true });
      const { error, elapsed } = await scannedRejection(
        create("organization", declaration("organization", ids, "hangs")),
      );
      assert.ok(elapsed < 1500 + slackMs, `took ${elapsed} ms`);
      assert.match(error.message, /no HTTP answer/);
      assertNames(error.message, "organization", ids, "create");
    });
  });

  describe("401, 403, 404 and 422 fail at once, with one request", () => {
    for (const kind of kindKeys) {
      it(`${kind}: 401 with a wrong key says which setting to check and never shows the key`, async () => {
        const wrongKey = secretKey("sk_test_ThisIsNotTheEmulatorsKey0123456789abcd");
        await configureFor(emulator, { ...bounds, "clerk:secretKey": wrongKey });
        const ids = fresh(kind);
        const before = stored(emulator, kind, ids);
        const { error } = await scannedRejection(create(kind, declaration(kind, ids, "wrongkey")));
        const sent = emulator.requests();
        assert.equal(sent.length, 1);
        assert.equal(sent[0].status, 401);
        assert.match(error.message, /HTTP 401/);
        assert.match(error.message, /clerk_key_invalid/);
        assert.ok(error.message.includes("clerk:secretKey"), error.message);
        assert.ok(error.message.includes("CLERK_SECRET_KEY"), error.message);
        assert.ok(!error.message.includes(wrongKey));
        assert.ok(!error.message.includes(emulator.secretKey));
        assertNames(error.message, kind, ids, "create");
        assert.deepEqual(stored(emulator, kind, ids), before);
      });

      for (const status of [403, 422]) {
        it(`${kind}: an injected ${status} is not retried`, async () => {
          const ids = fresh(kind);
          const olds = await create(kind, declaration(kind, ids, "first"));
          const before = stored(emulator, kind, ids);
          emulator.reset();
          emulator.inject({ status, count: 1 });
          const { error } = await scannedRejection(update(kind, ids, olds, declaration(kind, ids, "second")));
          assert.equal(emulator.requests().length, 1);
          assert.match(error.message, new RegExp(`HTTP ${status}`));
          assert.doesNotMatch(error.message, /attempts/);
          assertNames(error.message, kind, ids, "update");
          assert.deepEqual(stored(emulator, kind, ids), before);
        });
      }

      it(`${kind}: 404 names the missing id and the kind of instance; delete treats it as done`, async () => {
        const ids: Ids =
          kind === "user"
            ? { userId: "user_doesNotExist0001" }
            : kind === "organization"
              ? { organizationId: "org_doesNotExist0001" }
              : // an organization and a user that exist, but not as a membership
                { organizationId: fleet.organizations[0], userId: fleet.users[fleet.users.length - 1] };
        assert.equal(stored(emulator, kind, ids), undefined);
        const { error } = await scannedRejection(create(kind, declaration(kind, ids, "missing")));
        assert.equal(emulator.requests().length, 1);
        assert.match(error.message, /HTTP 404/);
        assert.match(error.message, /not found in this development instance/);
        assertNames(error.message, kind, ids, "create");

        emulator.reset();
        const olds = { ...ids, ownership: { publicMetadata: { plan: "set" } } } as unknown as MetadataOutputs;
        await remove(kind, ids, olds);
        assert.equal(emulator.requests().length, 1);
      });
    }
  });

  describe("timeouts", () => {
    it("an attempt slower than requestTimeoutMs counts as a network error and is retried", async () => {
      await configureFor(emulator, { ...bounds, "clerk:requestTimeoutMs": "300" });
      const ids = fresh("membership");
      emulator.inject({ latencyMs: 900, count: 1 });
      const started = Date.now();
      await create("membership", declaration("membership", ids, "slow"));
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 300 && elapsed < 900, `took ${elapsed} ms`);
      const sent = requestsTo(emulator, metadataPath("membership", ids));
      assert.equal(sent.length, 2);
      assert.deepEqual(sent[0].body, sent[1].body, "the retry sends the same body");
      assert.equal((stored(emulator, "membership", ids)!.public_metadata as { plan?: string }).plan, "slow");
      await sleep(700); // the slow first attempt lands late: it is the same write, so nothing changes
      assert.equal((stored(emulator, "membership", ids)!.public_metadata as { plan?: string }).plan, "slow");
    });

    it("an attempt that never answers is reported as a timeout after every attempt", async () => {
      await configureFor(emulator, { ...bounds, "clerk:requestTimeoutMs": "200" });
      const ids = fresh("user");
      emulator.inject({ latencyMs: 1000, drop: true });
      const { error, elapsed } = await scannedRejection(create("user", declaration("user", ids, "never")));
      assert.ok(elapsed < 3000 + slackMs, `took ${elapsed} ms`);
      assert.equal(requestsTo(emulator, metadataPath("user", ids)).length, 3);
      assert.match(error.message, /no answer within 200 ms/);
      assert.match(error.message, /after 3 attempts/);
    });
  });

  describe("secrets", () => {
    it("no error message held the secret key or a private metadata value", () => {
      assertNoSecretsSeen();
    });
  });
});
