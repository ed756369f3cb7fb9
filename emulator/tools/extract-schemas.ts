/**
 * One-off tool: extracts the response schemas the emulator's tests validate against from Clerk's
 * Backend API OpenAPI spec into a self-contained JSON file, so the tests never read the spec itself.
 *
 * Usage: ts-node --transpile-only emulator/tools/extract-schemas.ts <spec.yml> <out.json>
 *
 * OpenAPI 3.0 specifics are rewritten into plain JSON Schema that ajv understands:
 * `nullable: true` becomes a union with `null`, `discriminator` and documentation-only keys
 * (`description`, `example`, `deprecated`, `x-*`) are dropped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";

/** The schemas the tests need; everything they `$ref` is pulled in transitively. */
export const ROOT_SCHEMAS = [
  "User",
  "Organization",
  "OrganizationMembership",
  "OrganizationMemberships",
  "Organizations",
  "TotalCount",
  "ClerkErrors",
  "DeletedObject",
] as const;

const DROPPED_KEYS = new Set(["description", "example", "examples", "deprecated", "discriminator"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function refName(ref: string): string {
  const prefix = "#/components/schemas/";
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(prefix.length);
}

/** Rewrites one OpenAPI schema node into JSON Schema, collecting the names it references. */
export function convert(node: Json, refs: Set<string>): Json {
  if (Array.isArray(node)) return node.map((item) => convert(item, refs));
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith("x-") || key === "nullable") continue;
    if (key === "$ref" && typeof value === "string") refs.add(refName(value));
    // `properties` maps names to schemas: convert the values, keep every name.
    if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
      const props: { [key: string]: Json } = {};
      for (const [name, schema] of Object.entries(value)) props[name] = convert(schema, refs);
      out[key] = props;
      continue;
    }
    out[key] = convert(value, refs);
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      // `allOf` beside a nullable type would still reject null: move it into a union.
      if (out.allOf || out.oneOf) return { anyOf: [out, { type: "null" }] };
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

function main(): void {
  const [specPath, outPath] = process.argv.slice(2);
  if (!specPath || !outPath) {
    console.error("usage: extract-schemas <spec.yml> <out.json>");
    process.exit(2);
  }
  const spec = parse(readFileSync(specPath, "utf8")) as {
    info: { version: string };
    components: { schemas: Record<string, Json> };
  };
  const all = spec.components.schemas;
  const schemas: Record<string, Json> = {};
  const queue: string[] = [...ROOT_SCHEMAS];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (name in schemas) continue;
    const source = all[name];
    if (source === undefined) throw new Error(`schema ${name} not found`);
    const refs = new Set<string>();
    schemas[name] = convert(source, refs);
    for (const ref of refs) if (!(ref in schemas)) queue.push(ref);
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );
  const doc = {
    $comment: `Extracted from clerk/openapi-specs, Clerk Backend API ${spec.info.version} (MIT License, Copyright (c) Clerk Inc.) by emulator/tools/extract-schemas.ts. See clerk-schemas.NOTICE.md.`,
    components: { schemas: sorted },
  };
  writeFileSync(outPath, JSON.stringify(doc, null, 2) + "\n");
  console.log(`wrote ${Object.keys(sorted).length} schemas to ${outPath}`);
}

if (require.main === module) main();
