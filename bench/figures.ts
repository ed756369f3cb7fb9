/**
 * The one shape every benchmark figure takes, and the helpers that judge a figure against its
 * goal. A figure is one measured value from one run, shown next to the goal or baseline it is
 * compared to; figures without a goal are marked `info`.
 */

/** `met`/`missed` against a goal; `info` when the figure has no goal (only a baseline or none). */
export type Status = "met" | "missed" | "info";

/** One measured figure, as printed in the table and written to `results.json`. */
export interface Figure {
  /** The section of the issue it answers, e.g. "1. Requests per operation". */
  section: string;
  /** What was measured. */
  name: string;
  /** The measured value as printed (units included). */
  value: string;
  /** The raw number(s) behind `value`, for `results.json`. */
  raw: unknown;
  /** The goal or baseline it is compared to, as printed ("" when none). */
  compare: string;
  status: Status;
  /** A short remark: why a goal was missed, or what the figure contains. */
  note?: string;
}

/** A figure with a goal "at most `limit`": met when `value <= limit`. */
export function atMost(
  base: Omit<Figure, "status" | "compare" | "raw"> & { raw?: unknown },
  value: number,
  limit: number,
  goalText: string,
): Figure {
  return { raw: value, ...base, compare: goalText, status: value <= limit ? "met" : "missed" };
}

/** A figure with no goal of its own (compared to a baseline or shown for context). */
export function info(
  base: Omit<Figure, "status" | "compare" | "raw"> & { raw?: unknown; compare?: string },
  raw?: unknown,
): Figure {
  return { compare: "", raw, ...base, status: "info" };
}

/** Formats a number of bytes as `276 B`, `18.2 KB` or `1.21 GB` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** Formats milliseconds as seconds with two decimals: `12.34 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
