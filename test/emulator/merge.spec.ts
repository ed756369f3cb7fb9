import assert from "node:assert/strict";
import { mergeMetadata, startEmulator, type Emulator } from "../../emulator";
import { mergeCases } from "../fixtures/mergeCases";
import { clientFor } from "./helpers";

describe("mergeMetadata", () => {
  describe("mergeMetadata(before, patch)", () => {
    for (const c of mergeCases) {
      it(c.name, () => {
        assert.deepEqual(mergeMetadata(c.before, c.patch), c.after);
      });
    }

    it("never mutates its inputs", () => {
      for (const c of mergeCases) {
        const before = structuredClone(c.before);
        const patch = structuredClone(c.patch);
        mergeMetadata(before, patch);
        assert.deepEqual(before, c.before);
        assert.deepEqual(patch, c.patch);
      }
    });

    it("returns a result that shares no objects with its inputs", () => {
      const before = { keep: { deep: [1] } };
      const patch = { add: { nested: { x: 1 } } };
      const after = mergeMetadata(before, patch);
      (after.keep as { deep: number[] }).deep.push(2);
      ((after.add as { nested: { x: number } }).nested as { x: number }).x = 9;
      assert.deepEqual(before, { keep: { deep: [1] } });
      assert.deepEqual(patch, { add: { nested: { x: 1 } } });
    });

    it("stores a __proto__ key as data instead of changing the prototype", () => {
      const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
      const after = mergeMetadata({}, patch);
      assert.equal(Object.getPrototypeOf(after), Object.prototype);
      assert.deepEqual(Object.keys(after), ["__proto__"]);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });
});

describe("emulator metadata merge", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  describe("PATCH /v1/users/{user_id}/metadata via users.updateUserMetadata", () => {
    for (const c of mergeCases) {
      it(`${c.name} (through the server)`, async () => {
        const clerk = clientFor(emulator);
        const user = await clerk.users.createUser({ publicMetadata: c.before, privateMetadata: c.before });
        const updated = await clerk.users.updateUserMetadata(user.id, { publicMetadata: c.patch });
        assert.deepEqual(updated.publicMetadata, c.after);
        assert.deepEqual(emulator.data.getUser(user.id)?.public_metadata, c.after);
        assert.deepEqual(emulator.data.getUser(user.id)?.private_metadata, c.before);
      });
    }
  });
});
