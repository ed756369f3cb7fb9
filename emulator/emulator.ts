import type { AddressInfo } from "node:net";
import { FaultInjector } from "./faults";
import { loadState, saveState } from "./persistence";
import { createPrng, randomBase62 } from "./random";
import { RateLimiter } from "./rateLimit";
import { formatRequestLine, RequestLog, type RequestListener } from "./requestLog";
import { createEmulatorServer } from "./server";
import { Store } from "./store";
import type {
  Counters,
  Fault,
  LoggedRequest,
  MembershipJson,
  OrganizationJson,
  RateLimit,
  ReplaceNull,
  SeedData,
  UnknownIdFilter,
  UserJson,
} from "./types";

/** Options of `startEmulator`; every one is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The only accepted `Authorization: Bearer` key; default a generated `sk_test_…` key. */
  secretKey?: string;
  /** Per-key rate limit; `false` (default) turns it off. */
  rateLimit?: RateLimit | false;
  /** Data to start with (added after `dataFile` is loaded, only when the file did not exist). */
  seed?: SeedData;
  /** JSON file to load at start (if it exists) and rewrite atomically after every mutation. */
  dataFile?: string;
  /** Seed of the PRNG behind `fault.fraction`, for deterministic tests. */
  randomSeed?: number;
  /** Faults active from the start (as if passed to `inject` in order). */
  faults?: Fault[];
  /**
   * How `user_id` / `organization_id` list filters treat ids that name nothing: `"dropped-filter"`
   * (default) or `"ignored-id"`. See `UnknownIdFilter`.
   */
  unknownIdFilter?: UnknownIdFilter;
  /** What `PUT …/metadata` stores for a field sent as `null`: `"null"` (default) or `"empty-object"`. */
  replaceNull?: ReplaceNull;
  /**
   * The foreground request log, one line per answered request (`GET /v1/users/u 200 2ms`), admin
   * requests included: `true` prints to stdout, a function receives each line. Off by default (the CLI
   * turns it on).
   */
  logRequests?: boolean | ((line: string) => void);
}

/** Read access to the stored data without HTTP; every getter returns a deep copy or `undefined`. */
export interface EmulatorData {
  getUser(id: string): UserJson | undefined;
  getOrganization(id: string): OrganizationJson | undefined;
  getMembership(organizationId: string, userId: string): MembershipJson | undefined;
  /** All users, organizations and membership records (deep copies). */
  snapshot(): { users: UserJson[]; organizations: OrganizationJson[]; memberships: MembershipJson[] };
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: no trailing slash, no `/v1` (the SDK adds it). */
  readonly url: string;
  /** The secret key requests must carry. */
  readonly secretKey: string;
  /** A copy of the request log, in arrival order. */
  requests(): LoggedRequest[];
  /** Clears the request log, the counters and the rate-limit history; stored data stays. */
  reset(): void;
  /** Counters of answered requests since start or the last `reset()`. */
  counters(): Counters;
  /** Adds a fault (see `Fault`). */
  inject(fault: Fault): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Changes the rate limit (`false` turns it off). */
  setRateLimit(limit: RateLimit | false): void;
  /** Direct data access for tests. */
  readonly data: EmulatorData;
  /** Closes the server and every connection (keep-alive too); resolves once closed. */
  stop(): Promise<void>;
}

/**
 * Starts a Clerk Backend API emulator on 127.0.0.1 and resolves once it listens. Rejects when the port
 * is taken, the data file is unreadable or the seed is invalid.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const secretKey = options.secretKey ?? `sk_test_${randomBase62(40)}`;
  const dataFile = options.dataFile;
  const store = new Store(dataFile ? (state) => saveState(dataFile, state) : undefined, {
    unknownIdFilter: options.unknownIdFilter ?? "dropped-filter",
    replaceNull: options.replaceNull ?? "null",
  });
  const loaded = dataFile ? loadState(dataFile) : undefined;
  if (loaded) store.load(loaded);
  else if (options.seed) store.seed(options.seed);

  const rateLimiter = new RateLimiter();
  rateLimiter.set(options.rateLimit ?? false);
  const faults = new FaultInjector(createPrng(options.randomSeed));
  for (const fault of options.faults ?? []) faults.inject(fault);
  const print = options.logRequests === true ? (line: string) => console.log(line) : options.logRequests;
  const listener: RequestListener | undefined = print
    ? (entry, ms) => print(formatRequestLine(entry, ms))
    : undefined;
  const log = new RequestLog(listener);
  const server = createEmulatorServer({
    store,
    faults,
    rateLimiter,
    log,
    secretKey,
    adminListener: listener,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const data: EmulatorData = {
    getUser: (id) => store.findUser(id),
    getOrganization: (id) => store.findOrganization(id),
    getMembership: (orgId, userId) => store.findMembership(orgId, userId),
    snapshot: () => {
      const state = store.snapshot();
      return {
        users: state.users,
        organizations: state.organizations.map((org) => store.findOrganization(org.id) as OrganizationJson),
        memberships: state.memberships.map(
          (m) => store.findMembership(m.organization_id, m.user_id) as MembershipJson,
        ),
      };
    },
  };

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    requests: () => log.requests(),
    reset: () => {
      log.reset();
      rateLimiter.reset();
    },
    counters: () => log.counters(),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    setRateLimit: (limit) => rateLimiter.set(limit),
    data,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
