import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { PropertyMap, ResourceOptions } from "./types";
import {
  containsSecret,
  isPlainObject,
  isWireSecret,
  secretSig,
  specialSigKey,
  unwrapSecrets,
  wireSecret,
} from "./values";

/**
 * One resource as the driver keeps it in a stack's state. In the engine's working state (`engine.ts`) values
 * carry wire secrets (`{4dabf…: 1b47…, value}`) at any depth, as Pulumi's property values do; `stack.state()`
 * returns them plain, with the top-level names that hold a secret in `secretInputs`/`secretOutputs`.
 */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  parent?: string;
  /** Checked inputs, including `__provider`. */
  inputs: PropertyMap;
  /** Provider outputs, including `__provider`. */
  outputs: PropertyMap;
  /** Top-level input names whose values are secret. */
  secretInputs: string[];
  /** Top-level output names whose values are secret. */
  secretOutputs: string[];
  dependencies: string[];
  options: ResourceOptions;
  /** True for an old copy replaced create-before-delete and still waiting to be deleted. */
  pendingDelete?: boolean;
  /** The provider reference (`<provider urn>::<provider id>`), as the engine records it. */
  provider?: string;
  /** The id the resource was imported with (step_generator.go compares it with the `import` option). */
  importId?: string;
}

/** A provider resource as recorded in state: its inputs are the config it was configured with. */
export interface ProviderState {
  urn: string;
  id: string;
  type: string;
  /** The provider's inputs: for the default dynamic provider, the whole stack config (secrets wrapped). */
  inputs: PropertyMap;
}

/** A stack's state: resources in dependency order (dependencies first). */
export interface StackState {
  resources: ResourceState[];
  /** Provider resources (the default `pulumi-nodejs` provider with the config it was configured with). */
  providers?: ProviderState[];
}

/** The passphrase used when neither the option nor `PULUMI_CONFIG_PASSPHRASE` is set. Tests only. */
export const defaultTestPassphrase = "driver-test-passphrase";

/** The passphrase to use: the explicit one, else `PULUMI_CONFIG_PASSPHRASE`, else {@link defaultTestPassphrase}. */
export function resolvePassphrase(passphrase?: string): string {
  return passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? defaultTestPassphrase;
}

const keyCache = new Map<string, Buffer>();

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  const cacheKey = `${salt.toString("base64")}\0${passphrase}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = crypto.scryptSync(passphrase, salt, 32);
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** AES-256-GCM encryption to "v1:<nonce b64>:<ciphertext+tag b64>". */
function encrypt(key: Buffer, plaintext: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${ct.toString("base64")}`;
}

