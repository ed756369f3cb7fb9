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
  /**
   * What messages name instead of the resource type and ids, for a call that is no resource's
   * (a lookup: `getUser emailAddress="alexis@example.com"`). A 404 then carries no "not found in
   * this instance" sentence: the caller says what was not found.
   */
  label?: string;
  /** What progress messages name for a call that serves several entities (a list request), instead of the ids. */
  progressLabel?: string;
  /**
   * Where progress is reported while the call waits to retry. Default: this process's stderr,
   * which the engine shows as an info message when the call runs in a provider host.
   */
  report?: (text: string) => void;
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
  /**
   * True when the answer more likely comes from a wrong API URL than from Clerk (a 404 from a URL
   * whose path ends in `/v1`): such a 404 never counts as "the entity is gone" (see {@link isNotFound}).
   */
  readonly suspectApiUrl: boolean;

  constructor(message: string, failure: AttemptFailure, suspectApiUrl = false) {
    super(message);
    keepMessage(this, message);
    this.name = "ClerkOperationError";
    this.status = failure.status;
    this.code = failure.code;
    this.traceId = failure.traceId;
    this.suspectApiUrl = suspectApiUrl;
  }
}

/**
 * An `Error` class whose instances are named `name` and keep their message as an own property
 * (see {@link keepMessage}), so both survive when Pulumi serializes the provider by value. With
 * `runError`, instances also carry the mark of Pulumi's `RunError` (`__pulumiRunError`, sdk/nodejs/
 * errors.ts, v3.248.0): a program that fails with one prints its message alone, without a stack
 * trace or an inspected object (sdk/nodejs/cmd/run/run.ts `uncaughtHandler`, v3.248.0).
 */
function namedError(name: string, runError = false) {
  return class extends Error {
    constructor(message: string) {
      super(message);
      keepMessage(this, message);
      this.name = name;
      if (runError) Object.defineProperty(this, "__pulumiRunError", { value: true });
    }
  };
}

/** A lookup (`getUser`, `getOrganization`, `getOrganizationMembership`) found nothing, or more than one. */
export const LookupError = namedError("LookupError", true);
/** An instance of {@link LookupError}. */
export type LookupError = InstanceType<typeof LookupError>;

/** The answer was not what Clerk sends (wrong shape, wrong entity): never taken as a success. */
export const UnexpectedAnswerError = namedError("UnexpectedAnswerError");
/** An instance of {@link UnexpectedAnswerError}. */
export type UnexpectedAnswerError = InstanceType<typeof UnexpectedAnswerError>;

/** A hook ran without any secret key; the message says how to set one. */
export const MissingSecretKeyError = namedError("MissingSecretKeyError");
/** An instance of {@link MissingSecretKeyError}. */
export type MissingSecretKeyError = InstanceType<typeof MissingSecretKeyError>;

/** The program declared something the provider refuses before any request (a conflict, a plain-text key, a non-JSON value). */
export const InvalidDeclarationError = namedError("InvalidDeclarationError", true);
/** An instance of {@link InvalidDeclarationError}. */
export type InvalidDeclarationError = InstanceType<typeof InvalidDeclarationError>;

/** A value the provider was handed that it cannot work with (a malformed id, a bad setting). */
export const InvalidValueError = namedError("InvalidValueError");
/** An instance of {@link InvalidValueError}. */
export type InvalidValueError = InstanceType<typeof InvalidValueError>;

/**
 * A Clerk call failed: the message names the call and, for 401, 403 and 404, what to do. On a
 * 401 the explanation of keys recorded in state (rotation) is given only when `firstOfCause`
 * says this is the first 401 with this key here, so a run where every resource fails for one
 * wrong key says it once; every such message still names the settings to check. When
 * `apiUrl` is given (the configured URL; `null` for Clerk's default), a failure that suggests a
 * wrong URL (no HTTP answer; a 404 from a URL with a path) names the URL in use and the settings
 * that choose it. A 404 from a URL whose path ends in `/v1` is not taken as "gone" (the SDK
 * appends `/v1` itself, so every path answers 404 there).
 */
