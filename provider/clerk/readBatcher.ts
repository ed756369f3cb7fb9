/**
 * Coalesced reads: reads of one kind that wait at the same time in this process share one list
 * request (`GET /v1/users?user_id=…`, `GET /v1/organizations?organization_id=…`,
 * `GET /v1/organizations/{id}/memberships?user_id=…`, or `GET /v1/users/{id}/organization_memberships`
 * for the memberships of one user), up to {@link maxIdsPerList} ids each, and each read still
 * answers for exactly its own entity. The engine runs refresh reads `--parallel` at a time, so a
 * refresh's reads arrive together and leave together.
 *
 * What an answer proves (Clerk: "Any user IDs not found are ignored", GetUserList,
 * ListOrganizations, ListOrganizationMemberships, OpenAPI 2026-05-12):
 * - an entity of the answer whose id was asked for is that entity (its metadata is used only when
 *   the answer carries every metadata field of the kind, `null` included; otherwise that read
 *   falls back to its own GET, so a list that left out `private_metadata` never reads as empty);
 * - an asked-for entity that is absent is gone only when the answer shows the filter was applied:
 *   every listed entity was asked for (and, for memberships, belongs to the organization asked
 *   about) and the total count, where the answer reports one, is not larger than the list
 *   (users' lists report none: they are filtered by id, up to as many as asked). Clerk may drop a
 *   filter whose ids it knows none of, and then lists entities nobody asked for: the absent ones
 *   then fall back to their own GET (which, for a membership, checks the user) rather than read
 *   as gone. A list of a whole group (a user's memberships: no filter, see
 *   {@link ListReader.listsWholeGroup}) may hold entities nobody asked for; an absent one is gone
 *   when the list is complete;
 * - an entry that is malformed (an asked-for id listed twice, a metadata field that is not an
 *   object, an entry that names no id) fails the reads it may concern with an unexpected-answer
 *   error; it is never attributed to another entity.
 *
 * Group commit: per kind, instance, operation and organization (for memberships), at most
 * {@link maxListsInFlight} list request is in flight. A read that finds none in flight is sent in
 * the same turn of the event loop (`setImmediate`: no timer, so reads started together in one
 * turn go together); reads that arrive while one is in flight (or waiting in the pacer behind
 * Clerk's rate limit) wait for it to finish and then go together in the next one, up to
 * {@link maxIdsPerList} ids. So the batch size follows the load: reads the engine starts
 * `--parallel` at a time, as earlier ones finish, share about one request per `--parallel` reads.
 * A batch of one read is sent as that read's own GET, so a lone read costs what it did before
 * batching (except a whole group's list: see Joining).
 *
 * Catch-up: the engine answers a finished read by starting its next one, but that read reaches
 * this process a little later (a round trip through the engine), one at a time. Sending the first
 * of them at once would split every batch in two (a lone GET, then the rest). So when a request
 * of a lane finishes and answered k reads, the lane holds its queued reads until k more reads of
 * the same operation have arrived in this process (in any lane: the engine's next steps may be of
 * another scope), or no read of the operation arrived for {@link catchUpQuietMs} (the engine has
 * nothing more to send), or {@link catchUpMaxMs} have passed, whichever comes first. The quiet
 * period follows the pace of arrivals, so a busy host that takes its time to hand over the
 * engine's reads still gathers them. A read that finds its lane idle, with no request just
 * finished, is not held for catch-up (only a whole group's, for its siblings: see Siblings).
 *
 * Joining: a list of a whole group (a user's memberships) answers for every entity of the group,
 * so a read of that group that arrives while the list is in flight (sent, not yet answered) joins
 * it instead of waiting for the next request; it waits at the same time as the request and shares
 * its answer like the reads it was sent for. Such a list is sent even for one read (it costs one
 * request, as that read's own GET would), so the group's next reads can join it.
 *
 * Siblings: the engine starts reads in state order, so a group's reads come one after another,
 * and a read of the next group shows that the engine has started them all. A read that finds its
 * whole group's lane idle is held until a read of another group of the same grouping arrives, or
 * no read of the operation arrived for {@link siblingQuietMs} (at most {@link siblingMaxMs}), so
 * the group's reads go in one list instead of a lone one and the rest.
 *
 * Grouping: a kind may have more than one way to group its reads (memberships: by organization,
 * or by user). A read joins the grouping under which the kind's recent reads of the same instance
 * and operation (the last {@link groupingWindow}) most often shared a group with the read that
 * arrived just before them, ties going to the first way. So memberships refreshed organization by
 * organization share their organization's lists, and memberships refreshed user by user (the
 * engine reads in the order they were declared) share their user's.
 */
