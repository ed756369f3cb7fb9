/**
 * One operation of a bench stack, run with its program in a process of its own
 * (`operationProcess.ts`), as the CLI runs a program: one process per run.
 *
 * Why not in the bench process: Pulumi's inline route keeps every run's resources alive in the
 * process that ran it (measured with v3.248.0: each run's `Stack` resource, and through its
 * children every resource the program registered, stay reachable from the `AsyncLocalStorage`
 * store that a gRPC DNS channel created during the run captured). The heap of a process that runs
 * one program after another grows by every run's resources, and each later run pays for marking
 * them in its garbage collections. In one process, the comparison would weigh on whichever stack
 * runs later, and the more so the more objects a stack's resources hold.
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { Stack } from "../engine/stack";
import type { OperationResult } from "../engine/types";
import type { ClassesName } from "./mixedStack";
import type { MeasuredRun } from "./operationTiming";

/** The operations of the large stack. */
export type StackOperation = "up" | "no-change up" | "preview --refresh" | "destroy";

/** Everything the child needs to open the stack, build the program and run the operation. */
export interface OperationRequest {
  /** The stack's folder (see `openBenchStack`). */
  dir: string;
  /** The scratch program's folder, with the packed package (and the no-op provider) installed. */
  scratchDir: string;
  emulator: { url: string; secretKey: string };
  config?: ConfigMap;
  classes: ClassesName;
  /** The size of the mixed shape (`mixedShape`). */
  size: number;
  /** The program's tag (`mixedProgram`). */
  tag: string;
  operation: StackOperation;
}

/** Runs `operation` on `stack` with `program`: `up` is the CLI's preview then the update. */
export function runStackOperation(
  stack: Stack,
  program: () => void,
  operation: StackOperation,
): Promise<OperationResult & { preview?: OperationResult }> {
  switch (operation) {
    case "up":
    case "no-change up":
      return stack.up(program);
    case "preview --refresh":
      return stack.preview(program, { refresh: true });
    case "destroy":
      return stack.destroy();
  }
}

/** What the operation's process answers. */
export interface IsolatedRun {
  /** The operation's wall time, the CPU of that process (the program) and of the CLI runs it waited for. */
  measured: MeasuredRun;
  /** The size of the stack's checkpoint after the operation (see `checkpointBytes`). */
  checkpointBytes: number | undefined;
}

/**
 * Forks `operationProcess.ts`, has it run `request`, and returns what it measured there. The
 * child's own start (Node, ts-node, opening the stack, loading the classes) is outside the
 * measured time.
 */
export function runIsolated(request: OperationRequest): Promise<IsolatedRun> {
  const child = fork(path.join(__dirname, "operationProcess.ts"), [], {
    execArgv: ["-r", "ts-node/register/transpile-only"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise<IsolatedRun>((resolve, reject) => {
    let answer: Partial<IsolatedRun> & { error?: string } = {};
    child.on("message", (message: Partial<IsolatedRun> & { error?: string }) => (answer = message));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (answer.measured) resolve({ measured: answer.measured, checkpointBytes: answer.checkpointBytes });
      else
        reject(
          new Error(
            `the operation's process (${request.operation}, ${request.classes}) ended with ${signal ?? code}` +
              (answer.error ? `: ${answer.error}` : " before it answered"),
          ),
        );
    });
    child.send(request);
  });
}
