/** Awaiting a promise that must fail. */
import assert from "node:assert/strict";

/**
 * Awaits a promise that must reject with an `Error`; returns the error and how long the promise
 * took to settle. Fails the test when the promise resolves or rejects with something else.
 */
export async function rejection(promise: Promise<unknown>): Promise<{ error: Error; elapsed: number }> {
  const started = Date.now();
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    return { error, elapsed: Date.now() - started };
  }
  assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
}
