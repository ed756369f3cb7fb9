import * as fs from "node:fs";
import * as path from "node:path";
import { declarationsFileName } from "../declarations/format";

/** The program file `generate` writes beside the declarations. */
/**
 * The program file. Its name differs from the JSON's: `import "./clerk-metadata"` would load
 * `clerk-metadata.json` (Node tries `.json` before the `.ts` that ts-node adds) and declare nothing.
 */
export const programFileName = "clerkMetadata.ts";

/** The lines of program that declare every entry of the declarations file. */
export const programText = `import * as path from "node:path";
import { declareFromFile } from "pulumi-clerk-metadata";

/** Every Clerk metadata declaration of ${declarationsFileName}, written by \`pulumi-clerk-metadata generate\`. */
export const clerkMetadata = declareFromFile(path.join(__dirname, "${declarationsFileName}"));
`;

/** What happened to each file. */
export interface WrittenFiles {
  declarations: string;
  program: string;
  /** `written`: created; `unchanged`: it held this text already; `kept`: it differs and was left as it is. */
  programState: "written" | "unchanged" | "kept";
}

/**
 * Writes `dir/clerk-metadata.json` (always, replacing it) and `dir/clerkMetadata.ts` (only when
 * absent: an existing one that differs is never overwritten), creating `dir` when needed. Each
 * file is written to a temporary name and renamed, so a reader never sees half a file.
 */
export function writeProjectFiles(dir: string, declarationsText: string): WrittenFiles {
  fs.mkdirSync(dir, { recursive: true });
  const declarations = path.join(dir, declarationsFileName);
  const program = path.join(dir, programFileName);
  writeAtomically(declarations, declarationsText);
  let programState: WrittenFiles["programState"];
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(program, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (existing === undefined) {
    writeAtomically(program, programText);
    programState = "written";
  } else {
    programState = existing === programText ? "unchanged" : "kept";
  }
  return { declarations, program, programState };
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
