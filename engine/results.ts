/**
 * Turns the engine's events (the Automation API's `onEvent`, the same stream `pulumi --event-log`
 * writes) into an {@link OperationResult}. Pure: no process, no file.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { changedPaths } from "./changedPaths";
import type { ChangedPath, Diagnostic, OperationResult, StepOp, StepResult } from "./types";

/** The resource name: the last `::` segment of a urn. */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The engine's op names folded as {@link StepOp} says; undefined for the halves of a replacement. */
function foldOp(op: string): StepOp | undefined {
  switch (op) {
    case "refresh":
      return "read";
    case "create-replacement":
    case "delete-replaced":
    case "discard-replaced":
      return undefined;
    case "discard":
    case "remove-pending-replace":
      return "drop";
    default:
      return op as StepOp;
  }
}

/**
 * The changed paths of a step: old inputs against new inputs, as Pulumi's display compares them
 * for a provider that returns no detailed diff (a refresh step: old inputs against the inputs read).
 */
function changedPathsOf(
  meta: NonNullable<EngineEvent["resourcePreEvent"]>["metadata"],
): ChangedPath[] | undefined {
  if (!meta.old || !meta.new) return undefined;
  const paths = changedPaths(meta.old.inputs ?? {}, meta.new.inputs ?? {});
  // A secret shows as "[secret]" on both sides: the engine's own list of changed keys still names it.
  for (const key of meta.diffs ?? []) {
    if (
      key.startsWith("__") ||
      paths.some((p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`))
    )
      continue;
    paths.push({ kind: "update", path: key, old: meta.old.inputs?.[key], new: meta.new.inputs?.[key] });
  }
  paths.sort((a, b) => a.path.localeCompare(b.path));
  return paths.length ? paths : undefined;
}

/**
 * The events of the last phase: `pulumi up` without `--skip-preview` logs its preview's events, up
 * to the preview's summary, before the update's own.
 */
export function lastPhase(events: EngineEvent[]): EngineEvent[] {
  // `isPreview` is in every summary event (sdk/go/common/apitype/events.go), not in the SDK's typings.
  const previewEnd = events.findIndex(
    (e) => (e.summaryEvent as { isPreview?: boolean } | undefined)?.isPreview,
  );
  const rest = previewEnd >= 0 ? events.slice(previewEnd + 1) : [];
  return rest.some((e) => e.summaryEvent || e.resourcePreEvent) ? rest : events;
}

/**
 * Collects steps, diagnostics and the summary from a run's events. Steps of the stack itself and of
 * providers are left out: results hold the program's resources only.
 */
export function resultOf(
  operation: OperationResult["operation"],
  events: EngineEvent[],
  run: { ok: boolean; stdout: string; stderr: string; elapsedMs: number },
): OperationResult {
  const steps = new Map<string, StepResult>();
  const diagnostics: Diagnostic[] = [];
  const errors: string[] = [];
  let changes: Record<string, number> = {};
  /** The latest step of a resource: the one a failure or diagnostic of that resource belongs to. */
  const lastStepOf = (urn: string) => [...steps.values()].reverse().find((step) => step.urn === urn);
  const isProgramResource = (type: string) =>
    type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");

  for (const event of events) {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && isProgramResource(pre.type)) {
      const op = foldOp(pre.op);
      if (op) {
        const paths = op === "update" || op === "replace" ? changedPathsOf(pre) : undefined;
        steps.set(`${pre.urn} ${op}`, {
          urn: pre.urn,
          name: nameOf(pre.urn),
          type: pre.type,
          op,
          ...(paths ? { changedPaths: paths } : {}),
          ...(pre.keys?.length && op === "replace" ? { replaces: pre.keys } : {}),
        });
      }
    }
    const outputs = event.resOutputsEvent?.metadata;
    // A refresh that finds the resource gone reports no new state: the engine drops it. `pulumi
    // refresh` reports the refresh step's result op instead (`delete` for a gone resource:
    // pkg/engine/update.go `OnResourceStepPost` → `RefreshStep.ResultOp`).
    if (outputs && (outputs.op === "refresh" || outputs.op === "delete") && isProgramResource(outputs.type)) {
      const step = steps.get(`${outputs.urn} read`);
      if (step && !outputs.new) step.op = "drop";
    }
    const failed = event.resOpFailedEvent?.metadata;
    if (failed && isProgramResource(failed.type)) {
      const step = lastStepOf(failed.urn);
      if (step) step.error = step.error ?? "failed";
    }
    const diag = event.diagnosticEvent;
    if (diag) {
      const message = diag.message.trim();
      diagnostics.push({ severity: diag.severity, message, ...(diag.urn ? { urn: diag.urn } : {}) });
      if (diag.severity === "error") {
        errors.push(message);
        const step = diag.urn ? lastStepOf(diag.urn) : undefined;
        if (step) step.error = message;
      }
    }
    if (event.summaryEvent) changes = { ...event.summaryEvent.resourceChanges } as Record<string, number>;
  }
  if (!run.ok && errors.length === 0) errors.push(run.stderr.trim() || run.stdout.trim());
  return {
    operation,
    ok: run.ok,
    steps: [...steps.values()],
    errors,
    diagnostics,
    changes,
    stdout: run.stdout,
    stderr: run.stderr,
    elapsedMs: run.elapsedMs,
  };
}
