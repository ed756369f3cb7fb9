import type { OperationResult, StepOp, StepResult } from "./types";

/** The sign Pulumi shows before a resource for each kind of step. */
export const stepSymbols: Record<StepOp, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  same: " ",
  read: ">",
  drop: "-",
  import: "=",
};

/** Options for {@link formatResult}. */
export interface PrintOptions {
  /** A heading line, e.g. "Previewing update (dev)". */
  title?: string;
  /** Also list resources that stay the same (default false). */
  showSame?: boolean;
}

function show(v: unknown): string {
  return typeof v === "string" && /^\[secret\]$|^\((removed|none)\)$/.test(v) ? v : JSON.stringify(v);
}

function formatStep(step: StepResult): string[] {
  const head = `${stepSymbols[step.op].padEnd(2)} ${step.type} ${step.name} ${step.op}`;
  const extras: string[] = [];
  if (step.replaces?.length) extras.push(`[diff: ${step.replaces.join(", ")}]`);
  if (step.deleteBeforeReplace) extras.push("[delete-before-replace]");
  if (step.detail) extras.push(`(${step.detail})`);
  const lines = [`  ${head}${extras.length ? " " + extras.join(" ") : ""}`];
  for (const c of step.changedPaths ?? []) lines.push(`        ${c.path}: ${show(c.old)} => ${show(c.new)}`);
  if (step.error) lines.push(`      error: ${step.error}`);
  return lines;
}

/**
 * Renders an operation result for a reviewer: one line per resource with `+`, `~`, `-`, `+-`, `>` (read)
 * or `=` (import), indented `path: old => new` lines for changed key paths, errors, and a count summary.
 * Only values already in the result are shown, and the engine masks secret values as `[secret]` there.
 */
export function formatResult(result: OperationResult, options: PrintOptions = {}): string {
  const lines: string[] = [];
  if (options.title) lines.push(options.title, "");
  for (const step of result.steps) {
    if (step.op === "same" && !options.showSame && !step.error) continue;
    lines.push(...formatStep(step));
  }
  const counts = new Map<StepOp, number>();
  for (const s of result.steps) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
  const summary = [...counts.entries()].map(([op, n]) => `${n} ${op}`).join(", ");
  lines.push("", `Resources: ${summary || "no changes"}`);
  if (result.errors.length > 0) {
    lines.push("", "Errors:");
    for (const e of result.errors) lines.push(`  ${e}`);
  }
  return lines.join("\n") + "\n";
}