import type { ClerkClient } from "@clerk/backend";
import {
  ClerkOperationError,
  entityNotFound,
  isClerkOperationError,
  isPackageError,
  messageOf,
  unexpectedAnswer,
  UnexpectedAnswerError,
  type CallContext,
} from "../core/errors";
import { isPlainObject, type JsonObject } from "../core/json";
import type { EntityIds, KindSpec, MetadataField } from "../core/kinds";
import type { EntityMetadata } from "./answers";
import { callClerk } from "./call";
import type { ClerkSettings } from "./settings";

/** Clerk's limit on ids in one list filter ("Accepts up to 100 user IDs", OpenAPI 2026-05-12). */
export const maxIdsPerList = 100;

/** List requests of one kind, instance, operation and organization in flight at once. */
export const maxListsInFlight = 1;

/**
 * A lane holding its queued reads after a request (see Catch-up above) lets them go once no read
 * of the operation arrived for this long. Only reads queued during a run of reads wait it.
 */
export const catchUpQuietMs = 100;

/** The longest a lane holds its queued reads after a request, however steadily reads arrive. */
export const catchUpMaxMs = 1000;

/**
 * How long a gathering lane (see {@link ReadOptions}) holds at most. Its reads arrive at the pace
 * the engine finishes steps, which each save the whole checkpoint (about 130 ms a step at 1,000
 * resources here), so a list of P takes P such steps to fill: no quiet period applies.
 */
export const gatherMaxMs = 2000;

/**
 * How long a gathering lane that was idle waits for no new read before its first list: the
 * engine starts its first P steps at once, so their reads come close together.
 */
export const gatherQuietMs = 300;

/** A whole group's first read waits at most this long with no read of the operation arriving (see Siblings above). */
export const siblingQuietMs = 10;

/** The longest a whole group's first read waits for its siblings, however steadily reads arrive. */
export const siblingMaxMs = 50;

/** How many recent reads of a kind (instance, operation) choose the grouping of the next (see Grouping above). */
export const groupingWindow = 16;

/** How one kind reads a batch with a list request, and one entity on its own. */
export interface ListReader {
  spec: KindSpec;
  /**
   * True when the list request has no id filter and lists every entity of the group (paged by
   * Clerk's limit): entities nobody asked for are expected, and an asked-for entity absent from
   * a complete list (total count not larger than the list) is gone.
   */
  listsWholeGroup?: boolean;
  /** What reads sharing one list request must have in common: the organization (or the user) for memberships, "" otherwise. */
  groupOf(ids: EntityIds): string;
  /** What tells the entities of one group apart (the id a filtered list filters by): the user id for users and a membership of an organization, the organization id otherwise. */
  keyOf(ids: EntityIds): string;
  /** The entity ids of `key` within `group` (the inverse of `groupOf` and `keyOf`). */
  idsOf(group: string, key: string): EntityIds;
  /** Batches of at most this many distinct entities are read with one GET each instead of a list. */
  singleReadsUpTo: number;
  /** One list request for the distinct `keys` (at most {@link maxIdsPerList}) of `group`, as the SDK answers it. */
  list(settings: ClerkSettings, client: ClerkClient, group: string, keys: string[]): Promise<unknown>;
  /** The listed entities and the total count the answer reports (`undefined` when it reports none); throws when the answer is no list. */
  entriesOf(answer: unknown): { entries: unknown[]; totalCount: unknown };
  /** Where a listed entity belongs, as the answer says (unchecked). */
  placeOf(entity: unknown): { group: unknown; key: unknown };
  /** The unbatched read of one entity (the kind's own GET). */
  readOne(settings: ClerkSettings, ids: EntityIds, operation: string): Promise<EntityMetadata>;
}

