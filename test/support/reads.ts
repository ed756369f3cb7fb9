/** Metadata reads started together, each settled to what it answered. */
import type { EntityMetadata } from "../../provider/clerk/answers";

/** What one read settled to: its metadata, or its error. */
export type SettledRead = { ok: true; metadata: EntityMetadata } | { ok: false; error: unknown };

/** Awaits every read (started by the caller, so together), each settling to its metadata or its error; never rejects. */
export function settleReads(reads: Promise<EntityMetadata>[]): Promise<SettledRead[]> {
  return Promise.all(
    reads.map((read) =>
      read.then(
        (metadata): SettledRead => ({ ok: true, metadata }),
        (error: unknown): SettledRead => ({ ok: false, error }),
      ),
    ),
  );
}
