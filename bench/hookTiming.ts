import { diffResource } from "../provider/core/diff";
import { kinds } from "../provider/core/kinds";
import { ownershipOf } from "../provider/core/ownership";
import { updatePatch } from "../provider/core/patch";
import { buildOutputs, ownershipOfInputs, type MetadataInputs } from "../provider/core/outputs";
import { checkInputs } from "../provider/core/validate";
import { atMost, info, type Figure } from "./figures";
import { jsonBytes, metadataOfSize, metadataSizes, withNestedChange } from "./metadataFixtures";
import { medianAndP99 } from "./stats";

const section = "3. Hook time (pure core, one call)";
/** Calls timed per hook and size. */
const calls = 10_000;
/** Untimed calls before timing, so the JIT has compiled the code. */
const warmup = 2_000;
/** The diff goal at Clerk's 8 KB limit, in microseconds (median). */
const diffGoalMicros = 50;

/**
 * Times `fn` `calls` times (after `warmup` untimed calls) with `performance.now()` read before
 * and after each call: wall-clock time of one synchronous call on an otherwise idle event loop,
 * which is its CPU time; returns microseconds per call.
 */
function timeCalls(fn: () => unknown): number[] {
  let sink = 0;
  for (let i = 0; i < warmup; i++) if (fn()) sink++;
  const samples = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    if (fn()) sink++;
    samples[i] = (performance.now() - start) * 1000;
  }
  if (sink < 0) console.log(sink);
  return samples;
}

/**
 * Figure 3: median and p99 time of `checkInputs`, `diffResource` and `updatePatch` for a
 * `UserMetadata` whose `publicMetadata` is small, typical or at Clerk's limit. Diff compares the
 * outputs a create leaves with unchanged inputs (every leaf must be compared: the slowest case);
 * patch moves the owned tree to the same declaration with one nested leaf changed.
 */
export function measureHookTiming(): Figure[] {
  const spec = kinds.user;
  const providerString = 'exports.handler = () => require("pulumi-clerk-metadata/providers/user");\n';
  const figures: Figure[] = [];
  for (const size of metadataSizes) {
    const metadata = metadataOfSize(size.targetBytes);
    const bytes = jsonBytes(metadata);
    const news = {
      __provider: providerString,
      userId: "user_2ZUtbk2yvnFGItdeze1ivCh3uqh",
      publicMetadata: metadata,
    };
    const checked = checkInputs(spec, news).inputs as MetadataInputs;
    const olds = buildOutputs(spec, checked, false, ownershipOfInputs(spec, checked), {
      publicMetadata: metadata,
    });
    const owned = ownershipOf(metadata);
    const changed = withNestedChange(metadata);
    const hooks = [
      { hook: "check", fn: () => checkInputs(spec, news) },
      { hook: "diff", fn: () => diffResource(spec, olds, checked) },
      { hook: "patch", fn: () => updatePatch(owned, changed) },
    ];
    for (const { hook, fn } of hooks) {
      const { median, p99 } = medianAndP99(timeCalls(fn));
      const base = {
        section,
        name: `${hook}, ${size.label} (${bytes} B)`,
        value: `median ${median.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs`,
        raw: { medianMicros: median, p99Micros: p99, metadataBytes: bytes, calls },
      };
      const goal = hook === "diff" && size.label === "limit";
      figures.push(
        goal
          ? atMost(
              {
                ...base,
                note:
                  median >= diffGoalMicros
                    ? "diff walks the declaration, the recorded ownership and Clerk's values once per call; a miss here means that walk, or jsonEqual on large leaves, got slower"
                    : undefined,
              },
              median < diffGoalMicros ? 0 : 1,
              0,
              `median < ${diffGoalMicros} µs`,
            )
          : info(base, base.raw),
      );
    }
  }
  return figures;
}
