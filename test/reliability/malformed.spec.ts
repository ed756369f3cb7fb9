import assert from "node:assert/strict";
import type { Emulator, Fault } from "../../emulator";
import type { MetadataOutputs } from "../../provider";
import { configureFor } from "../support/hooks";
import {
  assertNoSecretsSeen,
  create,
  idsOf,
  kindKeys,
  metadataPath,
  privateValue,
  providers,
  resourceId,
  resourceTypes,
  scannedRejection,
  startFleet,
  stored,
  type Fleet,
  type Ids,
  type KindKey,
} from "./helpers";

const htmlPage = "<!doctype html><html><head><title>Welcome</title></head><body>It works!</body></html>";

/** The JSON another entity of the same kind is served as, so the answer is well-formed but wrong. */
function anotherEntity(emulator: Emulator, fleet: Fleet, kind: KindKey, asList: boolean): string {
  if (kind === "user") return JSON.stringify(emulator.data.getUser(fleet.users[0]));
  if (kind === "organization") return JSON.stringify(emulator.data.getOrganization(fleet.organizations[0]));
  const [organizationId, userId] = fleet.memberships[0];
  const membership = emulator.data.getMembership(organizationId, userId);
  return JSON.stringify(asList ? { data: [membership], total_count: 1 } : membership);
}

function readPath(kind: KindKey, ids: Ids): string {
  if (kind === "user") return `/v1/users/${ids.userId}`;
  if (kind === "organization") return `/v1/organizations/${ids.organizationId}`;
  return `/v1/organizations/${ids.organizationId}/memberships`;
}

