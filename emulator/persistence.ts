import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { StoreState } from "./store";

/** The state in `file`, or `undefined` when the file does not exist. Throws for unreadable content. */
export function loadState(file: string): StoreState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StoreState>;
  if (
    !Array.isArray(parsed.users) ||
    !Array.isArray(parsed.organizations) ||
    !Array.isArray(parsed.memberships)
  ) {
    throw new Error(`${file} is not an emulator data file`);
  }
  return { users: parsed.users, organizations: parsed.organizations, memberships: parsed.memberships };
}

/** Writes `state` to `file` atomically: a temporary file in the same folder, then a rename over it. */
export function saveState(file: string, state: StoreState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2) + "\n");
  renameSync(temp, file);
}
