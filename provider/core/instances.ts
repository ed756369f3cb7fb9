/** The kind of Clerk instance a secret key belongs to. */
export type InstanceKind = "development" | "production" | "unknown";

/** Which kind of Clerk instance a secret key belongs to, from its prefix (`sk_test_`, `sk_live_`). */
export function instanceKindOf(secretKey: string): InstanceKind {
  if (secretKey.startsWith("sk_test_")) return "development";
  if (secretKey.startsWith("sk_live_")) return "production";
  return "unknown";
}