describe("reliability: answers that are not what Clerk sends", function () {
  let emulator: Emulator;
  let fleet: Fleet;
  let next = 1; // entity 0 of each kind is the "other" entity served in wrong answers

  before(async () => {
    ({ emulator, fleet } = await startFleet(
      { users: 60, organizations: 60, memberships: 60 },
      { tag: "mf" },
    ));
  });
  beforeEach(async () => {
    await configureFor(emulator, {
      "clerk:maxRetries": "2",
      "clerk:maxRetryTimeMs": "3000",
      "clerk:requestTimeoutMs": "1000",
      "clerk:rateLimit": "off",
    });
    emulator.clearFaults();
    emulator.reset();
  });
  after(() => emulator.stop());

  const answers: {
    name: string;
    fault: (kind: KindKey, asList: boolean) => Fault;
    /** Whether the provider may retry it (a body it cannot parse looks like a cut connection). */
    retried: boolean;
    message: RegExp;
  }[] = [
    {
      name: "an HTML page with status 200",
      fault: () => ({ status: 200, body: htmlPage, contentType: "text/html" }),
      retried: false,
      message: /not what Clerk sends/,
    },
    {
      name: "truncated JSON with status 200",
      fault: () => ({ status: 200, body: '{"object":"user","id":"user_', contentType: "application/json" }),
      retried: true,
      message: /JSON/,
    },
    {
      name: "an empty JSON object with status 200",
      fault: () => ({ status: 200, body: "{}", contentType: "application/json" }),
      retried: false,
      message: /not what Clerk sends/,
    },
    {
      name: "another entity's JSON with status 200",
      fault: (kind, asList) => ({
        status: 200,
        body: anotherEntity(emulator, fleet, kind, asList),
        contentType: "application/json",
      }),
      retried: false,
      message: /not what Clerk sends/,
    },
  ];

  for (const kind of kindKeys) {
    describe(kind, () => {
      for (const answer of answers) {
        it(`create rejects ${answer.name}, never resolves with outputs`, async () => {
          const ids = idsOf(fleet, kind, next++);
          emulator.inject({ method: "PATCH", ...answer.fault(kind, false) });
          const { error } = await scannedRejection(
            create(kind, {
              ...ids,
              publicMetadata: { plan: "pro" },
              privateMetadata: { token: privateValue(`malformed-${kind}-${next}`) },
            }),
          );
          assert.match(error.message, answer.message);
          assert.ok(error.message.includes(resourceTypes[kind]), error.message);
          assert.match(error.message, /create/);
          for (const id of Object.values(ids)) assert.ok(error.message.includes(id!), error.message);
          const attempts = emulator.requests().length;
          assert.equal(attempts, answer.retried ? 3 : 1, `${attempts} attempts`);
          // the fault answered before the store: nothing was written
          assert.equal((stored(emulator, kind, ids)!.public_metadata as { plan?: string }).plan, undefined);
        });

        it(`read rejects ${answer.name}`, async () => {
          const ids = idsOf(fleet, kind, next++);
          const outs = await create(kind, { ...ids, publicMetadata: { plan: "pro" } });
          emulator.reset();
          emulator.inject({ method: "GET", ...answer.fault(kind, true) });
          const { error } = await scannedRejection(
            providers[kind].read!(resourceId(kind, ids), outs as MetadataOutputs),
          );
          assert.match(error.message, answer.message);
          for (const id of Object.values(ids)) assert.ok(error.message.includes(id!), error.message);
          // A membership list of other members may mean Clerk dropped a filter on an unknown user:
          // only a GET of that user tells it from a wrong answer.
          const allowed = [
            readPath(kind, ids),
            ...(kind === "membership" ? [`/v1/users/${ids.userId}`] : []),
          ];
          assert.ok(emulator.requests().every((r) => allowed.includes(r.path)));
        });
      }

      it("an HTML 502 page is retried, and reported with its status when it never stops", async () => {
        const ids = idsOf(fleet, kind, next++);
        const page = { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
        emulator.inject({ ...page, count: 2 });
        const outs = await create(kind, { ...ids, publicMetadata: { plan: "healed" } });
        assert.equal(outs.publicMetadata?.plan, "healed");
        assert.deepEqual(
          emulator.requests().map((r) => r.status),
          [502, 502, 200],
        );

        emulator.reset();
        emulator.inject(page);
        const { error } = await scannedRejection(create(kind, { ...ids, publicMetadata: { plan: "never" } }));
        assert.equal(emulator.requests().length, 3);
        assert.match(error.message, /HTTP 502/);
        assert.match(error.message, /after 3 attempts/);
        for (const id of Object.values(ids)) assert.ok(error.message.includes(id!), error.message);
        assert.equal(requestsPatched(kind, ids), "healed");
      });
    });
  }

  function requestsPatched(kind: KindKey, ids: Ids) {
    assert.ok(emulator.requests().every((r) => r.path === metadataPath(kind, ids)));
    return (stored(emulator, kind, ids)!.public_metadata as { plan?: string }).plan;
  }

  describe("secrets", () => {
    it("no error message held the secret key or a private metadata value", () => {
      assertNoSecretsSeen();
    });
  });

  /** 404s that are not Clerk's: a wrong URL, a proxy, another service. None of them means "gone". */
  const foreign404s: { name: string; fault: Fault }[] = [
    {
      name: "an HTML page",
      fault: { status: 404, body: "<html><body><h1>Not Found</h1></body></html>", contentType: "text/html" },
    },
    { name: "an empty body", fault: { status: 404, body: "", contentType: "text/plain" } },
    { name: "plain text", fault: { status: 404, body: "404 page not found", contentType: "text/plain" } },
    {
      name: "JSON that is not Clerk's",
      fault: {
        status: 404,
        body: JSON.stringify({ error: "not found", status: 404 }),
        contentType: "application/json",
      },
    },
  ];

  for (const answer of foreign404s) {
    describe(`a 404 with ${answer.name}`, () => {
      for (const kind of kindKeys) {
        it(`fails the read of a ${kind} naming the URL to check, never reads it as gone`, async () => {
          const ids = idsOf(fleet, kind, next++);
          const outs = await create(kind, { ...ids, publicMetadata: { plan: "pro" } });
          emulator.reset();
          emulator.inject({ method: "GET", ...answer.fault });
          const { error } = await scannedRejection(
            providers[kind].read!(resourceId(kind, ids), outs as MetadataOutputs),
          );
          assert.match(error.message, /did not come from Clerk's Backend API/);
          assert.ok(error.message.includes(emulator.url), error.message);
        });

        it(`fails the delete of a ${kind}, never counts it as done, and the keys stay`, async () => {
          const ids = idsOf(fleet, kind, next++);
          const outs = await create(kind, { ...ids, publicMetadata: { plan: "pro" } });
          emulator.reset();
          emulator.inject({ method: "PATCH", ...answer.fault });
          const { error } = await scannedRejection(
            providers[kind].delete!(resourceId(kind, ids), outs as MetadataOutputs),
          );
          assert.match(error.message, /did not come from Clerk's Backend API/);
          emulator.clearFaults();
          assert.equal((stored(emulator, kind, ids)!.public_metadata as { plan?: string }).plan, "pro");
        });
      }
    });
  }
});
