import type { Figure } from "./figures";

const headers = ["Figure", "Value", "Goal / baseline", "Status"];

/**
 * Renders the figures as one plain-text table, grouped by section, with the goal or baseline
 * next to each value and `met`/`missed`/`info` in the last column; notes follow their row.
 */
export function formatTable(figures: readonly Figure[]): string {
  const rows: (string[] | string)[] = [];
  let section = "";
  for (const figure of figures) {
    if (figure.section !== section) {
      section = figure.section;
      rows.push(section);
    }
    const status = figure.status === "missed" ? "MISSED" : figure.status;
    rows.push([`  ${figure.name}`, figure.value, figure.compare, status]);
    if (figure.note) rows.push(`      ${figure.status === "missed" ? "why: " : ""}${figure.note}`);
  }
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join(" | ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  const out = [line(headers), rule];
  for (const row of rows) out.push(Array.isArray(row) ? line(row) : row);
  return out.join("\n");
}
