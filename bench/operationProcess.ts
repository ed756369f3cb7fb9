/**
 * Child-process entry of `isolatedOperation.ts`: takes one `OperationRequest` over IPC, opens the
 * stack, runs the operation with its program in this process, answers `{ measured,
 * checkpointBytes }` (or `{ error }`) and exits. The classes are loaded before the clock starts, as a program's modules are loaded
 * before it declares anything.
 */
import { checkpointBytes, openBenchStack } from "./benchStack";
import { runStackOperation, type OperationRequest } from "./isolatedOperation";
import { installedClasses, mixedProgram, mixedShape } from "./mixedStack";
import { measureHere } from "./operationTiming";
import { resolveFromScratch } from "./packageInstall";

async function run(request: OperationRequest) {
  // The no-op provider's closure serializer resolves `@pulumi/pulumi` from the scratch program.
  resolveFromScratch({ dir: request.scratchDir });
  const program = mixedProgram(
    mixedShape(request.size),
    installedClasses(request.scratchDir, request.classes),
    request.tag,
  );
  const stack = await openBenchStack({
    dir: request.dir,
    scratch: { dir: request.scratchDir },
    emulator: request.emulator,
    ...(request.config ? { config: request.config } : {}),
  });
  const measured = await measureHere(() => runStackOperation(stack, program, request.operation));
  return { measured, checkpointBytes: checkpointBytes(stack) };
}

process.once("message", (request: OperationRequest) => {
  run(request).then(
    (answer) => process.send?.(answer, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () =>
        process.exit(1),
      ),
  );
});

// The bench is this process's only user: when it goes, so does the operation.
process.on("disconnect", () => process.exit(1));
