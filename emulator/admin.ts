import { faultFromJson, type FaultInjector } from "./faults";
import { isJsonObject } from "./merge";
import { parseRateLimitText, type RateLimiter } from "./rateLimit";
import type { RequestLog } from "./requestLog";
import type { Store } from "./store";

/**
 * The prefix of the emulator's own routes. Clerk's paths all start with `/v1/`, so nothing here can
 * shadow one; these routes take no secret key (the server listens on 127.0.0.1 only), see no faults
 * and the rate limit, and are not in the request log or counters.
 */
export const ADMIN_PREFIX = "/__emulator/";

/** What the admin routes work on. */
export interface AdminContext {
  store: Store;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  log: RequestLog;
}

/** An admin answer: status and JSON body. */
export interface AdminResponse {
  status: number;
  body: unknown;
}

const error = (status: number, message: string): AdminResponse => ({ status, body: { error: message } });

/**
 * Answers `METHOD /__emulator/<name>`:
 * - `GET faults` → `{ faults }`; `POST faults` with a fault (or an array of them) in JSON form (see
 *   `FaultJson`) adds them → 201 `{ faults }`; `DELETE faults` removes them all → `{ faults: [] }`.
 * - `GET requests` → `{ requests }` (the request log); `GET counters` → the counters.
 * - `POST reset` clears the log, the counters and the rate-limit history (not data) → `{ reset: true }`.
 * - `GET data` → `{ users, organizations, memberships }` as stored.
 * - `PUT rate-limit` with `{ "rateLimit": "100/10s" | "off" }` → `{ rateLimit }`.
 * Anything else is 404; a bad body is 400 `{ error }`.
 */
export function adminRoute(ctx: AdminContext, method: string, name: string, raw: string): AdminResponse {
  let body: unknown;
  try {
    body = raw.trim() === "" ? undefined : JSON.parse(raw);
  } catch {
    return error(400, "body is not JSON");
  }
  const key = `${method} ${name}`;
  try {
    switch (key) {
      case "GET faults":
        return { status: 200, body: { faults: ctx.faults.list() } };
      case "POST faults": {
        const faults = (Array.isArray(body) ? body : [body]).map(faultFromJson);
        for (const fault of faults) ctx.faults.inject(fault);
        return { status: 201, body: { faults: ctx.faults.list() } };
      }
      case "DELETE faults":
        ctx.faults.clear();
        return { status: 200, body: { faults: [] } };
      case "GET requests":
        return { status: 200, body: { requests: ctx.log.requests() } };
      case "GET counters":
        return { status: 200, body: ctx.log.counters() };
      case "POST reset":
        ctx.log.reset();
        ctx.rateLimiter.reset();
        return { status: 200, body: { reset: true } };
      case "GET data":
        return { status: 200, body: ctx.store.snapshot() };
      case "PUT rate-limit": {
        const text = isJsonObject(body) ? body.rateLimit : undefined;
        if (typeof text !== "string") return error(400, 'send { "rateLimit": "100/10s" } or "off"');
        const limit = parseRateLimitText(text);
        ctx.rateLimiter.set(limit);
        return { status: 200, body: { rateLimit: limit } };
      }
      default:
        return error(404, `no admin route ${key}; see emulator/README.md`);
    }
  } catch (caught) {
    return error(400, (caught as Error).message);
  }
}
