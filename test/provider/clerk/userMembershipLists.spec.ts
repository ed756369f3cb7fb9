/**
 * Memberships read user by user share their user's membership list
 * (`GET /v1/users/{id}/organization_memberships`, provider/clerk/membershipApi.ts), against the
 * emulator: what crossed the wire, and what each read answered.
 */
import assert from "node:assert/strict";
import { startEmulator, type Emulator, type SeedData } from "../../../emulator";
import {
  membershipApi,
  userMembershipLists,
  userMembershipsPage,
} from "../../../provider/clerk/membershipApi";
import { readBatched } from "../../../provider/clerk/readBatcher";
import { resolveSettings, type ClerkSettings } from "../../../provider/clerk/settings";
import { isNotFound } from "../../../provider/core/errors";
import type { EntityIds } from "../../../provider/core/kinds";
import { settleReads } from "../../support/reads";
import { sortedRequestLines } from "../../support/wire";

const organizations = ["org_a", "org_b", "org_c", "org_d"];

/** user_x and user_y are members of org_a, org_b and org_c (not org_d), each with a seat of its own. */
function seed(): SeedData {
  return {
    users: [
      { id: "user_x", first_name: "X" },
      { id: "user_y", first_name: "Y" },
    ],
    organizations: organizations.map((id) => ({ id, name: id })),
    memberships: ["user_x", "user_y"].flatMap((userId) =>
      ["org_a", "org_b", "org_c"].map((organizationId) => ({
        organization_id: organizationId,
        user_id: userId,
        private_metadata: { seat: `${organizationId}-${userId}` },
      })),
    ),
  };
}

const membership = (organizationId: string, userId: string): EntityIds => ({ organizationId, userId });
const seatOf = (ids: EntityIds) => ({
  publicMetadata: {},
  privateMetadata: { seat: `${ids.organizationId}-${ids.userId}` },
});

/** Reads every membership at once through the membership API, which chooses each read's grouping. */
const readThroughApi = (settings: ClerkSettings, reads: EntityIds[]) =>
  settleReads(reads.map((ids) => membershipApi.read(settings, ids, "read metadata")));

/** Reads every membership at once grouped by user only (each user's own list). */
const readByUser = (settings: ClerkSettings, reads: EntityIds[]) =>
  settleReads(reads.map((ids) => readBatched(userMembershipLists, settings, ids, "read metadata")));

