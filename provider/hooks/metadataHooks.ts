/**
 * The hooks of the three resources, shared and keyed by kind. They only load settings, ask the
 * pure core what to send, send it through the kind's Clerk calls and shape what comes back.
 * Each resource's provider object forwards to these functions through this module object, so
 * Pulumi serializes the provider as a `require` of this module rather than by value, and keeps
 * `__provider` small. Nothing here runs at import time: settings and the Clerk client are
 * resolved inside hooks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EntityMetadata } from "../clerk/answers";
import type { MetadataApi } from "../clerk/metadataApi";
import { metadataApis } from "../clerk/metadataApis";
import { registry } from "../clerk/registry";
import { resolveSettings, settingNames, type ClerkSettings, type ConfiguredValues } from "../clerk/settings";
import { diffResource, holdsDeclaration } from "../core/diff";
import {
  isMetadataTooLarge,
  isNotFound,
  malformedResourceId,
  metadataLimitHit,
  type ClerkOperationError,
} from "../core/errors";
import { idsFromResourceId, kinds, resourceIdOf, type EntityIds, type KindName } from "../core/kinds";
import {
  buildOutputs,
  idsOf,
  inputsOfOutputs,
  ownershipOfInputs,
  ownershipOfOutputs,
  type MetadataInputs,
  type MetadataOutputs,
} from "../core/outputs";
import {
  exactBody,
  planAdoption,
  planDelete,
  planWrite,
  type FieldPaths,
  type Request,
  type WritePlan,
} from "../core/plan";
import { checkInputs } from "../core/validate";
import { runGuarded } from "./writeLedger";

/**
 * Stores the stack's `clerk:` configuration for every hook of this process (secret values stay in
 * memory only), and checks it with no request: a missing key, a value that is no secret key (a
 * publishable `pk_…` one), an API URL ending in `/v1` or any malformed setting fails here, so
 * `pulumi preview` fails naming the setting to fix. (Whether Clerk accepts the key shows only at
 * the first request: preview sends none.)
 */
export async function configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
  const configured: ConfiguredValues = {};
  for (const name of settingNames) {
    const value: unknown = request.config.get(`clerk:${name}`);
    if (typeof value === "string") configured[name] = value;
    else if (value !== undefined) configured[name] = JSON.stringify(value);
  }
  resolveSettings(configured, process.env);
  registry().configured = configured;
}

/** Validates and normalizes inputs; no network call. */
export async function check(
  kind: KindName,
  _olds: unknown,
  news: unknown,
): Promise<pulumi.dynamic.CheckResult<MetadataInputs>> {
  const { inputs, failures } = checkInputs(kinds[kind], (news ?? {}) as Record<string, unknown>);
  return { inputs: inputs as MetadataInputs, failures };
}

/** Decides update or replacement from the old outputs and new inputs; no network call. */
export async function diff(
  kind: KindName,
  _id: string,
  olds: MetadataOutputs,
  news: MetadataInputs,
): Promise<pulumi.dynamic.DiffResult> {
  return diffResource(kinds[kind], olds, news);
}

/**
 * Writes every owned leaf with one request (a PATCH, or a PUT for an authoritative user or
 * organization; a GET and a PATCH for an authoritative membership). A resource that declares
 * nothing only checks with one GET that its entity exists. With `adopt`, it reads first (one GET,
 * batched with other reads) and writes only when Clerk does not already hold the declaration.
 */
export async function create(
  kind: KindName,
  inputs: MetadataInputs,
): Promise<pulumi.dynamic.CreateResult<MetadataOutputs>> {
  const spec = kinds[kind];
  const ids = idsOf(spec, inputs);
  const writerId = newWriterId();
  const held = await write(kind, ids, writerId, "create", (api, keep) => {
    const planned = planWrite(spec, !!api.replace, inputs, {}, keep);
    return inputs.adopt === true ? planAdoption(spec, inputs, planned) : planned;
  });
  return { id: resourceIdOf(spec, ids), outs: outputsAfterWrite(kind, inputs, held, writerId) };
}

/**
 * Moves Clerk from what the old outputs owned to the new inputs with one request: every owned
 * leaf of the new inputs is set again (so drift is corrected) and every leaf that is no longer
 * declared is removed, at any depth, unless another resource wrote it in this deployment.
 */
export async function update(
  kind: KindName,
  _id: string,
  olds: MetadataOutputs,
  news: MetadataInputs,
): Promise<pulumi.dynamic.UpdateResult<MetadataOutputs>> {
  const spec = kinds[kind];
  const ids = idsOf(spec, news);
  const writerId = olds.writerId ?? newWriterId();
  const held = await write(kind, ids, writerId, "update", (api, keep) =>
    planWrite(spec, !!api.replace, news, ownershipOfOutputs(spec, olds), keep),
  );
  return { outs: outputsAfterWrite(kind, news, held, writerId) };
}

/**
 * Removes every owned leaf with one request, except leaves another resource wrote in this
 * deployment; foreign keys stay. A missing entity counts as already deleted.
 */
