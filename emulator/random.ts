import { randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random base62 string of `length` characters from the crypto RNG. */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += BASE62[byte % 62];
  return out;
}

/** A Clerk-like id: `prefix_` followed by 27 random base62 characters (e.g. `user_2abc…`). */
export function clerkId(prefix: string): string {
  return `${prefix}_${randomBase62(27)}`;
}

/** A random trace id, 32 lowercase hex characters, like Clerk's `clerk_trace_id`. */
export function traceId(): string {
  return randomBytes(16).toString("hex");
}

/**
 * A deterministic PRNG (mulberry32) returning floats in [0, 1); the same seed always yields the same
 * sequence. Without a seed it is seeded from the crypto RNG.
 */
export function createPrng(seed?: number): () => number {
  let state = (seed ?? randomBytes(4).readUInt32LE(0)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