/** One read waiting for its batch. */
interface Waiting {
  ids: EntityIds;
  key: string;
  resolve: (metadata: EntityMetadata) => void;
  reject: (error: unknown) => void;
}

/** Reads sent together in one list request (or, when few, one GET each). */
interface Batch {
  reader: ListReader;
  settings: ClerkSettings;
  group: string;
  operation: string;
  waiting: Waiting[];
  keys: Set<string>;
  /** True while a whole group's list (see {@link ListReader.listsWholeGroup}) awaits its answer: reads of the group may still join it. */
  joinable: boolean;
}

/** The reads of one kind, instance, operation and organization: those queued, and requests in flight. */
interface Lane {
  reader: ListReader;
  settings: ClerkSettings;
  group: string;
  operation: string;
  queue: Waiting[];
  inFlight: number;
  /** True while a send is scheduled for the end of this turn of the event loop. */
  scheduled: boolean;
  /** Set while the lane catches up after a request: the arrival count that releases it, and the timer that does at the latest. */
  held?: Hold;
  /** A lane of gathering reads (see {@link ReadOptions}). */
  gather: boolean;
  /** The whole group's list in flight that reads arriving now may join (see Joining above). */
  joinable?: Batch;
}

/**
 * A lane's hold: the arrival count that releases it, the quiet period that does, the deadline and
 * timer that do at the latest, and, for a whole group's first read, the grouping (scope and way)
 * whose read of another group does.
 */
interface Hold {
  until: number;
  quietMs: number;
  deadline: number;
  timer: NodeJS.Timeout;
  siblingsOf?: string;
}

/** Holds the lane until `until` arrivals of its operation, `quietMs` without one, or `maxMs`, whichever comes first. */
function holdLane(
  laneKey: string,
  lane: Lane,
  until: number,
  quietMs: number,
  maxMs: number,
  siblingsOf?: string,
): void {
  const deadline = performance.now() + maxMs;
  lane.held = { until, quietMs, deadline, timer: quietTimer(laneKey, lane, quietMs, deadline), siblingsOf };
}

/** Releases the lanes of `grouping` held for their siblings (see Siblings above) whose group is not `group`. */
function releaseSiblingHolds(grouping: string, group: string): void {
  for (const [laneKey, lane] of lanes().byKey)
    if (lane.held?.siblingsOf === grouping && lane.group !== group) release(laneKey, lane);
}

/** A string key, not a symbol: Pulumi serializes symbols by value, which would split the lanes. */
const lanesKey = "__pulumiClerkMetadataReadLanes";

/**
 * The lanes of this process, the reads that arrived per operation, and the recent reads per kind
 * (instance and operation) that choose a grouping, shared by every copy of the provider (see
 * `registry.ts`).
 */
interface Lanes {
  byKey: Map<string, Lane>;
  arrivals: Map<string, number>;
  recent: Map<string, EntityIds[]>;
}

function lanes(): Lanes {
  const holder = globalThis as { [lanesKey]?: Lanes };
  holder[lanesKey] ??= { byKey: new Map(), arrivals: new Map(), recent: new Map() };
  return holder[lanesKey];
}

/**
 * The grouping `ids` joins (see Grouping above): the reader under which the most of the last
 * {@link groupingWindow} reads of the kind under `scope` shared a group with the read that
 * arrived just before them (reads that come together are the ones a list can serve); the first
 * reader on a tie. Records `ids` among the recent reads.
 */
