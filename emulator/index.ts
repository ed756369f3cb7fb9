/** Public entry point of the local Clerk Backend API emulator: named re-exports only. */
export { startEmulator, type Emulator, type EmulatorData, type EmulatorOptions } from "./emulator";
export { mergeMetadata } from "./merge";
export { METADATA_LIMIT_BYTES } from "./validate";
export { MAX_BODY_BYTES } from "./server";
export type {
  Counters,
  Fault,
  JsonValue,
  LoggedRequest,
  MembershipJson,
  Metadata,
  OrganizationJson,
  RateLimit,
  SeedData,
  UserJson,
} from "./types";
