/** One error in Clerk's error list. */
export interface ClerkErrorJson {
  message: string;
  long_message: string;
  code: string;
  meta: Record<string, unknown>;
}

/**
 * An error the emulator answers with: an HTTP status plus one Clerk error. Thrown by the store and the
 * router; the server turns it into Clerk's `{ errors, clerk_trace_id }` body.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly longMessage: string = message,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The error as the element of Clerk's `errors` array. */
  toJson(): ClerkErrorJson {
    return { message: this.message, long_message: this.longMessage, code: this.code, meta: this.meta };
  }
}

/** Clerk's error body for `errors` with the given trace id. */
export function errorBody(errors: ClerkErrorJson[], clerkTraceId: string): string {
  return JSON.stringify({ errors, clerk_trace_id: clerkTraceId });
}

/** 404 `resource_not_found`, as Clerk answers for an unknown id or route. */
/**
 * 404 `route_not_found` for a path or method the emulator does not serve. Its own code, not
 * `resource_not_found`: a client that takes Clerk's not-found to mean "the entity is gone" must
 * not read a wrong URL as a deleted entity (the provider's `isNotFound`).
 */
export function routeNotFound(method: string, path: string): ApiError {
  return new ApiError(
    404,
    "route_not_found",
    "no such route",
    `The Clerk emulator serves no ${method} ${path}: check the API URL and path.`,
  );
}

export function notFound(): ApiError {
  return new ApiError(404, "resource_not_found", "not found", "The requested resource was not found.");
}

/**
 * 401 `clerk_key_invalid`, as Clerk answers for a missing or wrong secret key. Sources: `@clerk/backend`
 * `TokenVerificationErrorCode.InvalidSecretKey = "clerk_key_invalid"` (src/errors.ts), which
 * `fetchJWKSFromBAPI` looks for in a Backend API error answer; the body Clerk sent for a bad key in
 * clerk/clerk-sdk-python#26 (message and long_message both the sentence below). The spec's 401 answer is
 * `AuthenticationInvalid`, a `ClerkErrors` body without a code.
 */
export function clerkKeyInvalid(): ApiError {
  const sentence =
    "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.";
  return new ApiError(401, "clerk_key_invalid", sentence, sentence);
}

/**
 * 422 `form_param_unknown` for a body parameter the endpoint does not take: every metadata body in the
 * spec has `additionalProperties: false`. Message and meta as Clerk sends them ("is unknown", "<param> is
 * not a valid parameter for this request.", `meta.param_name`).
 */
export function unknownParam(param: string): ApiError {
  return new ApiError(
    422,
    "form_param_unknown",
    "is unknown",
    `${param} is not a valid parameter for this request.`,
    { param_name: param },
  );
}

/** 422 `form_param_value_invalid` for a body parameter with a wrong value. */
export function invalidParam(param: string, longMessage: string): ApiError {
  return new ApiError(422, "form_param_value_invalid", "is invalid", longMessage, { param_name: param });
}

/** 422 `form_param_missing` for a required body parameter that was not sent. */
export function missingParam(param: string): ApiError {
  return new ApiError(422, "form_param_missing", "is missing", `${param} must be included.`, {
    param_name: param,
  });
}

/** A reason phrase for the statuses the emulator sends (used for generic fault bodies). */
export function statusCode(status: number): string {
  const codes: Record<number, string> = {
    400: "bad_request",
    401: "clerk_key_invalid",
    403: "authorization_invalid",
    404: "resource_not_found",
    409: "conflict",
    413: "request_body_too_large",
    422: "form_param_value_invalid",
    429: "too_many_requests",
    500: "internal_clerk_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
  };
  return codes[status] ?? (status >= 500 ? "internal_clerk_error" : "request_failed");
}
