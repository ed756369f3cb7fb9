import type { Fault } from "./types";

/**
 * A fault as JSON (the admin route `POST /__emulator/faults` and the CLI's `--fault`): `Fault`'s fields,
 * with a regular expression path written as the string `pathRegex`.
 */
export type FaultJson = Omit<Fault, "path"> & { path?: string; pathRegex?: string };

const FAULT_FIELDS: Record<keyof FaultJson, "number" | "string" | "boolean"> = {
  status: "number",
  body: "string",
  contentType: "string",
  retryAfter: "number",
  latencyMs: "number",
  drop: "boolean",
  method: "string",
  path: "string",
  pathRegex: "string",
  count: "number",
  fraction: "number",
};

/**
 * A `Fault` from its JSON form; throws an `Error` naming the field for an unknown field, a value of the
 * wrong type, both `path` and `pathRegex`, or an invalid regular expression.
 */
export function faultFromJson(input: unknown): Fault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new Error("a fault must be a JSON object");
  }
  const fault: Fault = {};
  for (const [key, value] of Object.entries(input)) {
    const type = FAULT_FIELDS[key as keyof FaultJson];
    if (!Object.prototype.hasOwnProperty.call(FAULT_FIELDS, key)) {
      throw new Error(`unknown fault field ${key} (known: ${Object.keys(FAULT_FIELDS).join(", ")})`);
    }
    if (typeof value !== type) throw new Error(`fault field ${key} must be a ${type}`);
    (fault as Record<string, unknown>)[key] = value;
  }
  const json = input as FaultJson;
  if (json.path !== undefined && json.pathRegex !== undefined) {
    throw new Error("a fault takes path or pathRegex, not both");
  }
  if (json.pathRegex !== undefined) {
    delete (fault as FaultJson).pathRegex;
    fault.path = new RegExp(json.pathRegex);
  }
  return fault;
}

/**
 * A fault from the CLI's text: a JSON object, or `field=value` pairs separated by commas
 * (`status=503,count=2,path=/v1/users/user_1`), where numbers and `true`/`false` are converted.
 */
export function faultFromText(text: string): Fault {
  if (text.trim().startsWith("{")) return faultFromJson(JSON.parse(text));
  const json: Record<string, unknown> = {};
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    if (at < 1)
      throw new Error(`fault ${JSON.stringify(text)}: expected field=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1).trim();
    const type = FAULT_FIELDS[key as keyof FaultJson];
    json[key] = type === "number" ? Number(raw) : type === "boolean" ? raw === "true" : raw;
    if (type === "number" && !Number.isFinite(json[key]))
      throw new Error(`fault field ${key} must be a number`);
    if (type === "boolean" && raw !== "true" && raw !== "false") {
      throw new Error(`fault field ${key} must be true or false`);
    }
  }
  return faultFromJson(json);
}

interface ActiveFault {
  fault: Fault;
  remaining: number | undefined;
}

/** True when a fault's `path` filter accepts `path` (the full path; a string may also omit `/v1`). */
function pathMatches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "string") return filter === path || `/v1${filter}` === path;
  filter.lastIndex = 0;
  return filter.test(path);
}

/**
 * The injected faults, checked in the order they were added. The first fault whose filters match and
 * whose `fraction` draw succeeds applies; a `count` fault expires after that many applications.
 */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number) {}

  /** Adds a fault; throws a `RangeError` for a `count` < 1 or a `fraction` outside 0..1. */
  inject(fault: Fault): void {
    if (fault.count !== undefined && !(Number.isInteger(fault.count) && fault.count >= 1)) {
      throw new RangeError("fault.count must be a positive integer");
    }
    if (fault.fraction !== undefined && !(fault.fraction >= 0 && fault.fraction <= 1)) {
      throw new RangeError("fault.fraction must be between 0 and 1");
    }
    this.faults.push({ fault: { ...fault }, remaining: fault.count });
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The active faults in JSON form (a RegExp `path` as `pathRegex`), `count` as the uses left. */
  list(): FaultJson[] {
    return this.faults.map(({ fault, remaining }) => {
      const { path, ...rest } = fault;
      const json: FaultJson = { ...rest };
      if (typeof path === "string") json.path = path;
      else if (path) json.pathRegex = path.source;
      if (remaining !== undefined) json.count = remaining;
      return json;
    });
  }

  /** The fault that applies to this request, if any, consuming one use of a `count` fault. */
  take(method: string, path: string): Fault | undefined {
    for (const active of this.faults) {
      const { fault } = active;
      if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!pathMatches(fault.path, path)) continue;
      if (fault.fraction !== undefined && !(this.random() < fault.fraction)) continue;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
      }
      return fault;
    }
    return undefined;
  }
}
