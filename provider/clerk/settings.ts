import { invalidSetting, malformedApiUrl, malformedSecretKey, missingSecretKey } from "../core/errors";
import { instanceKindOf } from "../core/instances";

/** A request budget: at most `requests` requests in any window of `windowMs` milliseconds. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** Everything the provider needs to talk to Clerk, resolved at run time inside a hook. */
export interface ClerkSettings {
  secretKey: string;
  /** Clerk's API URL, or `undefined` for Clerk's default (`https://api.clerk.com`). */
  apiUrl: string | undefined;
  /** Retries after the first attempt, for 429, 5xx, timeouts and network errors. */
  maxRetries: number;
  /** The longest a call may take, retries and waits included. */
  maxRetryTimeMs: number;
  /** The longest one attempt may take before it counts as a network error. */
  requestTimeoutMs: number;
  /** The budget the provider paces itself to, or `undefined` for no pacing. */
  rateLimit: RateLimit | undefined;
  /**
   * Whether reads waiting at the same time share list requests (`readBatcher.ts`); `false` sends
   * one GET per read. Absent means `true`.
   */
  batchReads?: boolean;
}

/** The stack configuration the provider reads (`clerk:<name>`), as given to `configure`. */
export type ConfiguredValues = Partial<Record<(typeof settingNames)[number], string>>;

/** The `clerk:` configuration keys the provider understands. */
export const settingNames = [
  "secretKey",
  "apiUrl",
  "maxRetries",
  "maxRetryTimeMs",
  "requestTimeoutMs",
  "rateLimit",
  "batchReads",
] as const;

const environmentNames: Record<(typeof settingNames)[number], string> = {
  secretKey: "CLERK_SECRET_KEY",
  apiUrl: "CLERK_API_URL",
  maxRetries: "CLERK_MAX_RETRIES",
  maxRetryTimeMs: "CLERK_MAX_RETRY_TIME_MS",
  requestTimeoutMs: "CLERK_REQUEST_TIMEOUT_MS",
  rateLimit: "CLERK_RATE_LIMIT",
  batchReads: "CLERK_BATCH_READS",
};

/** Clerk's own Backend API URL, the SDK's default. */
const clerkApiUrl = "https://api.clerk.com";

/** Clerk's published limits: 100 requests per 10 s on development instances, 1000 on production. */
export const clerkRateLimits = {
  development: { requests: 100, windowMs: 10_000 },
  production: { requests: 1000, windowMs: 10_000 },
} as const;

/**
 * The share of Clerk's published limit the provider spends by default. Clerk counts the budget
 * per instance, and the app's own Backend API calls come out of the same budget: at half, a
 * deployment or a drift gate can never take more than half of any window, so the app keeps at
 * least the other half, while a batched refresh (about one request per 100 resources of a kind)
 * still fits in a single window.
 */
export const defaultRateLimitShare = 0.5;

/** The budget the provider takes by default from a published limit: {@link defaultRateLimitShare} of it. */
export function defaultShareOf(limit: RateLimit): RateLimit {
  return {
    requests: Math.max(1, Math.floor(limit.requests * defaultRateLimitShare)),
    windowMs: limit.windowMs,
  };
}

/**
 * Resolves the settings: each from the stack config `clerk:<name>` first, then its environment
 * variable, then the default. Pacing defaults to {@link defaultRateLimitShare} of Clerk's
 * published limit for the key's instance kind (50 requests per 10 s on development, 500 on
 * production) when talking to Clerk itself, and to none for any other API URL (an emulator or
 * proxy), unless `rateLimit` is set (`"100/10s"`, `"50/1s"` or `"off"`). Reads share list
 * requests unless `batchReads` is `"off"`. Throws `MissingSecretKeyError`
 * when no key is found, and an error naming the setting for a malformed value.
 */
export function resolveSettings(configured: ConfiguredValues, env: NodeJS.ProcessEnv): ClerkSettings {
  const present = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
  const read = (name: (typeof settingNames)[number]) =>
    present(configured[name]) ?? present(env[environmentNames[name]]);
  const secretKey = read("secretKey");
  if (secretKey === undefined) throw missingSecretKey();
  if (instanceKindOf(secretKey) === "unknown") throw malformedSecretKey();
  const apiUrl = read("apiUrl");
  if (apiUrl !== undefined) checkApiUrl(apiUrl);
  const rateLimitText = read("rateLimit");
  const instance = instanceKindOf(secretKey);
  const talksToClerk = apiUrl === undefined || apiUrl.replace(/\/+$/, "") === clerkApiUrl;
  const defaultLimit =
    talksToClerk && instance !== "unknown" ? defaultShareOf(clerkRateLimits[instance]) : undefined;
  return {
    secretKey,
    apiUrl,
    maxRetries: readCount("maxRetries", read("maxRetries"), 5),
    maxRetryTimeMs: readCount("maxRetryTimeMs", read("maxRetryTimeMs"), 120_000),
    requestTimeoutMs: readCount("requestTimeoutMs", read("requestTimeoutMs"), 30_000),
    rateLimit: rateLimitText === undefined ? defaultLimit : parseRateLimit(rateLimitText),
    batchReads: readSwitch("batchReads", read("batchReads"), true),
  };
}

/** Refuses an API URL that is no http(s) URL, or whose path ends in `/v1` (the SDK appends it). */
function checkApiUrl(apiUrl: string): void {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw malformedApiUrl("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw malformedApiUrl("must be an http or https URL");
  const path = url.pathname.replace(/\/+$/, "");
  if (/\/v1$/.test(path)) {
    throw malformedApiUrl("ends in /v1, and the SDK appends /v1 itself", `${url.origin}${path.slice(0, -3)}`);
  }
}

function readSwitch(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  const value = text.trim().toLowerCase();
  if (value === "on" || value === "true") return true;
  if (value === "off" || value === "false") return false;
  throw invalidSetting(name, 'be "on" or "off"', text);
}

function readCount(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw invalidSetting(name, "be a whole number of at least 0", text);
  }
  return value;
}

/** Parses a rate limit written as `<requests>/<seconds>s` (`"100/10s"`), or `"off"` for no pacing. */
export function parseRateLimit(text: string): RateLimit | undefined {
  if (text.trim() === "off") return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*s\s*$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw invalidSetting("rateLimit", 'look like "100/10s" (requests per seconds) or "off"', text);
  }
  return { requests: Number(match[1]), windowMs: Math.round(Number(match[2]) * 1000) };
}
