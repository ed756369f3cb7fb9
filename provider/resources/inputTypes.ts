import type * as pulumi from "@pulumi/pulumi";
// Loads Clerk's global metadata interfaces (`UserPublicMetadata`, …) declared by @clerk/shared's types.
import type {} from "@clerk/shared/types";
import type { JsonValue } from "../core/json";

/** `T` with `pulumi.Input` allowed at every depth: an Output may stand for any value inside the object. */
export type DeepInput<T> = T extends readonly (infer U)[]
  ? pulumi.Input<DeepInput<U>[]>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

/** Any JSON object, with `pulumi.Input` allowed at every depth. */
export interface JsonObjectInput {
  [key: string]: DeepInput<JsonValue> | JsonObjectInput | undefined;
}

/**
 * The input type of one metadata field whose Clerk type is `T`: `T` itself (Outputs allowed at
 * any depth) when the app declared `T` (for example by augmenting Clerk's global
 * `UserPublicMetadata`), or any JSON object while `T` is Clerk's empty default.
 */
export type MetadataInput<T> = keyof T extends never ? pulumi.Input<JsonObjectInput> : DeepInput<T>;

/** The output type of one metadata field: `T` when the app declared it, any JSON object otherwise. */
export type MetadataOutput<T> = keyof T extends never ? { [key: string]: JsonValue } : T;
