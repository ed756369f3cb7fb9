import type { JsonObject } from "../provider/core/json";

/**
 * A deterministic metadata object whose JSON is close to (and never above) `targetBytes`,
 * shaped like real app metadata: nested sections of strings, numbers, booleans and short arrays,
 * three levels deep.
 */
export function metadataOfSize(targetBytes: number): JsonObject {
  const metadata: JsonObject = {};
  for (let i = 0; ; i++) {
    const section: JsonObject = {
      name: `feature-${i}`,
      enabled: i % 2 === 0,
      limits: { seats: 10 + i, storageGb: 50 * (i + 1), tier: i % 3 === 0 ? "pro" : "team" },
      tags: [`t${i}`, `group-${i % 4}`],
    };
    metadata[`section${i}`] = section;
    if (jsonBytes(metadata) > targetBytes) {
      delete metadata[`section${i}`];
      break;
    }
  }
  let pad = 0;
  while (jsonBytes({ ...metadata, note: "x".repeat(pad + 1) }) <= targetBytes) pad++;
  if (pad > 0) metadata.note = "x".repeat(pad);
  return metadata;
}

/** The same object with one nested leaf changed (the first section's seat limit), as an edit makes. */
export function withNestedChange(metadata: JsonObject): JsonObject {
  const copy = structuredClone(metadata);
  const first = copy.section0 as JsonObject | undefined;
  if (first) (first.limits as JsonObject).seats = ((first.limits as JsonObject).seats as number) + 1;
  return copy;
}

/** The UTF-8 length of a value's JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/** The three sizes the hook timings use: small (~200 B), typical (~2 KB), Clerk's limit (~8 KB). */
export const metadataSizes = [
  { label: "small", targetBytes: 200 },
  { label: "typical", targetBytes: 2048 },
  { label: "limit", targetBytes: 8150 },
] as const;
