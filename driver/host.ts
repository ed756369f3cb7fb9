import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type * as provpb from "@pulumi/pulumi/proto/provider_pb";
import type { PropertyMap } from "./types";
import { unwrapSecrets } from "./values";

const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
/** The generated messages, typed with the `.d.ts` that @pulumi/pulumi ships. */
const provproto = require("@pulumi/pulumi/proto/provider_pb") as typeof provpb;
const DiffChanges = provproto.DiffResponse.DiffChanges;

/** The repository root: the host's default working directory. */
export const repoRoot = path.resolve(__dirname, "..");

/** Options for {@link ProviderHost.start}. */
export interface HostOptions {
  /** Working directory of the host process (default: repo root). */
  cwd?: string;
  /** Extra environment variables for the host process. */
  env?: Record<string, string>;
  /** Project name the host reports to `configure` (default "project"). */
  project?: string;
  /** Milliseconds to wait for the port line (default 30000). */
  startTimeoutMs?: number;
}

/** A Check failure as reported by the provider. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A provider's diff answer; `changes` mirrors DiffResponse.DiffChanges. */
export interface DiffAnswer {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Converts a plain value to a protobuf Struct; undefined properties are dropped. */
export function toStruct(props: PropertyMap): structproto.Struct {
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(props ?? {})));
}

/** Converts a protobuf Struct (or nothing) to a plain object. */
export function fromStruct(s: structproto.Struct | undefined): PropertyMap {
  return (s?.toJavaScript() ?? {}) as PropertyMap;
}

/** The message a provider error carries, without gRPC's "2 UNKNOWN:" prefix. */
function errorMessage(err: grpc.ServiceError): string {
  return err.details || err.message;
}

/**
 * A running `@pulumi/pulumi/cmd/dynamic-provider` child process plus a typed promise client.
 * Guarantees: every RPC rejects with an Error whose message is the provider's own message;
 * all host stdout/stderr (after the port line) is kept in {@link ProviderHost.output}; `stop()` ends the process.
 */
export class ProviderHost {
  private stdoutBuf = "";
  private stderrBuf = "";
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: grpc.Client & Record<string, unknown>,
    firstStdout: string,
  ) {
    this.stdoutBuf = firstStdout;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.stdout?.on("data", (d: Buffer) => (this.stdoutBuf += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.stderrBuf += d.toString()));
  }

  /** Starts a host process and connects to it; rejects if it does not print its port in time. */
  static async start(options: HostOptions = {}): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const child = spawn(process.execPath, [entry, "driver"], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: options.project ?? "project", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let early = "";
    let errText = "";
    const onErr = (d: Buffer) => (errText += d.toString());
    child.stderr.on("data", onErr);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`provider host did not start: ${errText}`));
      }, options.startTimeoutMs ?? 30000);
      const onData = (d: Buffer) => {
        early += d.toString();
        const nl = early.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(timer);
          child.stdout.off("data", onData);
          const line = early.slice(0, nl).trim();
          early = early.slice(nl + 1);
          const p = Number(line);
          if (Number.isInteger(p) && p > 0) resolve(p);
          else reject(new Error(`provider host printed "${line}" instead of a port`));
        }
      };
      child.stdout.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`provider host exited with ${code}: ${errText}`));
      });
    });
    child.stderr.off("data", onErr);
    const Client = provrpc.ResourceProviderClient as new (
      addr: string,
      creds: grpc.ChannelCredentials,
    ) => grpc.Client & Record<string, unknown>;
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, early);
    host.stderrBuf = errText;
    return host;
  }

  /** Everything the host wrote to stdout (after its port line). */
  stdout(): string {
    return this.stdoutBuf;
  }

  /** Everything the host wrote to stderr (the host logs provider errors with stacks here). */
  stderr(): string {
    return this.stderrBuf;
  }

  /** stdout followed by stderr. */
  output(): string {
    return this.stdoutBuf + this.stderrBuf;
  }

  /** True while the process is running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const fn = this.client[method] as (
        r: unknown,
        cb: (err: grpc.ServiceError | null, resp: T) => void,
      ) => void;
      fn.call(this.client, req, (err, resp) => {
        if (err) reject(new Error(errorMessage(err)));
        else resolve(resp);
      });
    });
  }

  /**
   * Sends Configure as the engine does for the default `pulumi-nodejs` provider: `args` are the provider's
   * inputs (namespaced config keys, secrets still wrapped: the host unwraps them), `variables` the same values
   * as plain strings. Note the host configures each distinct provider only once per process (on its first use).
   */
  async configure(args: PropertyMap): Promise<{ acceptSecrets: boolean }> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(args));
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(unwrapSecrets(args) as PropertyMap)) vars.set(k, String(v));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const resp = await this.call<provpb.ConfigureResponse>("configure", req);
    return { acceptSecrets: resp.getAcceptsecrets() };
  }

  /** Check(olds, news): the checked inputs and any failures. */
  async check(
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call<provpb.CheckResponse>("check", req);
    return {
      inputs: fromStruct(resp.getInputs()),
      failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Diff(id, olds = old outputs, news = checked inputs, oldInputs). */
  async diff(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<DiffAnswer> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    req.setOldInputs(toStruct(oldInputs));
    const resp = await this.call<provpb.DiffResponse>("diff", req);
    const answer = resp.getChanges();
    const changes =
      answer === DiffChanges.DIFF_SOME ? "some" : answer === DiffChanges.DIFF_NONE ? "none" : "unknown";
    return {
      changes,
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  /** Create(props): the new id and output properties (which include `__provider`). */
  async create(urn: string, props: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const resp = await this.call<provpb.CreateResponse>("create", req);
    return { id: resp.getId(), properties: fromStruct(resp.getProperties()) };
  }

  /**
   * Read(id, props = old outputs, inputs = old inputs); id "" means the resource is gone. With `props` and
   * `inputs` undefined nothing is set, as for an import (step.go `ImportStep.Apply`).
   */
  async read(
    urn: string,
    id: string,
    props?: PropertyMap,
    inputs?: PropertyMap,
  ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    if (props) req.setProperties(toStruct(props));
    if (inputs) req.setInputs(toStruct(inputs));
    const resp = await this.call<provpb.ReadResponse>("read", req);
    const inputsStruct = resp.getInputs();
    return {
      id: resp.getId(),
      properties: fromStruct(resp.getProperties()),
      inputs: inputsStruct ? fromStruct(inputsStruct) : undefined,
    };
  }

  /** Update(id, olds = old outputs, news = checked inputs, oldInputs): the new output properties. */
  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<{ properties: PropertyMap }> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    req.setOldInputs(toStruct(oldInputs));
    const resp = await this.call<provpb.UpdateResponse>("update", req);
    return { properties: fromStruct(resp.getProperties()) };
  }

  /** Delete(id, props = old outputs, oldInputs). */
  async delete(urn: string, id: string, props: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    req.setOldInputs(toStruct(oldInputs));
    await this.call<unknown>("delete", req);
  }

  /** Closes the client and terminates the process; resolves once it has exited. Idempotent. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.running) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
