import assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import type { MetadataOutputs } from "../../provider";
import { configureFor } from "../support/hooks";
import {
  create,
  idsOf,
  kindKeys,
  privateValue,
  remove,
  seeded,
  startFleet,
  stored,
  type Fleet,
  type KindKey,
} from "./helpers";

const count = 50;

function declaration(kind: KindKey, i: number) {
  return {
    publicMetadata: { [`k${i}`]: i, shared: { [`s${i}`]: true } },
    privateMetadata: { [`p${i}`]: privateValue(`concurrency-${kind}-${i}`) },
  };
}

/** The metadata Clerk must hold when the resources numbered `alive` exist, on top of the app's keys. */
function expected(kind: KindKey, fleet: Fleet, alive: number[]) {
  const app = seeded(kind, idsOf(fleet, kind, 0)) as {
    public_metadata: Record<string, unknown>;
    private_metadata: Record<string, unknown>;
  };
  const publicMetadata: Record<string, unknown> = { ...app.public_metadata, shared: {} };
  const privateMetadata: Record<string, unknown> = { ...app.private_metadata };
  for (const i of alive) {
    publicMetadata[`k${i}`] = i;
    (publicMetadata.shared as Record<string, boolean>)[`s${i}`] = true;
    privateMetadata[`p${i}`] = `concurrency-${kind}-${i}`;
  }
  return { public_metadata: publicMetadata, private_metadata: privateMetadata };
}

describe("reliability: 50 resources owning different keys of one entity, all at once", function () {
  let emulator: Emulator;
  let fleet: Fleet;

  before(async () => {
    ({ emulator, fleet } = await startFleet({ users: 2, organizations: 2, memberships: 2 }, { tag: "cc" }));
    await configureFor(emulator, {
      "clerk:maxRetries": "3",
      "clerk:maxRetryTimeMs": "3000",
      "clerk:rateLimit": "off",
    });
  });
  after(() => emulator.stop());

  for (const kind of kindKeys) {
    it(`${kind}: 50 creates with Promise.all keep every key; deleting half removes exactly theirs`, async () => {
      const ids = idsOf(fleet, kind, 0);
      const other = stored(emulator, kind, idsOf(fleet, kind, 1));
      emulator.reset();
      const all = Array.from({ length: count }, (_, i) => i);
      const outs: MetadataOutputs[] = await Promise.all(
        all.map((i) => create(kind, { ...ids, ...declaration(kind, i) })),
      );
      assert.equal(emulator.requests().length, count, "one PATCH each");
      const held = stored(emulator, kind, ids)!;
      const want = expected(kind, fleet, all);
      assert.deepEqual(held.public_metadata, want.public_metadata);
      assert.deepEqual(held.private_metadata, want.private_metadata);

      const doomed = all.filter((i) => i % 2 === 0);
      await Promise.all(doomed.map((i) => remove(kind, ids, outs[i])));
      const survivors = all.filter((i) => i % 2 === 1);
      const after = stored(emulator, kind, ids)!;
      const wantAfter = expected(kind, fleet, survivors);
      assert.deepEqual(after.public_metadata, wantAfter.public_metadata);
      assert.deepEqual(after.private_metadata, wantAfter.private_metadata);
      if (kind === "user") assert.deepEqual(after.unsafe_metadata, { ui: { lang: "en" } });
      assert.deepEqual(stored(emulator, kind, idsOf(fleet, kind, 1)), other, "the neighbour is untouched");
    });
  }
});