export async function remove(kind: KindName, _id: string, olds: MetadataOutputs): Promise<void> {
  const spec = kinds[kind];
  try {
    await write(kind, idsOf(spec, olds), olds.writerId ?? newWriterId(), "delete", (api, keep) =>
      planDelete(spec, !!api.replace, olds, keep),
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** What `read` answers: Pulumi's `ReadResult`, with inputs typed as inputs. */
export interface ReadAnswer {
  id: string;
  props: MetadataOutputs | undefined;
  inputs?: MetadataInputs;
}

/**
 * Reads the entity with one GET. Outputs hold Clerk's values at the owned paths only (the whole
 * field when authoritative), with the ownership unchanged; inputs are what the program would
 * declare to produce them, so a refresh shows drift key by key. An entity that is gone returns
 * an empty id, so Pulumi drops it from state.
 */
export async function read(kind: KindName, id: string, olds: Partial<MetadataOutputs>): Promise<ReadAnswer> {
  const spec = kinds[kind];
  const ids = idsFromResourceId(spec, id);
  if (!ids) throw malformedResourceId(spec, id);
  let held: EntityMetadata;
  try {
    held = await metadataApis[kind].read(settings(), ids, "read metadata");
  } catch (error) {
    if (isNotFound(error)) return { id: "", props: undefined };
    throw error;
  }
  const outs = buildOutputs(
    spec,
    ids,
    olds.authoritative,
    ownershipOfOutputs(spec, olds),
    held,
    olds.writerId,
    olds.adopt,
  );
  return { id, props: outs, inputs: inputsOfOutputs(spec, outs) };
}

/**
 * A fresh writer id: 72 random bits as 12 base64url characters (Node's global Web Crypto, nothing
 * to `require` in the serialized provider). It only has to tell apart the resources writing to
 * one entity in one deployment; every byte of a resource's outputs is written once per step of
 * an operation (see `MetadataOutputs`), so it is no longer than that needs.
 */
function newWriterId(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(9))).toString("base64url");
}

function settings(): ClerkSettings {
  return resolveSettings(registry().configured, process.env);
}

/**
 * Plans a write of resource `writerId` with the kind's Clerk calls (guarded by the process's
 * write ledger), sends it, and resolves to what Clerk holds after it (`undefined` if nothing was sent).
 */
function write(
  kind: KindName,
  ids: EntityIds,
  writerId: string,
  operation: "create" | "update" | "delete",
  plan: (api: MetadataApi, keep: FieldPaths) => WritePlan,
): Promise<EntityMetadata | undefined> {
  const current = settings();
  const api = metadataApis[kind];
  const entity = `${current.apiUrl ?? ""}|${kind}|${resourceIdOf(kinds[kind], ids)}`;
  return runGuarded(
    entity,
    writerId,
    (keep) => plan(api, keep),
    (planned) => send(api, current, ids, planned.request, operation),
  );
}

/**
 * Sends a planned request: what Clerk holds afterwards, or `undefined` when nothing was sent.
 * `held`, when given, is what Clerk held a moment ago (an adoption's read), so an `exact`
 * request does not read again.
 */
async function send(
  api: MetadataApi,
  current: ClerkSettings,
  ids: EntityIds,
  request: Request,
  operation: string,
  held?: EntityMetadata,
): Promise<EntityMetadata | undefined> {
  switch (request.action) {
    case "nothing":
      return undefined;
    case "adopt": {
      const now = await api.read(current, ids, `${operation} (read to adopt what Clerk holds)`, {
        gather: true,
      });
      if (holdsDeclaration(request.declared, now, request.whole)) return now;
      return send(api, current, ids, request.otherwise, operation, now);
    }
    case "exists":
      return api.read(current, ids, `${operation} (check that it exists)`);
    case "patch": {
      const purpose = operation === "delete" ? "remove owned keys" : "set owned keys";
      return sayWhichLimit(request.body, api.patch(current, ids, request.body, `${operation} (${purpose})`));
    }
    case "replace":
      return sayWhichLimit(
        request.fields,
        api.replace!(current, ids, request.fields, `${operation} (replace fields)`),
      );
    case "exact": {
      const before = held ?? (await api.read(current, ids, `${operation} (read before replacing fields)`));
      const body = exactBody(before, request.fields, request.keep);
      if (Object.keys(body).length === 0) return before;
      return sayWhichLimit(body, api.patch(current, ids, body, `${operation} (replace fields)`));
    }
  }
}

/** A write's result, its "metadata too large" failure extended with the sizes the request sent. */
async function sayWhichLimit(sent: EntityMetadata, write: Promise<EntityMetadata>): Promise<EntityMetadata> {
  try {
    return await write;
  } catch (error) {
    if (!isMetadataTooLarge(error)) throw error;
    const sizes = Object.fromEntries(
      Object.entries(sent).map(([field, value]) => [field, Buffer.byteLength(JSON.stringify(value), "utf8")]),
    );
    throw metadataLimitHit(error as ClerkOperationError, sizes);
  }
}

function outputsAfterWrite(
  kind: KindName,
  inputs: MetadataInputs,
  held: EntityMetadata | undefined,
  writerId: string,
): MetadataOutputs {
  const spec = kinds[kind];
  const ownership = ownershipOfInputs(spec, inputs);
  return buildOutputs(
    spec,
    idsOf(spec, inputs),
    inputs.authoritative,
    ownership,
    held ?? {},
    writerId,
    inputs.adopt,
  );
}
