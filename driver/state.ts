import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { PropertyMap, ResourceOptions } from "./types";
import { secretSig, specialSigKey } from "./values";

/** One resource as the driver keeps it in a stack's state. Values are plain (decrypted) in memory. */
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
}

/** A stack's state: resources in dependency order (dependencies first). */
export interface StackState {
  resources: ResourceState[];
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
}

const checkPlaintext = "pulumi";

function encryptProps(key: Buffer, props: PropertyMap, secret: string[]): PropertyMap {
  const out: PropertyMap = { ...props };
  for (const k of secret) {
    if (k in out && out[k] !== undefined) {
      out[k] = { [specialSigKey]: secretSig, ciphertext: encrypt(key, JSON.stringify(out[k])) };
    }
  }
  return out;
}

function decryptProps(key: Buffer, props: PropertyMap): PropertyMap {
  const out: PropertyMap = {};
  for (const [k, v] of Object.entries(props)) {
    const env = v as Record<string, unknown> | null;
    if (
      env &&
      typeof env === "object" &&
      env[specialSigKey] === secretSig &&
      typeof env.ciphertext === "string"
    ) {
      out[k] = JSON.parse(decrypt(key, env.ciphertext));
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Loads a stack's state, decrypting secrets. A missing file is an empty stack.
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
  const text = `{\n  "version": 1,\n  "encryptionsalt": ${JSON.stringify(encryptionsalt)},\n  "resources": ${list}\n}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
