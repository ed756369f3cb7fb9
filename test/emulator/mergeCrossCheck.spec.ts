import assert from "node:assert/strict";
import { deepmergeCustom } from "deepmerge-ts";
import { mergeMetadata } from "../../emulator";
import { mergeCases } from "../fixtures/mergeCases";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Clerk's metadata merge built a second time, independently of the emulator, from deepmerge-ts's
 * merge functions configured to Clerk's semantics (deepmerge-ts's defaults differ: it concatenates
 * arrays and lets `null` overwrite):
 * - records merge key by key, recursively (deepmerge-ts's default record merge);
 * - arrays replace whatever was there (the last value wins, nothing is concatenated);
 * - a key whose last value is `null` is skipped, so `null` removes the key, at any depth;
 * - any other value replaces the old one; an object that replaces a non-object (or lands where
 *   nothing was) is merged into `{}` so the `null`s inside it remove keys there too.
 */
const clerkMerge = deepmergeCustom({
  mergeArrays: (values) => values.at(-1),
  mergeOthers: (values, utils) => {
    const last = values.at(-1);
    if (last === null) return utils.actions.skip;
    if (isRecord(last)) return utils.deepmerge({}, last);
    return last;
  },
});

/** A small deterministic pseudo-random generator (mulberry32), so every run checks the same cases. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A JSON object of a few keys drawn from a small pool, so that `before` and `patch` overlap. */
function randomObject(next: () => number, depth: number, allowNull: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = ["a", "b", "c", "d"];
  for (const key of keys) {
    if (next() < 0.4) continue;
    const pick = next();
    if (allowNull && pick < 0.2) out[key] = null;
    else if (depth > 0 && pick < 0.55) out[key] = randomObject(next, depth - 1, allowNull);
    else if (pick < 0.7) out[key] = [Math.floor(next() * 3), { x: "y" }].slice(0, 1 + Math.floor(next() * 2));
    else if (pick < 0.8) out[key] = next() < 0.5;
    else if (pick < 0.9) out[key] = Math.floor(next() * 100);
    else out[key] = `s${Math.floor(next() * 5)}`;
  }
  return out;
}

describe("mergeMetadata cross-checked with deepmerge-ts", () => {
  describe("every case of the shared merge table", () => {
    for (const c of mergeCases) {
      it(`${c.name}: deepmerge-ts configured to Clerk's rules gives the table's result and the emulator's`, () => {
        const expected = clerkMerge(structuredClone(c.before), structuredClone(c.patch));
        assert.deepEqual(expected, c.after);
        assert.deepEqual(mergeMetadata(c.before, c.patch), expected);
      });
    }
  });

  describe("generated cases", () => {
    it("agrees with the emulator on 500 generated before/patch pairs with nested objects, arrays and nulls", () => {
      const next = random(20250101);
      for (let i = 0; i < 500; i++) {
        const before = randomObject(next, 3, false);
        const patch = randomObject(next, 3, true);
        const expected = clerkMerge(structuredClone(before), structuredClone(patch));
        assert.deepEqual(
          mergeMetadata(before, patch),
          expected,
          `case ${i}: before ${JSON.stringify(before)}, patch ${JSON.stringify(patch)}`,
        );
      }
    });
  });
});