function decrypt(key: Buffer, text: string): string {
  const [version, nonceB64, ctB64] = text.split(":");
  if (version !== "v1" || !nonceB64 || !ctB64) throw new Error("malformed ciphertext in state");
  const data = Buffer.from(ctB64, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonceB64, "base64"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}

interface StateFile {
  version: 1;
  /** "v1:<salt b64>:<encrypted check value>", as Pulumi's passphrase secrets manager does. */
  encryptionsalt: string;
  resources: ResourceState[];
  providers?: ProviderState[];
}

const checkPlaintext = "pulumi";

/** Encrypts every wire secret, at any depth, into Pulumi's `{sig, ciphertext}` envelope. */
function encryptValue(key: Buffer, v: unknown): unknown {
  if (isWireSecret(v)) {
    return { [specialSigKey]: secretSig, ciphertext: encrypt(key, JSON.stringify(unwrapSecrets(v.value))) };
  }
  if (Array.isArray(v)) return v.some(containsSecret) ? v.map((x) => encryptValue(key, x)) : v;
  if (isPlainObject(v)) {
    if (!containsSecret(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encryptValue(key, x);
    return out;
  }
  return v;
}

function encryptProps(key: Buffer, props: PropertyMap, secret: string[] = []): PropertyMap {
  const out: PropertyMap = {};
  for (const [k, v] of Object.entries(props)) {
    out[k] = encryptValue(key, secret.includes(k) && v !== undefined && !isWireSecret(v) ? wireSecret(v) : v);
  }
  return out;
}

/** Decrypts every `{sig, ciphertext}` envelope, at any depth, into a wire secret `{sig, value}`. */
function decryptValue(key: Buffer, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => decryptValue(key, x));
  if (typeof v === "object" && v !== null) {
    const env = v as Record<string, unknown>;
    if (env[specialSigKey] === secretSig && typeof env.ciphertext === "string") {
      return wireSecret(JSON.parse(decrypt(key, env.ciphertext)));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(env)) out[k] = decryptValue(key, x);
    return out;
  }
  return v;
}

function decryptProps(key: Buffer, props: PropertyMap): PropertyMap {
  return decryptValue(key, props) as PropertyMap;
}

/** Top-level names whose value holds a secret somewhere. */
export function secretNames(props: PropertyMap): string[] {
  return Object.keys(props).filter((k) => containsSecret(props[k]));
}

/** The public view of a working state: values plain, secret top-level names listed. */
export function publicState(state: StackState): StackState {
  return {
    resources: state.resources.map((r) => ({
      ...r,
      inputs: unwrapSecrets(r.inputs) as PropertyMap,
      outputs: unwrapSecrets(r.outputs) as PropertyMap,
      secretInputs: secretNames(r.inputs),
      secretOutputs: secretNames(r.outputs),
    })),
    providers: (state.providers ?? []).map((p) => ({ ...p, inputs: unwrapSecrets(p.inputs) as PropertyMap })),
  };
}

/**
 * Loads a stack's working state: secrets decrypted into wire secrets (`{sig, value}`), at any depth; a file
 * written by an older driver (top-level names in `secretInputs`/`secretOutputs`) loads the same way. Use
 * {@link publicState} for plain values. A missing file is an empty stack.
 * Throws "incorrect passphrase" when the passphrase does not match the one the file was written with.
 */
export function loadState(file: string, passphrase?: string): StackState {
  if (!fs.existsSync(file)) return { resources: [] };
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
  const [, saltB64, ...check] = data.encryptionsalt.split(":");
  const key = deriveKey(resolvePassphrase(passphrase), Buffer.from(saltB64 ?? "", "base64"));
  try {
    if (decrypt(key, check.join(":")) !== checkPlaintext) throw new Error("mismatch");
  } catch {
    throw new Error(`incorrect passphrase for state file ${file}`);
  }
  return {
    resources: data.resources.map((r) => ({
      ...r,
      inputs: decryptProps(key, r.inputs),
      outputs: decryptProps(key, r.outputs),
    })),
    providers: (data.providers ?? []).map((p) => ({ ...p, inputs: decryptProps(key, p.inputs) })),
  };
}

function readSalt(file: string): string | undefined {
  // The salt is the second key of every file this module writes: read the head, not the whole
  // (possibly many-megabyte) file, on every save.
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(4096);
      const bytes = fs.readSync(fd, head, 0, head.length, 0);
      const match = /^\{\s*"version": 1,\s*"encryptionsalt": "([^"]*)"/.exec(head.toString("utf8", 0, bytes));
      if (match) return match[1];
    } finally {
      fs.closeSync(fd);
    }
    return (JSON.parse(fs.readFileSync(file, "utf8")) as StateFile).encryptionsalt;
  } catch {
    return undefined;
  }
}

/**
 * Encrypted JSON text of resources already written, by object. For callers that never mutate a
 * `ResourceState` once saved (the engine replaces objects instead): unchanged resources are then
 * neither re-encrypted nor re-serialized on every save, which keeps saving after every step of a
 * large stack linear in the number of changes rather than quadratic.
 */
export type SaveCache = WeakMap<ResourceState, { key: Buffer; text: string }>;

/**
 * Writes a stack's state atomically (temp file + rename). Every top-level input/output listed as secret
 * is stored only as AES-256-GCM ciphertext in Pulumi's `{"4dabf…": "1b47…", "ciphertext": …}` envelope,
 * under a key derived with scrypt from the passphrase and the file's salt (kept across writes).
 */
export function saveState(file: string, state: StackState, passphrase?: string, cache?: SaveCache): void {
  const pass = resolvePassphrase(passphrase);
  let encryptionsalt = readSalt(file);
  let salt: Buffer;
  if (encryptionsalt) {
    salt = Buffer.from(encryptionsalt.split(":")[1] ?? "", "base64");
  } else {
    salt = crypto.randomBytes(8);
    encryptionsalt = `v1:${salt.toString("base64")}:${encrypt(deriveKey(pass, salt), checkPlaintext)}`;
  }
  const key = deriveKey(pass, salt);
  // Written as JSON.stringify(stateFile, null, 2) would, one resource at a time.
  const resources = state.resources.map((r) => {
    const cached = cache?.get(r);
    if (cached && cached.key === key) return cached.text;
    const stored: ResourceState = {
      ...r,
      inputs: encryptProps(key, r.inputs, r.secretInputs),
      outputs: encryptProps(key, r.outputs, r.secretOutputs),
    };
    const text = JSON.stringify(stored, null, 2).replace(/\n/g, "\n    ");
    cache?.set(r, { key, text });
    return text;
  });
  const list = resources.length > 0 ? `[\n    ${resources.join(",\n    ")}\n  ]` : "[]";
  const providers = (state.providers ?? []).map((p) => ({ ...p, inputs: encryptProps(key, p.inputs) }));
  const providerText =
    providers.length > 0
      ? `,\n  "providers": ${JSON.stringify(providers, null, 2).replace(/\n/g, "\n  ")}`
      : "";
  const text = `{\n  "version": 1,\n  "encryptionsalt": ${JSON.stringify(encryptionsalt)},\n  "resources": ${list}${providerText}\n}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