function chooseGrouping(readers: readonly ListReader[], scope: string, ids: EntityIds): ListReader {
  const { recent } = lanes();
  const window = recent.get(scope) ?? [];
  let chosen = readers[0]!;
  let best = -1;
  for (const reader of readers) {
    let shared = 0;
    for (let i = 1; i < window.length; i++)
      if (reader.groupOf(window[i - 1]!) === reader.groupOf(window[i]!)) shared++;
    if (shared > best) [chosen, best] = [reader, shared];
  }
  window.push(ids);
  if (window.length > groupingWindow) window.shift();
  recent.set(scope, window);
  return chosen;
}

/** Counts one arrival of `operation`, releasing every lane of it whose catch-up is complete. */
function arrive(operation: string): void {
  const { byKey, arrivals } = lanes();
  const count = (arrivals.get(operation) ?? 0) + 1;
  arrivals.set(operation, count);
  for (const [laneKey, lane] of byKey) {
    if (lane.operation !== operation || !lane.held) continue;
    if (count >= lane.held.until) release(laneKey, lane);
    else waitQuietly(laneKey, lane);
  }
}

/** Restarts the held lane's timer (see {@link quietTimer}). */
function waitQuietly(laneKey: string, lane: Lane): void {
  const held = lane.held!;
  clearTimeout(held.timer);
  held.timer = quietTimer(laneKey, lane, held.quietMs, held.deadline);
}

/** A timer that releases the lane after `quietMs`, cut short by the hold's deadline. */
function quietTimer(laneKey: string, lane: Lane, quietMs: number, deadline: number): NodeJS.Timeout {
  const wait = Math.max(0, Math.min(quietMs, deadline - performance.now()));
  return setTimeout(() => release(laneKey, lane), wait);
}

/** Ends a lane's catch-up: its queued reads go at the end of this turn; an idle lane is forgotten. */
function release(laneKey: string, lane: Lane): void {
  if (lane.held) clearTimeout(lane.held.timer);
  lane.held = undefined;
  if (lane.queue.length > 0) schedule(laneKey, lane);
  else if (lane.inFlight === 0 && !lane.scheduled && lanes().byKey.get(laneKey) === lane)
    lanes().byKey.delete(laneKey);
}

/** Sends the lane's queued reads at the end of this turn of the event loop, unless it is busy or held. */
function schedule(laneKey: string, lane: Lane): void {
  if (lane.inFlight >= maxListsInFlight || lane.scheduled || lane.held) return;
  lane.scheduled = true;
  setImmediate(() => {
    lane.scheduled = false;
    pump(laneKey, lane);
  });
}

/** How a read waits for others to share its list request. */
export interface ReadOptions {
  /**
   * Gather: a read that finds its lane idle is not sent at once but held until no read came for
   * {@link gatherQuietMs} (or a list is full, or {@link gatherMaxMs} passed), and after each
   * answer of k reads the lane holds until k more arrived or {@link gatherMaxMs} passed, with no
   * quiet period. For reads that arrive one by one
   * at the engine's pace and whose latency matters less than their count, such as an adopting
   * create's: its hook goes on only after the read, so the engine's P steps soon all wait here,
   * and each answer of k lets the engine start k more. It costs a lone create
   * {@link gatherQuietMs}, and a create up to {@link gatherMaxMs} when fewer reads come.
   */
  gather?: boolean;
}

/**
 * Reads one entity's metadata, sharing a list request with the reads of the same kind (and
 * organization, for memberships), instance and operation that wait at the same time. Rejects as
 * `reader.readOne` would: a 404 `ClerkOperationError` when the entity is gone, any other error
 * naming this read's own entity and operation.
 */
