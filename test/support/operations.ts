/** Helpers over an engine run's `OperationResult`: did it succeed, and which steps did it take. */
import assert from "node:assert/strict";
import type { OperationResult } from "../../engine/types";

/** Asserts the operation succeeded, showing its errors (the first 20) and the CLI's output otherwise; returns the result. */
export function assertOk<T extends OperationResult>(result: T): T {
  assert.ok(
    result.ok,
    `${result.operation} failed:\n${result.errors.slice(0, 20).join("\n")}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
  );
  return result;
}

/** The steps as `[name, op]` pairs, sorted by name then op (steps may finish in any order). */
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
