/** The keys "the app" wrote on a seeded entity: what every resource must leave alone. */
import type { JsonObject } from "../../provider";

/** The keys the app itself wrote on an entity, tagged so each entity's differ (never declared by a resource). */
export function appMetadata(tag: string): {
  public_metadata: JsonObject & { app: { version: number; tag: string } };
  private_metadata: JsonObject & { appSecretRef: string };
} {
  return {
    public_metadata: { app: { version: 3, tag }, limits: { appLimit: 5 } },
    private_metadata: { appSecretRef: `app-ref-${tag}` },
  };
}