export function readBatched(
  readers: ListReader | readonly [ListReader, ...ListReader[]],
  settings: ClerkSettings,
  ids: EntityIds,
  operation: string,
  options: ReadOptions = {},
): Promise<EntityMetadata> {
  const ways = Array.isArray(readers) ? readers : [readers as ListReader];
  if (settings.batchReads === false) return ways[0]!.readOne(settings, ids, operation);
  const scope = [settings.secretKey, settings.apiUrl ?? "", ways[0]!.spec.name, operation].join("|");
  const reader = ways.length === 1 ? ways[0]! : chooseGrouping(ways, scope, ids);
  const group = reader.groupOf(ids);
  const grouping = [scope, ways.indexOf(reader)].join("|");
  const laneKey = [grouping, group].join("|");
  const { byKey } = lanes();
  let lane = byKey.get(laneKey);
  if (!lane) {
    lane = {
      reader,
      settings,
      group,
      operation,
      queue: [],
      inFlight: 0,
      scheduled: false,
      gather: !!options.gather,
    };
    byKey.set(laneKey, lane);
  }
  const own = lane;
  if (reader.listsWholeGroup) releaseSiblingHolds(grouping, group);
  return new Promise<EntityMetadata>((resolve, reject) => {
    if (own.joinable?.joinable) {
      const batch = own.joinable;
      const key = reader.keyOf(ids);
      batch.waiting.push({ ids, key, resolve, reject });
      batch.keys.add(key);
      arrive(operation);
      return;
    }
    const idle = own.queue.length === 0 && own.inFlight === 0 && !own.held && !own.scheduled;
    own.queue.push({ ids, key: reader.keyOf(ids), resolve, reject });
    arrive(operation);
    if (own.gather && idle) {
      const arrived = lanes().arrivals.get(operation) ?? 0;
      holdLane(laneKey, own, arrived + maxIdsPerList - 1, gatherQuietMs, gatherMaxMs);
    } else if (reader.listsWholeGroup && idle)
      holdLane(laneKey, own, Infinity, siblingQuietMs, siblingMaxMs, grouping);
    schedule(laneKey, own);
  });
}

/** Sends the lane's queued reads while fewer than {@link maxListsInFlight} requests are in flight. */
function pump(laneKey: string, lane: Lane): void {
  while (lane.inFlight < maxListsInFlight && lane.queue.length > 0 && !lane.held) {
    const batch = takeBatch(lane);
    catchUpOnFirstAnswer(laneKey, lane, batch);
    lane.inFlight++;
    if (batch.joinable) lane.joinable = batch;
    void send(batch).finally(() => {
      lane.inFlight--;
      if (lane.joinable === batch) lane.joinable = undefined;
      if (lane.held) return;
      if (lane.queue.length > 0) pump(laneKey, lane);
      else release(laneKey, lane);
    });
  }
}

/**
 * Holds the lane (see Catch-up) from the moment the first read of `batch` is answered, before
 * its reader goes on: until as many reads of the operation arrived as the batch answered, or as
 * fill the next list, whichever is fewer.
 */
function catchUpOnFirstAnswer(laneKey: string, lane: Lane, batch: Batch): void {
  let answered = false;
  const hold = () => {
    if (answered) return;
    answered = true;
    const queued = new Set(lane.queue.map((waiting) => waiting.key)).size;
    const awaited = Math.min(batch.waiting.length, maxIdsPerList - queued);
    if (awaited <= 0 || lane.held) return;
    const arrived = lanes().arrivals.get(lane.operation) ?? 0;
    if (lane.gather) holdLane(laneKey, lane, arrived + awaited, Infinity, gatherMaxMs);
    else holdLane(laneKey, lane, arrived + awaited, catchUpQuietMs, catchUpMaxMs);
  };
  for (const waiting of batch.waiting) {
    const { resolve, reject } = waiting;
    waiting.resolve = (metadata) => (hold(), resolve(metadata));
    waiting.reject = (error) => (hold(), reject(error));
  }
}

/** Takes the queued reads of the first {@link maxIdsPerList} distinct entities (every read of each). */
function takeBatch(lane: Lane): Batch {
  const keys = new Set<string>();
  for (const waiting of lane.queue) {
    if (keys.size === maxIdsPerList) break;
    keys.add(waiting.key);
  }
  const waiting = lane.queue.filter((w) => keys.has(w.key));
  lane.queue = lane.queue.filter((w) => !keys.has(w.key));
  const { reader, settings, group, operation } = lane;
  const joinable = !!reader.listsWholeGroup && goesAsList(reader, keys.size);
  return { reader, settings, group, operation, waiting, keys, joinable };
}

