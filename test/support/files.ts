import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Every regular file below `dir`, recursively, following no symbolic link (a stack's workspace
 * links `node_modules`; the file backend's folder holds none, so there it is every file).
 */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}
