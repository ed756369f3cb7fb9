import assert from "node:assert/strict";
import type { Emulator, Fault, LoggedRequest } from "../../emulator";
import type { MetadataOutputs } from "../../provider";
import { configureFor } from "../support/hooks";
import type { StoredMetadata } from "../support/kinds";
import {
  create,
  idsOf,
  metadataPath,
  pool,
  privateValue,
  remove,
  seeded,
  startFleet,
  stored,
  update,
  type Fleet,
  type Ids,
  type KindKey,
} from "./helpers";

/** 90 users, 60 organizations, 70 memberships: 220 resources, one per entity. */
const sizes: Record<KindKey, number> = { user: 90, organization: 60, membership: 70 };

/** A share of every request fails transiently, in every way Clerk or the network can. */
const background: Fault[] = [
  { status: 500, fraction: 0.04 },
  { status: 502, fraction: 0.04 },
  { status: 503, fraction: 0.04 },
  { drop: true, fraction: 0.03 },
  { status: 429, retryAfter: 1, fraction: 0.02 },
  { latencyMs: 40, fraction: 0.1 },
];

interface Resource {
  kind: KindKey;
  index: number;
  ids: Ids;
  outs?: MetadataOutputs;
}

function created(r: Resource) {
  const declaration: Record<string, unknown> = {
    ...r.ids,
    publicMetadata: { plan: `p${r.index}`, limits: { seats: r.index }, tags: ["a", r.index] },
    privateMetadata: { token: privateValue(`transient-${r.kind}-${r.index}-first`) },
  };
  if (r.kind === "user") declaration.unsafeMetadata = { ui: { theme: "dark" } };
  return declaration;
}

function updated(r: Resource) {
  const declaration: Record<string, unknown> = {
    ...r.ids,
    publicMetadata: { plan: `q${r.index}`, limits: { projects: r.index } },
    privateMetadata: { token: privateValue(`transient-${r.kind}-${r.index}-second`), rotated: true },
  };
  if (r.kind === "user") declaration.unsafeMetadata = { ui: { theme: "light" } };
  return declaration;
}

/** What Clerk must hold for a resource after the update phase (the app's keys plus the declaration). */
function expectedAfterUpdate(r: Resource) {
  const app = seeded(r.kind, r.ids) as { public_metadata: Record<string, object>; private_metadata: object };
  const expected: Record<string, object> = {
    public_metadata: {
      ...app.public_metadata,
      limits: { appLimit: 5, projects: r.index },
      plan: `q${r.index}`,
    },
    private_metadata: {
      ...app.private_metadata,
      token: `transient-${r.kind}-${r.index}-second`,
      rotated: true,
    },
  };
  if (r.kind === "user") expected.unsafe_metadata = { ui: { lang: "en", theme: "light" } };
  return expected;
}

/** What Clerk must hold after the resource was deleted: the app's own keys only. */
function expectedAfterDelete(r: Resource) {
  const expected: Record<string, object> = { ...seeded(r.kind, r.ids) };
  if (r.kind === "user") expected.unsafe_metadata = { ui: { lang: "en" } };
  return expected;
}

function metadataOf(entity: StoredMetadata | undefined, kind: KindKey) {
  assert.ok(entity);
  const out: Record<string, unknown> = {
    public_metadata: entity.public_metadata,
    private_metadata: entity.private_metadata,
  };
  if (kind === "user") out.unsafe_metadata = entity.unsafe_metadata;
  return out;
}

/** Everything but metadata and timestamps, to show that nothing else changed. */
function withoutMetadata(snapshot: ReturnType<Emulator["data"]["snapshot"]>) {
  const strip = (entity: object): object => {
    const copy: Record<string, unknown> = { ...entity };
    for (const key of ["public_metadata", "private_metadata", "unsafe_metadata", "updated_at"])
      delete copy[key];
    if (copy.organization) copy.organization = strip(copy.organization as object);
    return copy;
  };
  return {
    users: snapshot.users.map(strip),
    organizations: snapshot.organizations.map(strip),
    memberships: snapshot.memberships.map(strip),
  };
}

/**
 * Checks the request log of one phase: every write that was retried sent the very same body,
 * and each resource's write succeeded exactly once (a faulted request never reaches the store).
 */
function assertIdempotentWrites(log: LoggedRequest[], resources: Resource[]) {
  const byPath = new Map<string, LoggedRequest[]>();
  for (const request of log) {
    if (request.method !== "PATCH") continue;
    byPath.set(request.path, [...(byPath.get(request.path) ?? []), request]);
  }
  let retried = 0;
  for (const r of resources) {
    const sent = byPath.get(metadataPath(r.kind, r.ids)) ?? [];
    assert.ok(sent.length >= 1, `no write for ${JSON.stringify(r.ids)}`);
    if (sent.length > 1) retried++;
    for (const request of sent) assert.deepEqual(request.body, sent[0].body, "a retry sent a different body");
    assert.equal(
      sent.filter((s) => s.status === 200).length,
      1,
      `one successful write for ${r.kind} ${r.index}`,
    );
    assert.ok(sent.length <= 9, "at most maxRetries + 1 attempts");
  }
  return retried;
}

