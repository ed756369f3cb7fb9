/** Order statistics of a sample of timings. */

/** The value at quantile `q` (0..1) of `samples`, nearest-rank; `NaN` for an empty sample. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The median and 99th percentile of `samples`. */
export function medianAndP99(samples: readonly number[]): { median: number; p99: number } {
  return { median: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}
