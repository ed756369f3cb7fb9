import * as pulumi from "@pulumi/pulumi";
import { withDeclarationError } from "../core/declarationError";
import { messageOf } from "../core/errors";

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

/**
 * `output.apply(func, true)`: the SDK's `runWithUnknowns` flag (sdk/nodejs/output.ts
 * `OutputImpl.apply`, v3.248.0), missing from its typings. `func` runs on an unknown value too
 * (preview), and the result is known once `func` returns.
 */
export function applyWithUnknowns<T, U>(
  output: pulumi.Output<T>,
  func: (value: T) => pulumi.Input<U>,
): pulumi.Output<U> {
  const apply = output.apply.bind(output) as unknown as (
    f: (value: T) => pulumi.Input<U>,
    runWithUnknowns: true,
  ) => pulumi.Output<U>;
  return apply(func, true);
}

/**
 * The `__provider` input that carries `failure` to `check` (see core/declarationError.ts): the
 * provider text, with the failure's sentence as its last line when it resolves to one. Known
 * whenever the provider text is, even while `failure` is unknown (preview: no failure yet), so the
 * dynamic-provider host can always load the provider. A plain provider text and a failure that is
 * no Output (the common declaration of literals) give a plain promise: no Output, whose promises
 * the Pulumi runtime tracks.
 */
export function providerCarrying(
  provider: pulumi.Input<string>,
  failure: pulumi.Input<string | undefined>,
): pulumi.Input<string> {
  const carry = (text: string, sentence: string | undefined) =>
    sentence ? withDeclarationError(text, sentence) : text;
  if (typeof provider === "string" && !pulumi.Output.isInstance(failure))
    return Promise.resolve(failure).then((sentence) => carry(provider, sentence));
  const sentence = applyWithUnknowns(pulumi.output(failure), (value) =>
    typeof value === "string" && !pulumi.containsUnknowns(value) ? value : undefined,
  );
  return pulumi.unsecret(pulumi.all([provider, sentence]).apply(([text, s]) => carry(text, s)));
}
