import * as pulumi from "@pulumi/pulumi";
import { messageOf } from "../core/errors";

/** The input that carries a failure found in the program process to the resource's `check`. */
export const failureProperty = "declarationError";

/** True for an Output or a promise: a value the program does not know yet. */
export function isDeferred(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * The arguments with every Output or promise made unable to reject (a failed one resolves to
 * `undefined`, with `pulumi.recover`, sdk/nodejs/output.ts, v3.248.0), plus one Output of the
 * first failure among them, in argument order, as a sentence; plain values pass unchanged, and
 * arguments that are all plain make no Output at all (`failure` is `undefined`).
 *
 * Why: a resource whose input rejects never registers (sdk/nodejs/runtime/resource.ts
 * `runAsyncResourceOp` re-raises it as an unhandled rejection), and the Automation API's inline
 * route reports that only after it told the engine the program finished
 * (sdk/nodejs/automation/server.ts `LanguageServer.run`: `disconnect(true)`), so the engine deletes
 * every resource of the stack that did not register (pkg/resource/deploy/deployment_executor.go
 * `performPostSteps` → step_generator.go `GenerateDeletes`). Carried to `check` instead, the
 * failure fails the step (step_generator.go `GenerateSteps`: "resource … is invalid"), and the
 * executor stops before it generates any delete (deployment_executor.go `Execute`).
 */
export function guardInputs(args: Record<string, unknown>): {
  guarded: Record<string, unknown>;
  failure: pulumi.Output<string | undefined> | undefined;
} {
  const guarded: Record<string, unknown> = {};
  const failures: pulumi.Output<string | undefined>[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (!isDeferred(value)) {
      guarded[key] = value;
      continue;
    }
    const input = pulumi.output(value) as pulumi.Output<unknown>;
    guarded[key] = pulumi.recover(input, () => undefined);
    failures.push(
      pulumi.recover(
        input.apply(() => undefined as string | undefined),
        (error) => `${key}: ${messageOf(error)}`,
      ),
    );
  }
  return { guarded, failure: failures.length ? firstFailure(failures) : undefined };
}

/**
 * The first defined sentence of `failures`, in order, or `undefined` when there is none; never
 * secret (no message the package makes holds a secret value), so `check` reads it as it is.
 */
export function firstFailure(
  failures: pulumi.Output<string | undefined>[],
): pulumi.Output<string | undefined> {
  return pulumi.unsecret(
    pulumi.all(failures).apply((sentences) => sentences.find((s): s is string => typeof s === "string")),
  );
}
