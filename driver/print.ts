import type { ObjectDiff, ValueDiff } from "./propertyDiff";
import { secretMask } from "./propertyDiff";
import type { OperationResult, StepOp, StepResult } from "./types";

/** The sign Pulumi shows before a resource for each kind of step (pkg/resource/deploy/step.go `Prefix`). */
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
  /** Summary wording: "to create" (preview) or "created" (default: preview unless `result.operation` says otherwise). */
  preview?: boolean;
}

/** step.go `PastTense`. */
const pastTense: Partial<Record<StepOp, string>> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  import: "imported",
};

/** The order of deploy.StepOps in step.go (the summary lists kinds in this order). */
const summaryOrder: StepOp[] = ["create", "update", "delete", "replace", "import"];

function show(v: unknown): string {
  if (v === secretMask || v === "(removed)" || v === "(none)") return v as string;
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || typeof v !== "object") return String(v);
  return JSON.stringify(v, (_k, x) => x, 0).replace(/"\[secret\]"/g, secretMask);
}

/** object_diff.go `printObjectDiff` / `printPropertyValueDiff`: one line per changed key, objects and arrays nested. */
function printDiff(diff: ObjectDiff, indent: string, out: string[]): void {
  for (const [key, d] of Object.entries(diff)) printValueDiff(`${key}: `, d, indent, out);
}

function printValueDiff(title: string, d: ValueDiff, indent: string, out: string[]): void {
  switch (d.kind) {
    case "add":
      out.push(`${indent}+ ${title}${show(d.value)}`);
      break;
    case "delete":
      out.push(`${indent}- ${title}${show(d.value)}`);
      break;
    case "update":
      out.push(`${indent}~ ${title}${show(d.old)} => ${show(d.new)}`);
      break;
    case "object":
      out.push(`${indent}~ ${title}{`);
      printDiff(d.diff, indent + "    ", out);
      out.push(`${indent}  }`);
      break;
    case "array":
      out.push(`${indent}~ ${title}[`);
      for (const [i, item] of Object.entries(d.items)) printValueDiff(`[${i}]: `, item, indent + "    ", out);
      out.push(`${indent}  ]`);
      break;
  }
}

function formatStep(step: StepResult): string[] {
  const op = step.refresh ? (step.refreshResult ?? step.op) : step.op;
  const label = step.refresh ? `refresh${op !== "same" ? ` (${op})` : ""}` : step.op;
  const sign = step.refresh ? (op === "delete" ? "-" : op === "update" ? "~" : " ") : stepSymbols[step.op];
  const head = `${sign.padEnd(2)} ${step.type} ${step.name} ${label}`;
  const extras: string[] = [];
  if (step.replaces?.length) extras.push(`[diff: ${step.replaces.join(", ")}]`);
  if (step.deleteBeforeReplace) extras.push("[delete-before-replace]");
  if (step.detail) extras.push(`(${step.detail})`);
  const lines = [`  ${head}${extras.length ? " " + extras.join(" ") : ""}`];
  if (step.diff) printDiff(step.diff, "      ", lines);
  else
    for (const c of step.changedPaths ?? [])
      lines.push(`      ~ ${c.path}: ${show(c.old)} => ${show(c.new)}`);
  if (step.error) lines.push(`      error: ${step.error}`);
  return lines;
}

/**
 * Renders an operation result like the engine's diff display: one row per resource (`+ create`, `~ update`
 * with the nested property diff of its inputs, `+- replace`, `- delete`, refresh rows with what changed in the
 * outputs), `[secret]` for secret leaves, errors, and the summary (pkg/backend/display/diff.go `renderSummaryEvent`:
 * `Resources:` then `~ 2 to update` per kind, `N changes` when several kinds, `M unchanged`).
 */
export function formatResult(result: OperationResult, options: PrintOptions = {}): string {
  const lines: string[] = [];
  if (options.title) lines.push(options.title, "");
  for (const step of result.steps) {
    if (step.op === "same" && !options.showSame && !step.error) continue;
    if (step.refresh && (step.refreshResult ?? "same") === "same" && !options.showSame && !step.error)
      continue;
    lines.push(...formatStep(step));
  }
  const preview = options.preview ?? (result.operation === undefined || result.operation === "preview");
  const counts: Partial<Record<StepOp, number>> = result.changes ?? {};
  const summary: string[] = [];
  let kinds = 0;
  let total = 0;
  for (const op of summaryOrder) {
    const n = counts[op] ?? 0;
    if (n === 0) continue;
    kinds++;
    total += n;
    summary.push(`${stepSymbols[op]} ${n} ${preview ? `to ${op}` : pastTense[op]}`);
  }
  const pieces: string[] = [];
  if (kinds >= 2) pieces.push(`${total} ${total === 1 ? "change" : "changes"}`);
  if (counts.same) pieces.push(`${counts.same} unchanged`);
  lines.push("", `Resources: ${[...summary, pieces.join(". ")].filter(Boolean).join(", ") || "no changes"}`);
  const errored = new Set(result.steps.filter((s) => s.error).map((s) => s.urn)).size;
  if (errored > 0) lines.push(`    ${errored} errored`);
  const logged = (result.diagnostics ?? []).filter((d) => d.severity === "error" || d.severity === "warning");
  if (logged.length > 0) {
    lines.push("", "Diagnostics:");
    for (const d of logged) lines.push(`  ${d.severity}: ${d.message}`);
  }
  if (result.errors.length > 0) {
    lines.push("", "Errors:");
    for (const e of result.errors) lines.push(`  ${e}`);
  }
  return lines.join("\n") + "\n";
}
