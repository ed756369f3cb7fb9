/**
 * Every error the provider raises is made here, by one factory per kind of failure. Each class
 * sets its message as an own property (see {@link keepMessage}), so messages survive when Pulumi
 * serializes the provider by value; no message ever holds the secret key.
 */
import { instanceKindOf } from "./instances";
import { describeEntity, type EntityIds, type KindSpec } from "./kinds";
import type { CheckFailure } from "./validate";

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

  constructor(message: string, failure: AttemptFailure) {
    super(message);
    keepMessage(this, message);
    this.name = "ClerkOperationError";
    this.status = failure.status;
    this.code = failure.code;
    this.traceId = failure.traceId;
  }
}

/** The answer was not what Clerk sends (wrong shape, wrong entity): never taken as a success. */
export class UnexpectedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    keepMessage(this, message);
    this.name = "UnexpectedAnswerError";
  }
}

/** A hook ran without any secret key; the message says how to set one. */
export class MissingSecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    keepMessage(this, message);
    this.name = "MissingSecretKeyError";
  }
}

/** The program declared something the provider refuses before any request (a conflict, a plain-text key, a non-JSON value). */
export class InvalidDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    keepMessage(this, message);
    this.name = "InvalidDeclarationError";
  }
}

/** A value the provider was handed that it cannot work with (a malformed id, a bad setting). */
export class InvalidValueError extends Error {
  constructor(message: string) {
    super(message);
    keepMessage(this, message);
    this.name = "InvalidValueError";
  }
}

/** A Clerk call failed: the message names the call and, for 401, 403 and 404, what to do. */
export function clerkCallFailed(
  context: CallContext,
  failure: AttemptFailure,
  attempts: number,
  secretKey: string,
): ClerkOperationError {
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
    message +=
      " Clerk did not accept the secret key: check `clerk:secretKey` or CLERK_SECRET_KEY." +
      " `pulumi refresh` and `pulumi destroy` use the stack config recorded in state by the last `pulumi up`:" +
      " after rotating a key, run `pulumi up` with the new key before revoking the old one," +
      " or leave `clerk:secretKey` unset and pass the key in CLERK_SECRET_KEY, which is read at run time.";
  } else if (failure.status === 403) {
    message += " The secret key is not allowed to do this: check the key's instance and permissions.";
  } else if (failure.status === 404) {
    message += ` ${notFoundHint(spec, ids, secretKey)}`;
  }
  return new ClerkOperationError(redact(message, secretKey), failure);
}

/**
 * The entity does not exist although Clerk answered with a success (an empty membership list):
 * the same 404 error a missing user or organization gives, so every caller treats both alike.
 */
export function entityNotFound(context: CallContext, secretKey: string): ClerkOperationError {
  return clerkCallFailed(
    context,
    {
      status: 404,
      code: "resource_not_found",
      message: `no ${context.spec.entity} matched`,
      longMessage: undefined,
      traceId: undefined,
      retryAfter: undefined,
    },
    1,
    secretKey,
  );
}

/** Clerk's answer (a success status) was not what Clerk sends: `what` says how it differed. */
export function unexpectedAnswer(
  context: CallContext,
  what: string,
  secretKey: string,
): UnexpectedAnswerError {
  return new UnexpectedAnswerError(
    redact(
      `${context.spec.resourceType} ${describeIds(context)}: ${context.operation}: Clerk's answer (a success status) was not what Clerk sends: ${what}`,
      secretKey,
    ),
  );
}

/** A Pulumi resource id that does not fit the kind (`user_…`, `org_…`, `org_…/user_…`). */
export function malformedResourceId(spec: KindSpec, id: string): InvalidValueError {
  const expected = spec.idFields.map((f) => `${f.prefix}…`).join("/");
  return new InvalidValueError(
    `${spec.resourceType}: cannot read id ${JSON.stringify(id)}: expected ${expected}`,
  );
}

/** A malformed `clerk:<name>` setting (or its environment variable); `expected` completes "must …". */
export function invalidSetting(name: string, expected: string, text: string): InvalidValueError {
  return new InvalidValueError(`clerk:${name} must ${expected}, got ${JSON.stringify(text)}`);
}

/** No secret key in `clerk:secretKey` nor CLERK_SECRET_KEY. */
export function missingSecretKey(): MissingSecretKeyError {
  return new MissingSecretKeyError(
    "No Clerk secret key is configured. Set it with `pulumi config set --secret clerk:secretKey <key>` " +
      "or the CLERK_SECRET_KEY environment variable.",
  );
}

/** `clerk:secretKey` is set in plain text, so Pulumi would record it unencrypted in state. */
export function plaintextSecretKey(): InvalidDeclarationError {
  return new InvalidDeclarationError(
    "clerk:secretKey is set in plain text, and Pulumi records the whole stack config in state: " +
      "set it again as a secret with `pulumi config set --secret clerk:secretKey <key>` " +
      "(or remove it with `pulumi config rm clerk:secretKey` and use the CLERK_SECRET_KEY environment variable).",
  );
}

/** Two resources of one program declare the same leaf (or one inside the other) of one entity. */
export function leafConflict(
  resource: string,
  other: string,
  spec: KindSpec,
  ids: EntityIds,
  path: string,
): InvalidDeclarationError {
  return new InvalidDeclarationError(
    `${resource} and ${other} both declare ${path} of ${describeEntity(spec, ids)}; ` +
      "a leaf must be owned by one resource only.",
  );
}

/** Values in a declaration that Pulumi cannot carry; names every bad path. */
export function nonJsonDeclaration(resource: string, failures: CheckFailure[]): InvalidDeclarationError {
  return new InvalidDeclarationError(
    `${resource}: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`,
  );
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

/** The ids of the entity a call touched, as messages show them (`organizationId=org_… userId=user_…`). */
export function describeIds(context: CallContext): string {
  return context.spec.idFields.map((field) => `${field.name}=${context.ids[field.name] ?? ""}`).join(" ");
}

/** Replaces every occurrence of the secret key in `text`, so no message can leak it. */
export function redact(text: string, secretKey: string): string {
  return secretKey.length >= 8 ? text.split(secretKey).join("[redacted]") : text;
}

function notFoundHint(spec: KindSpec, ids: EntityIds, secretKey: string): string {
  const instance = instanceKindOf(secretKey);
  const where = instance === "unknown" ? "this Clerk instance" : `this ${instance} instance`;
  return `The ${describeEntity(spec, ids)} was not found in ${where}.`;
}
