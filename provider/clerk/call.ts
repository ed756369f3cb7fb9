import type { ClerkClient } from "@clerk/backend";
import {
  clerkCallFailed,
  describeSubject,
  isPackageError,
  keepMessage,
  messageOf,
  unexpectedAnswer,
  type AttemptFailure,
  type CallContext,
} from "../core/errors";
import { clientFor, firstExplanation, pacerFor } from "./registry";
import type { ClerkSettings } from "./settings";

/**
 * Makes one logical Clerk call through `@clerk/backend` and returns `expect(answer)`. It paces
 * itself to the configured rate limit; waits `Retry-After` and retries a 429; retries 5xx,
 * timeouts and network errors with exponential backoff and full jitter (a body the SDK cannot
 * parse, such as truncated JSON, reaches us as a network error and is retried too); never retries
 * any other 4xx or an answer that parsed but is not the expected entity; and gives up after
 * `maxRetries` retries or `maxRetryTimeMs`
 * (counted from the first attempt, and cutting short an attempt that would run past it).
 * Every failure is thrown as a `ClerkOperationError` whose message names the call, and the API URL
 * in use when the answer suggests a wrong one (no answer; a 404 from a URL with a path).
 */
export async function callClerk<T>(
  settings: ClerkSettings,
  context: CallContext,
  request: (client: ClerkClient) => Promise<unknown>,
  expect: (answer: unknown) => T,
): Promise<T> {
  const client = clientFor(settings.secretKey, settings.apiUrl);
  const pacer = settings.rateLimit && pacerFor(settings.secretKey, settings.rateLimit);
  // Failures name the URL in use when the answer suggests a wrong one (null: Clerk's default).
  const apiUrl = settings.apiUrl ?? null;
  const failed = (failure: AttemptFailure, attempts: number) =>
    clerkCallFailed(context, failure, attempts, settings.secretKey, apiUrl, (cause) =>
      firstExplanation(settings.secretKey, settings.apiUrl, cause),
    );
  let deadline: number | undefined;
  let failure: AttemptFailure | undefined;
  for (let attempt = 1; ; attempt++) {
    const answered = pacer ? await pacer.acquire() : undefined;
    // The time bound starts with the first attempt (waiting for the first pacing slot is not
    // retrying) and covers every attempt: none may run past it, however long requestTimeoutMs is.
    deadline ??= Date.now() + settings.maxRetryTimeMs;
    const remaining = deadline - Date.now();
    if (failure && remaining <= 0) throw failed(failure, attempt - 1);
    const timeoutMs = Math.min(settings.requestTimeoutMs, remaining > 0 ? remaining : Infinity);
    try {
      const answer = await withTimeout(request(client), timeoutMs).finally(answered);
      try {
        return expect(answer);
      } catch (error) {
        throw unexpectedAnswer(context, messageOf(error), settings.secretKey);
      }
    } catch (error) {
      if (isPackageError(error, "UnexpectedAnswerError")) throw error;
      // An attempt that only timed out because the time bound cut it short says nothing about
      // Clerk: report Clerk's last real answer (status, code, trace id) rather than a "timeout".
      const cutShort = error instanceof TimeoutError && timeoutMs < settings.requestTimeoutMs;
      if (cutShort && failure?.status !== undefined) throw failed(failure, attempt);
      failure = toAttemptFailure(error);
    }
    const wait = retryDelay(failure, attempt);
    const retriesLeft = attempt <= settings.maxRetries;
    if (wait === undefined || !retriesLeft || Date.now() + wait > deadline) {
      throw failed(failure, attempt);
    }
    if (wait >= reportWaitsFromMs) reportWait(context, failure, attempt, wait, settings.maxRetries + 1);
    await sleep(wait);
  }
}

/** Waits before a retry at least this long are reported while they happen. */
export const reportWaitsFromMs = 3000;

/**
 * Says that a call waits before retrying (a 429's Retry-After, a 5xx backoff), so a long run is
 * not silent: `UserMetadata userId=user_1: update: Clerk answered HTTP 429; retrying in 12 s
 * (attempt 2 of 6)`. Never names a key or a value.
 */
export function reportWait(
  context: CallContext,
  failure: AttemptFailure,
  attempt: number,
  waitMs: number,
  maxAttempts: number,
): void {
  const subject = context.progressLabel ?? describeSubject(context);
  const answer = failure.status === undefined ? "no answer came" : `Clerk answered HTTP ${failure.status}`;
  const text = `${subject}: ${context.operation}: ${answer}; retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1} of ${maxAttempts})`;
  (context.report ?? ((line: string) => process.stderr.write(`${line}\n`)))(text);
}

/** How long to wait before the next attempt after `failure`, or `undefined` when it must not be retried. */
export function retryDelay(
  failure: AttemptFailure,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  if (failure.status === 429) {
    return failure.retryAfter !== undefined ? failure.retryAfter * 1000 : backoff(attempt, random);
  }
  if (failure.status === undefined || failure.status >= 500) return backoff(attempt, random);
  return undefined;
}

/** Exponential backoff with full jitter: a random wait up to 200 ms × 2^(attempt-1), capped at 10 s. */
function backoff(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(10_000, 200 * 2 ** (attempt - 1)));
}

function toAttemptFailure(error: unknown): AttemptFailure {
  const e = error as {
    status?: unknown;
    errors?: { code?: string; message?: string; longMessage?: string }[];
    clerkTraceId?: string;
    retryAfter?: number;
    message?: string;
  };
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  return {
    status: typeof e?.status === "number" ? e.status : undefined,
    code: first?.code,
    message: first?.message ?? messageOf(error),
    longMessage: first?.longMessage,
    traceId: e?.clerkTraceId,
    retryAfter: typeof e?.retryAfter === "number" ? e.retryAfter : undefined,
  };
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    keepMessage(this, `no answer within ${ms} ms`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
