/** Public entry point of the local Clerk Backend API emulator: named re-exports only. */
export { startEmulator, type Emulator, type EmulatorData, type EmulatorOptions } from "./emulator";
export { mergeMetadata } from "./merge";
export { METADATA_LIMIT_BYTES } from "./validate";
export { MAX_BODY_BYTES } from "./server";
export { ADMIN_PREFIX } from "./admin";
export { faultFromJson, faultFromText, type FaultJson } from "./faults";
export { MAX_FILTER_IDS } from "./filters";
export { parseRateLimitText } from "./rateLimit";
export type {
  Counters,
  Fault,
  JsonValue,
  LoggedRequest,
  MembershipJson,
  Metadata,
  OrganizationJson,
  RateLimit,
  ReplaceNull,
  SeedData,
  StoredMetadata,
  UnknownIdFilter,
  UserJson,
} from "./types";
