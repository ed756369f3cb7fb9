import type * as pulumi from "@pulumi/pulumi";
import type { JsonObject } from "../core/json";

/*
 * Clerk's global metadata interfaces, declared here empty so that the shipped declarations need
 * nothing else to type-check (no `@clerk/shared` in a user's project, no `skipLibCheck`).
 *
 * They are the very interfaces Clerk's SDKs declare (`@clerk/shared/types` declares each one
 * with `[k: string]: unknown`): declarations of one global interface merge, so a program that
 * also loads Clerk's types, or several copies of them, gets one interface with the app's own
 * augmentations in it. An empty declaration merges with any of them, where a second
 * `[k: string]: unknown` would be a "Duplicate index signature" error. The index signature Clerk
 * adds only widens what undeclared keys may hold (`unknown` instead of JSON); the keys an app
 * declares are checked either way.
 */
declare global {
  /* eslint-disable @typescript-eslint/no-empty-object-type */
  /** `public_metadata` of a user; augment it to type your keys (Clerk's own global interface). */
  interface UserPublicMetadata {}
  /** `private_metadata` of a user; augment it to type your keys (Clerk's own global interface). */
  interface UserPrivateMetadata {}
  /** `unsafe_metadata` of a user; augment it to type your keys (Clerk's own global interface). */
  interface UserUnsafeMetadata {}
  /** `public_metadata` of an organization; augment it to type your keys (Clerk's own global interface). */
  interface OrganizationPublicMetadata {}
  /** `private_metadata` of an organization; augment it to type your keys (Clerk's own global interface). */
  interface OrganizationPrivateMetadata {}
  /** `public_metadata` of a membership; augment it to type your keys (Clerk's own global interface). */
  interface OrganizationMembershipPublicMetadata {}
  /** `private_metadata` of a membership; augment it to type your keys (Clerk's own global interface). */
  interface OrganizationMembershipPrivateMetadata {}
  /* eslint-enable @typescript-eslint/no-empty-object-type */
}

/**
 * The shape of one declared value of type `T`, with `pulumi.Input` allowed inside it: arrays hold
 * `DeepInput`s, objects map each key to a `DeepInput`, and scalars (and `unknown`) stay
 * themselves. Distributive on purpose, so `{ … } | undefined` (an optional key) keeps its object
 * branch.
 */
type InputShape<T> = unknown extends T
  ? T
  : T extends readonly (infer U)[]
    ? DeepInput<U>[]
    : T extends object
      ? { [K in keyof T]: DeepInput<T[K]> }
      : T;

/**
 * `T` with `pulumi.Input` allowed at every depth: an Output or a promise may stand for any value
 * inside the object, or for the whole of it. Not distributive: `Output<boolean>` is accepted where
 * `T` is `boolean` (a distributive type would accept only `Output<true> | Output<false>`).
 */
export type DeepInput<T> = pulumi.Input<InputShape<T>>;

/** Any JSON value, with `pulumi.Input` allowed at every depth. */
export type JsonValueInput = pulumi.Input<
  string | number | boolean | null | JsonValueInput[] | JsonObjectInput
>;

/** Any JSON object, with `pulumi.Input` allowed at every depth. */
export interface JsonObjectInput {
  [key: string]: JsonValueInput | undefined;
}

/**
 * The keys an app declared in `T`, without index signatures (Clerk's `[k: string]: unknown`):
 * optional and readonly modifiers are kept.
 */
export type DeclaredKeys<T> = {
  [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: T[K];
};

/**
 * What the keys an app did not declare in `T` may hold: what `T`'s own index signature allows
 * (Clerk's interfaces have `[k: string]: unknown`, so a value typed by Clerk's SDK is accepted as
 * it is), or any JSON value when `T` has none. The provider's `check` rejects what is not JSON
 * either way, at preview.
 */
type UndeclaredInput<T> = string extends keyof T
  ? { [key: string]: DeepInput<T[string & keyof T]> | undefined }
  : JsonObjectInput;

/**
 * The input type of one metadata field whose Clerk type is `T` (by default Clerk's global
 * interface, for example `UserPublicMetadata`): an object in which every key the app declared in
 * `T` must hold a value of its declared type, and any other key what `UndeclaredInput` allows.
 * `pulumi.Input` is allowed at every depth. Anything that is not an object (`5`, `"text"`, an
 * array) is a compile error.
 */
export type MetadataInput<T> = pulumi.Input<
  keyof DeclaredKeys<T> extends never ? UndeclaredInput<T> : InputShape<DeclaredKeys<T>> & UndeclaredInput<T>
>;

/**
 * The output type of one metadata field (what Clerk holds at the owned paths): a JSON object whose
 * declared keys, when present, have the types `T` gives them. Spelled out as one object type, so
 * an editor shows the app's keys (`{ [key: string]: JsonValue; plan?: "free" | "pro" }`).
 */
export type MetadataOutput<T> = keyof DeclaredKeys<T> extends never
  ? JsonObject
  : SpelledOut<Partial<DeclaredKeys<T>> & JsonObject>;

/** `T` as one object type with its properties listed, rather than the aliases it was built from. */
type SpelledOut<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;
