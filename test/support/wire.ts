/** What crossed the wire to Clerk: the emulator's logged requests as compact calls, for exact assertions. */
import assert from "node:assert/strict";
import type { LoggedRequest } from "../../emulator";

/** One request as Clerk received it: method, path (with the query string, unless left out) and parsed body. */
export interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * The logged requests as calls, in arrival order. The path carries the query string unless
 * `withQuery` is false; `body` is present only when the request had one.
 */
export function callsOf(requests: readonly LoggedRequest[], options: { withQuery?: boolean } = {}): Call[] {
  const withQuery = options.withQuery ?? true;
  return requests.map((r) => {
    const query = withQuery ? new URLSearchParams(r.query).toString() : "";
    const call: Call = { method: r.method, path: query ? `${r.path}?${query}` : r.path };
    if (r.body !== undefined) call.body = r.body;
    return call;
  });
}

/** Calls sorted by method, path and body, for operations whose requests run concurrently. */
export function sorted(calls: Call[]): Call[] {
  const key = (c: Call) => `${c.method} ${c.path} ${JSON.stringify(c.body) ?? ""}`;
  return [...calls].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Asserts the same requests in any order (steps of one operation run concurrently). */
export function assertSameCalls(actual: Call[], expected: Call[]): void {
  assert.deepEqual(sorted(actual), sorted(expected));
}

/** One logged request as `METHOD path?query`, every value of a repeated parameter in the order sent. */
export function requestLine(request: LoggedRequest): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(request.queryAll))
    for (const value of values) params.append(name, value);
  const query = params.toString();
  return `${request.method} ${request.path}${query ? `?${query}` : ""}`;
}

/** The requests as `METHOD path?query` lines (see {@link requestLine}), sorted: for requests sent concurrently. */
export function sortedRequestLines(requests: readonly LoggedRequest[]): string[] {
  return requests.map(requestLine).sort();
}
