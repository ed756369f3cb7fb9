import assert from "node:assert/strict";
import { createProgress } from "../../provider/generate/progress";

/** A stream that records what was written, a terminal of `columns` when given. */
function stream(columns?: number) {
  const written: string[] = [];
  return { written, write: (text: string) => written.push(text), isTTY: columns !== undefined, columns };
}

describe("generate's progress", () => {
  it("away from a terminal prints at most one line a second, plus each kind's last page and every note", () => {
    const out = stream();
    let now = 0;
    const progress = createProgress(out, () => now);
    progress.page("organizations", 100, 230);
    now = 10;
    progress.page("users", 100, 500);
    now = 900;
    progress.page("users", 200, 500);
    now = 1100;
    progress.page("organizations", 200, 230);
    now = 1200;
    progress.page("organizations", 230, 230);
    progress.note(
      "generate: list users (offset 200, limit 100): Clerk answered HTTP 429; retrying in 3 s (attempt 2 of 6)",
    );
    now = 1300;
    progress.page("memberships", 40, undefined);
    progress.stop();
    assert.deepEqual(out.written, [
      "generate: organizations 100 of 230 read…\n",
      "generate: organizations 200 of 230 read…\n",
      "generate: organizations 230 of 230 read\n",
      "generate: list users (offset 200, limit 100): Clerk answered HTTP 429; retrying in 3 s (attempt 2 of 6)\n",
    ]);
  });

  it("on a terminal redraws one line cut to its width, prints notes above it, and clears it at the end", () => {
    const out = stream(40);
    const progress = createProgress(out, () => 0);
    progress.page("organizations", 50, 100);
    progress.note("a note");
    progress.page("users", 10, undefined);
    progress.stop();
    const clear = "\r\x1b[2K";
    assert.deepEqual(out.written, [
      "generate [##########----------] 50% org",
      clear,
      "a note\n",
      "generate [##########----------] 50% org",
      clear,
      "generate [##########----------] 50% org",
      clear,
    ]);
    for (const text of out.written) assert.ok(text.length < 40);
  });
});
