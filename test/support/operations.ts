/** Helpers over the engine driver's `OperationResult`: did it succeed, and which steps did it take. */
import assert from "node:assert/strict";
import type { OperationResult } from "../../driver/types";

/** Asserts the operation succeeded, showing its errors (the first 20) otherwise; returns the result. */
export function assertOk(result: OperationResult): OperationResult {
  assert.ok(result.ok, `operation failed:\n${result.errors.slice(0, 20).join("\n")}`);
  return result;
}

/** The steps as `[name, op]` pairs, sorted by name (steps may finish in any order). */
export function ops(result: OperationResult): [string, string][] {
  return result.steps
    .map((s): [string, string] => [s.name, s.op])
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
}

/** How many steps of each op a result holds, e.g. `{ create: 200 }`. */
export function opCounts(result: OperationResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of result.steps) counts[step.op] = (counts[step.op] ?? 0) + 1;
  return counts;
}