/** True when a batch of `count` distinct entities goes as one list request, not one GET each. */
function goesAsList(reader: ListReader, count: number): boolean {
  return count > reader.singleReadsUpTo;
}

/** Sends a batch: one GET per entity when small, else one list request; settles every read. */
async function send(batch: Batch): Promise<void> {
  const { reader, settings, operation } = batch;
  const keys = [...batch.keys];
  if (!goesAsList(reader, keys.length)) {
    await Promise.all(
      keys.map((key) => settle(batch, key, reader.readOne(settings, idsOfKey(batch, key), operation))),
    );
    return;
  }
  const context: CallContext = {
    operation,
    spec: reader.spec,
    ids: reader.idsOf(batch.group, batchMarker),
    progressLabel: `${reader.spec.resourceType}: one list request for ${keys.length} ${reader.spec.entity}s`,
  };
  let outcome: ListOutcome;
  try {
    outcome = await callClerk(
      settings,
      context,
      (client) => reader.list(settings, client, batch.group, keys),
      (answer) => {
        batch.joinable = false;
        return sortAnswer(reader, batch.group, [...batch.keys], answer);
      },
    );
  } catch (error) {
    batch.joinable = false;
    for (const waiting of batch.waiting)
      waiting.reject(forOwnEntity(error, reader, waiting.key, batch.keys.size));
    return;
  }
  const answered = [...batch.keys];
  await Promise.all(
    answered.map((key) => settle(batch, key, answerFor(batch, outcome, key, answered.length))),
  );
}

/** What one list answer says about each asked-for key. */
interface ListOutcome {
  found: Map<string, EntityMetadata>;
  /** Keys the answer holds but cannot be used for, with the reason. */
  malformed: Map<string, string>;
  /** Keys whose entry lacks a metadata field: read them with their own GET. */
  incomplete: Set<string>;
  /** Entries that name no id: absent keys cannot be told gone. */
  unnamed: number;
  /**
   * Absent keys may still exist: the answer lists fewer entities than its total, or (for a
   * filtered list) entities nobody asked for, so the filter was not applied.
   */
  absenceUnproven: boolean;
}

/** Clerk's JSON names of the metadata fields, as in the SDK objects' `raw`. */
const jsonFieldNames: Record<MetadataField, string> = {
  publicMetadata: "public_metadata",
  privateMetadata: "private_metadata",
  unsafeMetadata: "unsafe_metadata",
};

/** Sorts a list answer by the keys asked for; throws (an unexpected answer for every read) when it is no list. */
export function sortAnswer(reader: ListReader, group: string, keys: string[], answer: unknown): ListOutcome {
  const { entries, totalCount } = reader.entriesOf(answer);
  const asked = new Set(keys);
  const outcome: ListOutcome = {
    found: new Map(),
    malformed: new Map(),
    incomplete: new Set(),
    unnamed: 0,
    absenceUnproven: typeof totalCount === "number" && totalCount > entries.length,
  };
  const seen = new Set<string>();
  for (const entry of entries) {
    const place = entry !== null && typeof entry === "object" ? reader.placeOf(entry) : undefined;
    if (!place || typeof place.key !== "string" || place.key === "") {
      outcome.unnamed++;
      continue;
    }
    const key = place.key;
    if (!asked.has(key)) {
      if (!reader.listsWholeGroup) outcome.absenceUnproven = true;
      continue;
    }
    if (place.group !== group) {
      outcome.malformed.set(key, `the list held an entry for ${key} that belongs to ${String(place.group)}`);
      continue;
    }
    if (seen.has(key)) {
      outcome.found.delete(key);
      outcome.malformed.set(key, `the list held ${key} more than once`);
      continue;
    }
    seen.add(key);
    const read = metadataOfEntry(reader.spec, entry as Record<string, unknown>);
    if (read === "incomplete") outcome.incomplete.add(key);
    else if (typeof read === "string") outcome.malformed.set(key, read);
    else outcome.found.set(key, read);
  }
  return outcome;
}

/**
 * The metadata fields of a listed entity; "incomplete" when the answer left a field out (the SDK
 * would default it to `{}`), or a reason when a field is neither an object nor `null`.
 */