describe("reliability: transient faults while creating, updating and deleting 220 resources", function () {
  let emulator: Emulator;
  let fleet: Fleet;
  let resources: Resource[];
  const phaseLogs: Record<string, LoggedRequest[]> = {};

  before(async () => {
    ({ emulator, fleet } = await startFleet(
      { users: 90, organizations: 60, memberships: 70 },
      { randomSeed: 20240601, tag: "tr" },
    ));
    await configureFor(emulator, {
      "clerk:maxRetries": "8",
      "clerk:maxRetryTimeMs": "8000",
      "clerk:requestTimeoutMs": "2000",
      "clerk:rateLimit": "off",
    });
    resources = [];
    for (const kind of Object.keys(sizes) as KindKey[]) {
      for (let index = 0; index < sizes[kind]; index++) {
        resources.push({ kind, index, ids: idsOf(fleet, kind, index) });
      }
    }
    // Memberships reuse the same users and organizations: their metadata is separate.
    assert.equal(new Set(resources.map((r) => `${r.kind}:${JSON.stringify(r.ids)}`)).size, 220);
  });
  after(() => emulator.stop());

  /** Runs one phase 20 at a time under the background faults plus `burst` (the next N requests). */
  async function phase(name: string, burst: Fault[], work: (r: Resource) => Promise<void>) {
    emulator.reset();
    emulator.clearFaults();
    for (const fault of burst) emulator.inject(fault);
    for (const fault of background) emulator.inject(fault);
    await pool(resources, 20, work);
    emulator.clearFaults();
    phaseLogs[name] = emulator.requests();
  }

  it("creates all 220 under faults; each write retried with the same body", async () => {
    const initial = withoutMetadata(emulator.data.snapshot());
    await phase("create", [{ status: 503, count: 25 }], async (r) => {
      r.outs = await create(r.kind, created(r));
    });
    const retried = assertIdempotentWrites(phaseLogs.create, resources);
    assert.ok(retried >= 25, `${retried} resources needed a retry`);
    assert.deepEqual(withoutMetadata(emulator.data.snapshot()), initial);
  });

  it("updates all 220 under faults and bursts of drops and 429s", async () => {
    await phase(
      "update",
      [
        { drop: true, count: 10 },
        { status: 429, retryAfter: 1, count: 10 },
      ],
      async (r) => {
        r.outs = await update(r.kind, r.ids, r.outs!, updated(r));
      },
    );
    assertIdempotentWrites(phaseLogs.update, resources);
    for (const r of resources) {
      assert.deepEqual(metadataOf(stored(emulator, r.kind, r.ids), r.kind), expectedAfterUpdate(r));
    }
  });

  it("deletes every other one under faults; Clerk holds exactly the declared keys plus the app's", async () => {
    const initial = withoutMetadata(emulator.data.snapshot());
    const doomed = resources.filter((r) => r.index % 2 === 0);
    await phase("delete", [{ status: 502, count: 15 }], async (r) => {
      if (r.index % 2 === 0) await remove(r.kind, r.ids, r.outs!);
    });
    assertIdempotentWrites(phaseLogs.delete, doomed);
    assert.equal(phaseLogs.delete.filter((q) => q.status === 200).length, doomed.length);

    // The whole store, entity by entity, against what the declarations and the app's keys say.
    const snapshot = emulator.data.snapshot();
    const expected = new Map<string, object>();
    for (const r of resources) {
      expected.set(
        `${r.kind}:${JSON.stringify(r.ids)}`,
        r.index % 2 === 0 ? expectedAfterDelete(r) : expectedAfterUpdate(r),
      );
    }
    for (const user of snapshot.users) {
      const want =
        expected.get(`user:${JSON.stringify({ userId: user.id })}`) ??
        expectedAfterDelete({ kind: "user", index: -1, ids: { userId: user.id } });
      assert.deepEqual(metadataOf(user, "user"), want, user.id);
    }
    for (const org of snapshot.organizations) {
      const want = expected.get(`organization:${JSON.stringify({ organizationId: org.id })}`);
      assert.deepEqual(metadataOf(org, "organization"), want, org.id);
    }
    for (const m of snapshot.memberships) {
      const ids = { organizationId: m.organization.id, userId: m.public_user_data.user_id };
      assert.deepEqual(metadataOf(m, "membership"), expected.get(`membership:${JSON.stringify(ids)}`));
    }
    assert.equal(snapshot.users.length + snapshot.organizations.length + snapshot.memberships.length, 220);
    assert.deepEqual(withoutMetadata(snapshot), initial, "nothing but metadata changed");
  });

  it("the log shows every kind of fault, and that they were retried", () => {
    const all = Object.values(phaseLogs).flat();
    const faulted = all.filter((r) => r.faulted);
    const statuses = new Set(faulted.map((r) => r.status));
    for (const status of [0, 429, 500, 502, 503]) assert.ok(statuses.has(status), `no faulted ${status}`);
    const writes = all.filter((r) => r.method === "PATCH");
    const succeeded = writes.filter((r) => r.status === 200).length;
    assert.equal(succeeded, 220 + 220 + 110, "one successful write per create, update and delete");
    assert.ok(writes.length - succeeded >= 100, `${writes.length - succeeded} failed attempts were retried`);
    assert.ok(
      all.every((r) => r.method === "PATCH"),
      "no reads were needed",
    );
  });
});
