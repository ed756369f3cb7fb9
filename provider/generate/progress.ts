import type { KindLabel } from "./reader";

/** Where progress goes: a stream with, on a terminal, `isTTY` and `columns`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Progress of one run: pages read, lines that must be seen, and the end of the display. */
export interface Progress {
  /** `read` entities of `kind` were read so far, of `total` when known. */
  page(kind: KindLabel, read: number, total: number | undefined): void;
  /** A line that must be seen (a wait before a retry, a warning), printed whole. */
  note(text: string): void;
  /** Removes the progress bar, if any; later lines print below nothing. */
  stop(): void;
}

const kindsInOrder: readonly KindLabel[] = ["organizations", "users", "memberships"];

/** At most one plain progress line per this many milliseconds (a kind's last page always prints). */
export const plainLineIntervalMs = 1000;

/**
 * Progress on `stream`: on a terminal (`isTTY`), one line (a bar and each kind's count) redrawn
 * in place, cut to the terminal's width; elsewhere plain lines such as
 * `generate: organizations 200 of 230 read…`, at most one per second, plus one when a kind's last
 * page is in (`… 230 of 230 read`). Notes always print on a line of their own.
 */
export function createProgress(stream: ProgressStream, now: () => number = Date.now): Progress {
  const counts = new Map<KindLabel, { read: number; total: number | undefined }>();
  if (stream.isTTY) {
    let shown = false;
    const clear = () => {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    };
    const draw = () => {
      clear();
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(barLine(counts).slice(0, width));
      shown = true;
    };
    return {
      page: (kind, read, total) => {
        counts.set(kind, { read, total });
        draw();
      },
      note: (text) => {
        const redraw = shown;
        clear();
        stream.write(`${text}\n`);
        if (redraw) draw();
      },
      stop: clear,
    };
  }
  let last = Number.NEGATIVE_INFINITY;
  return {
    page: (kind, read, total) => {
      counts.set(kind, { read, total });
      const finished = total !== undefined && read >= total;
      if (!finished && now() - last < plainLineIntervalMs) return;
      last = now();
      stream.write(
        `generate: ${kind} ${read}${total === undefined ? "" : ` of ${total}`} read${finished ? "" : "…"}\n`,
      );
    },
    note: (text) => {
      stream.write(`${text}\n`);
    },
    stop: () => {},
  };
}

/** `generate [########------------] 40% organizations 230/230 · users 120/500 · memberships 0`. */
function barLine(counts: Map<KindLabel, { read: number; total: number | undefined }>): string {
  let read = 0;
  let total = 0;
  for (const count of counts.values()) {
    if (count.total === undefined) continue;
    read += Math.min(count.read, count.total);
    total += count.total;
  }
  const share = total === 0 ? 0 : read / total;
  const filled = Math.round(share * 20);
  const bar = `[${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${Math.floor(share * 100)}%`;
  const parts = kindsInOrder
    .filter((kind) => counts.has(kind))
    .map((kind) => {
      const { read: n, total: of } = counts.get(kind)!;
      return `${kind} ${n}${of === undefined ? "" : `/${of}`}`;
    });
  return `generate ${bar} ${parts.join(" · ")}`;
}