function metadataOfEntry(
  spec: KindSpec,
  entity: Record<string, unknown>,
): EntityMetadata | "incomplete" | string {
  const raw = entity.raw;
  if (raw === null || typeof raw !== "object") return "incomplete";
  const metadata: EntityMetadata = {};
  for (const field of spec.metadataFields) {
    if ((raw as Record<string, unknown>)[jsonFieldNames[field]] === undefined) return "incomplete";
    const value = entity[field] ?? {};
    if (!isPlainObject(value)) return `${field} is not an object`;
    metadata[field] = value as JsonObject;
  }
  return metadata;
}

/** What the list answer means for one key: its metadata, its own GET, gone, or an unexpected answer. */
function answerFor(batch: Batch, outcome: ListOutcome, key: string, shared: number): Promise<EntityMetadata> {
  const { reader, settings, operation } = batch;
  const ids = idsOfKey(batch, key);
  const context: CallContext = { operation, spec: reader.spec, ids };
  const found = outcome.found.get(key);
  if (found) return Promise.resolve(found);
  const malformed = outcome.malformed.get(key);
  if (malformed !== undefined)
    return Promise.reject(
      unexpectedAnswer(context, `${malformed}${sharedNote(reader, shared)}`, settings.secretKey),
    );
  if (outcome.incomplete.has(key)) return reader.readOne(settings, ids, operation);
  if (outcome.unnamed > 0)
    return Promise.reject(
      unexpectedAnswer(
        context,
        `the list held ${outcome.unnamed} ${outcome.unnamed === 1 ? "entry" : "entries"} without an id, so whether ${key} is gone cannot be told${sharedNote(reader, shared)}`,
        settings.secretKey,
      ),
    );
  // Clerk may have dropped a filter whose ids it knows none of, or listed only a page: only the
  // entity's own GET can tell.
  if (outcome.absenceUnproven) return reader.readOne(settings, ids, operation);
  return Promise.reject(entityNotFound(context, settings.secretKey));
}

/** Settles every read of `key` in `batch` with `result` (each read gets its own copy). */
async function settle(batch: Batch, key: string, result: Promise<EntityMetadata>): Promise<void> {
  const readers = batch.waiting.filter((waiting) => waiting.key === key);
  try {
    const metadata = await result;
    for (const waiting of readers) waiting.resolve(structuredClone(metadata));
  } catch (error) {
    for (const waiting of readers) waiting.reject(error);
  }
}

function idsOfKey(batch: Batch, key: string): EntityIds {
  return batch.waiting.find((waiting) => waiting.key === key)?.ids ?? batch.reader.idsOf(batch.group, key);
}

/** Stands for the batch's keys in the list request's error messages, replaced by each read's own key. */
const batchMarker = "\u2063batched\u2063";

function sharedNote(reader: ListReader, shared: number): string {
  return ` (one list request for ${shared} ${reader.spec.entity}${shared === 1 ? "" : "s"})`;
}

/**
 * The list request's error as the error of the read of `key`: the same class, status, code and
 * trace id, with the message naming that read's own entity and saying the request was shared.
 */
export function forOwnEntity(error: unknown, reader: ListReader, key: string, shared: number): unknown {
  const message = messageOf(error);
  if (!message.includes(batchMarker)) return error;
  const own = `${message.split(batchMarker).join(key)}${sharedNote(reader, shared)}`;
  if (isPackageError(error, "UnexpectedAnswerError")) return new UnexpectedAnswerError(own);
  const e = error as { status?: unknown; code?: unknown; traceId?: unknown };
  if (isClerkOperationError(error) || typeof e.status === "number" || e.status === undefined)
    return new ClerkOperationError(own, {
      status: typeof e.status === "number" ? e.status : undefined,
      code: typeof e.code === "string" ? e.code : undefined,
      message: own,
      longMessage: undefined,
      traceId: typeof e.traceId === "string" ? e.traceId : undefined,
      retryAfter: undefined,
    });
  return error;
}
