/**
 * `npm run toolchain` (and the first step of `npm start`, `npm test` and `npm run bench`): finds or
 * builds the Pulumi CLI the project runs (engine/toolchain.ts) and says which one it is. Exits
 * non-zero, with what to install, when there is neither a usable CLI nor Go to build one.
 */
import { ensureToolchain } from "../engine/toolchain";

try {
  const toolchain = ensureToolchain((line) => console.log(line));
  console.log(`Pulumi CLI ${toolchain.version} (${toolchain.source}): ${toolchain.pulumi}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