export function clerkCallFailed(
  context: CallContext,
  failure: AttemptFailure,
  attempts: number,
  secretKey: string,
  apiUrl?: string | null,
  firstOfCause: (cause: string) => boolean = () => true,
): ClerkOperationError {
  const { spec, ids, operation } = context;
  const status =
    failure.status === undefined ? "no HTTP answer (network error or timeout)" : `HTTP ${failure.status}`;
  const detail = [failure.code, failure.longMessage ?? failure.message].filter(Boolean).join(": ");
  let message = `${describeSubject(context)}: ${operation} failed with ${status}`;
  if (detail) message += ` (${detail})`;
  if (failure.traceId) message += `, Clerk trace id ${failure.traceId}`;
  if (attempts > 1) message += `, after ${attempts} attempts`;
  message += ".";
  if (failure.status === 401) {
    message += " Clerk did not accept the secret key: check `clerk:secretKey` or CLERK_SECRET_KEY.";
    if (firstOfCause("401"))
      message +=
        " `pulumi refresh` and `pulumi destroy` use the stack config recorded in state by the last `pulumi up`:" +
        " after rotating a key, run `pulumi up` with the new key before revoking the old one," +
        " or leave `clerk:secretKey` unset and pass the key in CLERK_SECRET_KEY, which is read at run time.";
  } else if (failure.status === 403) {
    message += " The secret key is not allowed to do this: check the key's instance and permissions.";
  } else if (failure.status === 404 && failure.code === clerkNotFoundCode && context.label === undefined) {
    message += ` ${notFoundHint(spec, ids, secretKey)}`;
  }
  const urlHint = apiUrl === undefined ? undefined : apiUrlHint(failure, apiUrl);
  if (urlHint) message += ` ${urlHint.text}`;
  return new ClerkOperationError(redact(message, secretKey), failure, urlHint?.suspect ?? false);
}

/**
 * The error code of Clerk's own "not found" answer (a 404 whose body is Clerk's `ClerkErrors`
 * shape, OpenAPI 2026-05-12 `components.responses.ResourceNotFound`). Only a 404 carrying it means
 * the entity is gone; any other 404 (an HTML or empty page from a wrong URL or a proxy) is an error.
 */
export const clerkNotFoundCode = "resource_not_found";

/** Clerk's Backend API URL, the SDK's default when `clerk:apiUrl` and CLERK_API_URL are unset. */
const defaultApiUrl = "https://api.clerk.com";

/**
 * What to say about the API URL in use after `failure`, or `undefined` when the answer says
 * nothing about it. `apiUrl` is the configured value (`null`: Clerk's default). The URL is shown
 * without any user name or password it may hold.
 */
export function apiUrlHint(
  failure: AttemptFailure,
  apiUrl: string | null,
): { text: string; suspect: boolean } | undefined {
  const shown = showUrl(apiUrl ?? defaultApiUrl);
  const settings = "clerk:apiUrl / CLERK_API_URL";
  if (failure.status === undefined) {
    return { text: `No answer from ${shown} (check ${settings}).`, suspect: false };
  }
  if (failure.status !== 404) return undefined;
  const urlPath = apiUrl === null ? "" : pathOf(apiUrl);
  const origin = apiUrl === null ? undefined : originOf(apiUrl);
  if (/\/v1$/.test(urlPath)) {
    return {
      text:
        `The API URL in use, ${shown}, ends in /v1, and the SDK appends /v1 itself ` +
        `(requests went to ${shown}/v1/…), so every path answers 404: ` +
        `set ${settings} to ${origin}${urlPath.slice(0, -3)}.`,
      suspect: true,
    };
  }
  if (failure.code !== clerkNotFoundCode) {
    return {
      text:
        `The 404 did not carry Clerk's error body (code ${clerkNotFoundCode}), so it did not come from ` +
        `Clerk's Backend API and is not taken to mean the entity is gone: check ${settings} (in use: ${shown}) ` +
        "and any proxy in between.",
      suspect: true,
    };
  }
  if (urlPath === "") return undefined;
  return {
    text: `The API URL in use, ${shown}, has a path (${urlPath}); if Clerk is not served there, set ${settings} to ${origin}.`,
    suspect: false,
  };
}

/** The URL as messages show it: no credentials, query or fragment, no trailing slash. */
function showUrl(url: string): string {
  const origin = originOf(url);
  return origin === undefined ? url.replace(/\/+$/, "") : `${origin}${pathOf(url)}`;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The URL's path without trailing slashes (`""` for none, or for a URL that does not parse). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, "");
  } catch {
    return "";
  }
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
      `${describeSubject(context)}: ${context.operation}: Clerk's answer (a success status) was not what Clerk sends: ${what}`,
      secretKey,
    ),
  );
}

/**
 * A lookup that cannot answer with exactly one entity: `label` names the lookup and what it looked
 * for, `reason` says what it found instead (nothing, several, or arguments it cannot use).
 */
