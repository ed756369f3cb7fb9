import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ADMIN_PREFIX, adminRoute } from "./admin";
import { ApiError, clerkKeyInvalid, errorBody, routeNotFound, statusCode } from "./errors";
import type { FaultInjector } from "./faults";
import { traceId } from "./random";
import type { RateLimiter } from "./rateLimit";
import type { RequestListener, RequestLog } from "./requestLog";
import { parseBody, route } from "./routes";
import type { Store } from "./store";
import type { Fault, LoggedRequest } from "./types";

/** Request bodies larger than this many bytes are answered with 413 and not parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP layer works on. */
export interface ServerContext {
  store: Store;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  log: RequestLog;
  secretKey: string;
  /** Hears of admin requests, which stay out of `log` (the foreground log prints them too). */
  adminListener?: RequestListener;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<{ raw: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve({ raw: Buffer.concat(chunks).toString("utf8"), tooLarge: size > MAX_BODY_BYTES }),
    );
    req.on("error", reject);
  });
}

/** Every value of every query parameter, in order. */
function groupQuery(params: URLSearchParams): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of params) (grouped[key] ??= []).push(value);
  return grouped;
}

/** Called with the status just before an answer is written (so the log is complete when it arrives). */
type OnAnswer = (status: number) => void;

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
  onAnswer?: OnAnswer,
): void {
  if (res.headersSent || res.destroyed) return;
  onAnswer?.(status);
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body);
}

function sendError(
  res: ServerResponse,
  error: ApiError,
  trace: string,
  headers: Record<string, string> = {},
  onAnswer?: OnAnswer,
): void {
  const body = errorBody([error.toJson()], trace);
  send(res, error.status, body, { "x-clerk-trace-id": trace, ...headers }, onAnswer);
}

function sendFault(res: ServerResponse, fault: Fault, trace: string, onAnswer: OnAnswer): void {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = { "x-clerk-trace-id": trace };
  if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
  if (fault.body !== undefined) {
    headers["Content-Type"] = fault.contentType ?? "text/html";
    send(res, status, fault.body, headers, onAnswer);
  } else {
    const error = new ApiError(
      status,
      statusCode(status),
      "injected fault",
      `Injected fault: HTTP ${status}.`,
    );
    send(res, status, errorBody([error.toJson()], trace), headers, onAnswer);
  }
}

/**
 * Handles one request: read body → admin routes (`/__emulator/…`, answered here) → log → faults →
 * auth → rate limit → route. Never throws; every
 * failure becomes a Clerk error answer, and nothing is stored unless the route succeeds.
 */
async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const trace = traceId();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const { raw, tooLarge } = await readBody(req);

  if (url.pathname.startsWith(ADMIN_PREFIX)) {
    const began = performance.now();
    const answer = adminRoute(ctx, method, url.pathname.slice(ADMIN_PREFIX.length), raw);
    send(res, answer.status, JSON.stringify(answer.body), {});
    const queryAll = groupQuery(url.searchParams);
    const entry = { method, path: url.pathname, query: {}, queryAll, body: undefined, status: answer.status };
    ctx.adminListener?.(entry, performance.now() - began);
    return;
  }

  let parsedBody: unknown;
  try {
    parsedBody = raw.trim() === "" ? undefined : JSON.parse(raw);
  } catch {
    parsedBody = undefined;
  }
  const entry: LoggedRequest = ctx.log.start({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    queryAll: groupQuery(url.searchParams),
    body: tooLarge ? undefined : parsedBody,
  });
  let faulted = false;
  const onAnswer: OnAnswer = (status) => ctx.log.finish(entry, status, faulted);
  // Fallback for connections that close before an answer (client abort, drop): status 0.
  res.on("close", () => ctx.log.finish(entry, res.headersSent ? res.statusCode : 0, faulted));

  const fault = ctx.faults.take(method, url.pathname);
  if (fault) {
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.drop) {
      faulted = true;
      onAnswer(0);
      req.socket.destroy();
      return;
    }
    if (fault.status !== undefined || fault.body !== undefined) {
      faulted = true;
      sendFault(res, fault, trace, onAnswer);
      return;
    }
  }

  const auth = req.headers.authorization;
  if (auth !== `Bearer ${ctx.secretKey}`) {
    sendError(res, clerkKeyInvalid(), trace, {}, onAnswer);
    return;
  }
  const retryAfter = ctx.rateLimiter.check(ctx.secretKey);
  if (retryAfter !== undefined) {
    const error = new ApiError(
      429,
      "too_many_requests",
      "Too many requests",
      "Too many requests, retry later.",
    );
    sendError(res, error, trace, { "Retry-After": String(retryAfter) }, onAnswer);
    return;
  }
  if (tooLarge) {
    const error = new ApiError(
      413,
      "request_body_too_large",
      "request too large",
      "Request body is too large.",
    );
    sendError(res, error, trace, {}, onAnswer);
    return;
  }

  try {
    const match = /^\/v1\/(.*)$/.exec(url.pathname);
    if (!match) throw routeNotFound(req.method ?? "GET", url.pathname);
    const segments = match[1].split("/").map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
    const body = method === "GET" || method === "DELETE" ? {} : parseBody(raw);
    const result = route(ctx.store, { method, segments, query: url.searchParams, body });
    send(res, result.status, JSON.stringify(result.body), { "x-clerk-trace-id": trace }, onAnswer);
  } catch (error) {
    if (error instanceof ApiError) {
      sendError(res, error, trace, {}, onAnswer);
    } else {
      const internal = new ApiError(500, "internal_clerk_error", "Oops, an error occurred", String(error));
      sendError(res, internal, trace, {}, onAnswer);
    }
  }
}

/** An HTTP server answering Clerk Backend API requests from `ctx`; not yet listening. */
export function createEmulatorServer(ctx: ServerContext): Server {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      const internal = new ApiError(500, "internal_clerk_error", "Oops, an error occurred", String(error));
      sendError(res, internal, traceId());
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  return server;
}
