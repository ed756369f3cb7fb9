import { describeEntity, type EntityIds, type KindSpec } from "../core/kinds";
import { instanceKindOf } from "./settings";

/** What a Clerk call was doing, for error messages: the operation and the entity it touched. */
export interface CallContext {
  /** A phrase such as "update metadata" or "read". */
  operation: string;
  spec: KindSpec;
  ids: EntityIds;
}

/** One failed attempt, as the SDK or the transport reported it. */
export interface AttemptFailure {
  /** The HTTP status, or `undefined` for a network error or timeout. */
  status: number | undefined;
  code: string | undefined;
  message: string;
  longMessage: string | undefined;
  traceId: string | undefined;
  /** Seconds Clerk asked to wait (`Retry-After`), when it did. */
  retryAfter: number | undefined;
}

/**
 * The one error type every Clerk failure reaches the user as. Its message names the resource
 * type, the operation, the entity ids, the HTTP status, Clerk's code and message, the trace id
 * and the attempts made, plus what to do for a wrong key or a missing entity. It never holds
 * the secret key.
 */
export class ClerkOperationError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly traceId: string | undefined;

  constructor(context: CallContext, failure: AttemptFailure, attempts: number, secretKey: string) {
    const message = redact(formatMessage(context, failure, attempts, secretKey), secretKey);
    super(message);
    keepMessage(this, message);
    this.name = "ClerkOperationError";
    this.status = failure.status;
    this.code = failure.code;
    this.traceId = failure.traceId;
  }
}

/**
 * True for an error that says the entity does not exist (HTTP 404). A `ClerkOperationError` is
 * checked as such: serialized by value, it is not an `Error` (see {@link keepMessage}).
 */
export function isNotFound(error: unknown): boolean {
  return (
    (error instanceof Error || error instanceof ClerkOperationError) &&
    (error as { status?: unknown }).status === 404
  );
}

/**
 * Sets `message` as the error's own property. When the provider's code is serialized by value
 * (the package imported from source, or from a path outside `node_modules`), Pulumi rewrites
 * `super(message)` into `Error.call(this, message)`, which sets nothing: without this, the
 * error reaches the engine as "Unknown Error" and is not even an `Error` (`instanceof` fails).
 */
export function keepMessage(error: object, message: string): void {
  Object.defineProperty(error, "message", { value: message, writable: true, configurable: true });
}

/** The message of anything thrown, `Error` or not (see {@link keepMessage}). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}

function formatMessage(
  context: CallContext,
  failure: AttemptFailure,
  attempts: number,
  secretKey: string,
): string {
  const { spec, ids, operation } = context;
  const status =
    failure.status === undefined ? "no HTTP answer (network error or timeout)" : `HTTP ${failure.status}`;
  const detail = [failure.code, failure.longMessage ?? failure.message].filter(Boolean).join(": ");
  let message = `${spec.resourceType} ${describeIds(context)}: ${operation} failed with ${status}`;
  if (detail) message += ` (${detail})`;
  if (failure.traceId) message += `, Clerk trace id ${failure.traceId}`;
  if (attempts > 1) message += `, after ${attempts} attempts`;
  message += ".";
  if (failure.status === 401) {
    message += " Clerk did not accept the secret key: check `clerk:secretKey` or CLERK_SECRET_KEY.";
  } else if (failure.status === 403) {
    message += " The secret key is not allowed to do this: check the key's instance and permissions.";
  } else if (failure.status === 404) {
    const instance = instanceKindOf(secretKey);
    const where = instance === "unknown" ? "this Clerk instance" : `this ${instance} instance`;
    message += ` The ${describeEntity(spec, ids)} was not found in ${where}.`;
  }
  return message;
}

/** The ids of the entity a call touched, as messages show them (`organizationId=org_… userId=user_…`). */
export function describeIds(context: CallContext): string {
  return context.spec.idFields.map((field) => `${field.name}=${context.ids[field.name] ?? ""}`).join(" ");
}

/** Replaces every occurrence of the secret key in `text`, so no message can leak it. */
export function redact(text: string, secretKey: string): string {
  return secretKey.length >= 8 ? text.split(secretKey).join("[redacted]") : text;
}