export function lookupFailed(label: string, reason: string, secretKey = ""): LookupError {
  return new LookupError(redact(`${label}: ${reason}`, secretKey));
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

/**
 * The secret key is not shaped like one (`sk_test_…` or `sk_live_…`); the message says which kind
 * of value it looks like, never the value.
 */
export function malformedSecretKey(): InvalidValueError {
  return new InvalidValueError(
    "The Clerk secret key in clerk:secretKey / CLERK_SECRET_KEY is not a secret key: it must start with " +
      "sk_test_ (development) or sk_live_ (production). A publishable key (pk_…) is not a secret key: " +
      "copy the secret key from the Clerk dashboard (API keys).",
  );
}

/** `clerk:apiUrl` / CLERK_API_URL is no http(s) URL, or ends in `/v1` (the SDK appends `/v1` itself). */
export function malformedApiUrl(reason: string, suggestion?: string): InvalidValueError {
  return new InvalidValueError(
    `clerk:apiUrl / CLERK_API_URL ${reason}` + (suggestion ? `: set it to ${suggestion}` : "") + ".",
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
 * True when `error` is one of this package's errors named `name` (`"ClerkOperationError"`,
 * `"UnexpectedAnswerError"`, …), whichever copy of the package made it. Serialized by value, each
 * resource kind's provider carries its own copy of these classes, and reads shared between them
 * (`readBatcher.ts`) hand one copy's error to another: `instanceof` would say no. The name is an
 * own property of every instance (set in each constructor), so it survives any copy.
 */
export function isPackageError(error: unknown, name: string): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === name;
}

/** True for a {@link ClerkOperationError} of any copy of the package (see {@link isPackageError}). */
export function isClerkOperationError(error: unknown): error is ClerkOperationError {
  return error instanceof ClerkOperationError || isPackageError(error, "ClerkOperationError");
}

/**
 * True for an error that says the entity does not exist: Clerk's own 404, carrying the
 * {@link clerkNotFoundCode} code, from a URL not suspected of being wrong. Any other 404 is false,
 * so it never drops a resource from state or counts a delete as done. A `ClerkOperationError` is
 * recognized whichever copy of the package made it (see {@link isPackageError}).
 */
export function isNotFound(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown; suspectApiUrl?: unknown } | null;
  return (
    (error instanceof Error || isClerkOperationError(error)) &&
    e?.status === 404 &&
    e.code === clerkNotFoundCode &&
    e.suspectApiUrl !== true
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

/** What a call's messages start with: the resource type and ids, or the lookup's label. */
export function describeSubject(context: CallContext): string {
  return context.label ?? `${context.spec.resourceType} ${describeIds(context)}`;
}

/** The ids of the entity a call touched, as messages show them (`organizationId=org_… userId=user_…`). */
export function describeIds(context: CallContext): string {
  return context.spec.idFields.map((field) => `${field.name}=${context.ids[field.name] ?? ""}`).join(" ");
}

/**
 * Replaces every occurrence of the secret key in `text`, and drops the user name and password of
 * any URL in it (`http://me:pw@host` becomes `http://host`), so no message can leak either.
 */
export function redact(text: string, secretKey: string): string {
  const withoutCredentials = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1");
  return secretKey.length >= 8 ? withoutCredentials.split(secretKey).join("[redacted]") : withoutCredentials;
}

function notFoundHint(spec: KindSpec, ids: EntityIds, secretKey: string): string {
  const instance = instanceKindOf(secretKey);
  const where = instance === "unknown" ? "this Clerk instance" : `this ${instance} instance`;
  return `The ${describeEntity(spec, ids)} was not found in ${where}.`;
}

/**
 * True for a Clerk answer that says metadata is too large: a 413, or a 4xx whose code or message
 * speaks of a size or limit. Clerk documents neither the code nor whether the 8 KB is per field.
 */
export function isMetadataTooLarge(error: unknown): boolean {
  if (!isClerkOperationError(error)) return false;
  if (error.status === 413) return true;
  if (error.status === undefined || error.status < 400 || error.status >= 500) return false;
  return /metadata/i.test(error.message) && /(limit|exceed|too large|size|8\s?kb)/i.test(error.message);
}

/**
 * The same failure, its message extended to say which limit was hit: the JSON size of each
 * metadata field the request sent, and of all of them together, beside the provider's own check.
 */
export function metadataLimitHit(
  error: ClerkOperationError,
  sizes: Partial<Record<"publicMetadata" | "privateMetadata" | "unsafeMetadata", number>>,
): ClerkOperationError {
  const fields = Object.entries(sizes).map(([field, bytes]) => `${field} ${bytes} bytes`);
  const total = Object.values(sizes).reduce((sum, bytes) => sum + (bytes ?? 0), 0);
  const message =
    `${error.message} Clerk's metadata size limit was hit: this request sent ${fields.join(", ")}` +
    `${fields.length > 1 ? ` (${total} bytes together)` : ""}. The provider checks each field against 8192 bytes` +
    " at preview; Clerk may count the fields together or count what it stores after the merge.";
  return new ClerkOperationError(
    message,
    {
      status: error.status,
      code: error.code,
      message,
      longMessage: undefined,
      traceId: error.traceId,
      retryAfter: undefined,
    },
    error.suspectApiUrl,
  );
}