describe("memberships read user by user (one list of each user's memberships)", () => {
  let emulator: Emulator;
  let settings: ClerkSettings;
  beforeEach(async () => {
    emulator = await startEmulator({ seed: seed() });
    settings = resolveSettings(
      { secretKey: emulator.secretKey, apiUrl: emulator.url, maxRetries: "1", maxRetryTimeMs: "5000" },
      {},
    );
  });
  afterEach(() => emulator.stop());

  it("reads memberships arriving user by user from their user's list once the recent reads show that order, the first ones by organization", async () => {
    const order = ["user_x", "user_y"].flatMap((userId) =>
      ["org_a", "org_b", "org_c"].map((organizationId) => membership(organizationId, userId)),
    );
    const results = await readThroughApi(settings, order);
    results.forEach((result, i) => assert.deepEqual(result, { ok: true, metadata: seatOf(order[i]!) }));
    // The first two reads had no read before them sharing a user: they went by organization (each
    // alone, so its own GET). From the third on, the recent reads shared users, not organizations.
    // user_x's third read went alone, as its user's list; user_y's three shared one list.
    assert.deepEqual(sortedRequestLines(emulator.requests()), [
      "GET /v1/organizations/org_a/memberships?user_id=user_x&limit=1",
      "GET /v1/organizations/org_b/memberships?user_id=user_x&limit=1",
      `GET /v1/users/user_x/organization_memberships?limit=${userMembershipsPage}`,
      `GET /v1/users/user_y/organization_memberships?limit=${userMembershipsPage}`,
    ]);
  });

  it("keeps reading memberships that arrive organization by organization from their organization's filtered lists", async () => {
    const order = ["org_a", "org_b", "org_c"].flatMap((organizationId) =>
      ["user_x", "user_y"].map((userId) => membership(organizationId, userId)),
    );
    const results = await readThroughApi(settings, order);
    results.forEach((result, i) => assert.deepEqual(result, { ok: true, metadata: seatOf(order[i]!) }));
    assert.deepEqual(
      sortedRequestLines(emulator.requests()),
      ["org_a", "org_b", "org_c"].map(
        (id) => `GET /v1/organizations/${id}/memberships?user_id=user_x&user_id=user_y&limit=2`,
      ),
    );
  });

  it("reads a membership absent from its user's complete list as gone without another request, and every membership of a user Clerk does not know as gone", async () => {
    const reads = [
      membership("org_a", "user_x"),
      membership("org_d", "user_x"),
      membership("org_a", "user_gone"),
      membership("org_b", "user_gone"),
    ];
    const results = await readByUser(settings, reads);
    assert.deepEqual(results[0], { ok: true, metadata: seatOf(reads[0]!) });
    for (const i of [1, 2, 3]) {
      const result = results[i]!;
      assert.ok(!result.ok && isNotFound(result.error), `read ${i} is gone`);
      const { organizationId, userId } = reads[i]!;
      assert.match(
        (result.error as Error).message,
        new RegExp(`organizationId=${organizationId} userId=${userId}`),
      );
    }
    assert.deepEqual(sortedRequestLines(emulator.requests()), [
      `GET /v1/users/user_gone/organization_memberships?limit=${userMembershipsPage}`,
      `GET /v1/users/user_x/organization_memberships?limit=${userMembershipsPage}`,
    ]);
  });

  it("answers reads of a user that arrive while the user's list is in flight from that list, with no request of their own", async () => {
    emulator.inject({ latencyMs: 300 });
    const first = readByUser(settings, [membership("org_a", "user_x")]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = [membership("org_b", "user_x"), membership("org_d", "user_x")];
    const [laterResults, firstResults] = await Promise.all([readByUser(settings, later), first]);
    assert.deepEqual(firstResults[0], { ok: true, metadata: seatOf(membership("org_a", "user_x")) });
    assert.deepEqual(laterResults[0], { ok: true, metadata: seatOf(later[0]!) });
    assert.ok(!laterResults[1]!.ok && isNotFound(laterResults[1]!.error), "org_d is no membership of user_x");
    assert.deepEqual(sortedRequestLines(emulator.requests()), [
      `GET /v1/users/user_x/organization_memberships?limit=${userMembershipsPage}`,
    ]);
  });

  it("reads a membership absent from a list that holds fewer memberships than its total with its own GET", async () => {
    const path = "/v1/users/user_x/organization_memberships";
    const page = (await fetch(`${emulator.url}${path}?limit=${userMembershipsPage}`, {
      headers: { authorization: `Bearer ${emulator.secretKey}` },
    }).then((r) => r.json())) as { data: { organization: { id: string } }[]; total_count: number };
    emulator.reset();
    // A page that shows org_a only, of a total larger than the page.
    const onlyA = page.data.filter((m) => m.organization.id === "org_a");
    emulator.inject({
      method: "GET",
      path,
      status: 200,
      contentType: "application/json",
      body: JSON.stringify({ data: onlyA, total_count: 501 }),
      count: 1,
    });
    const reads = [
      membership("org_a", "user_x"),
      membership("org_b", "user_x"),
      membership("org_d", "user_x"),
    ];
    const results = await readByUser(settings, reads);
    assert.deepEqual(results[0], { ok: true, metadata: seatOf(reads[0]!) });
    assert.deepEqual(results[1], { ok: true, metadata: seatOf(reads[1]!) });
    assert.ok(!results[2]!.ok && isNotFound(results[2]!.error));
    assert.deepEqual(sortedRequestLines(emulator.requests()), [
      "GET /v1/organizations/org_b/memberships?user_id=user_x&limit=1",
      "GET /v1/organizations/org_d/memberships?user_id=user_x&limit=1",
      `GET ${path}?limit=${userMembershipsPage}`,
    ]);
  });
});
