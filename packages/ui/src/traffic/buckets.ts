// Calls and latency over time, from answers (each answer is one finished call).

export interface Answer {
  timestamp: number;
  durationMs: number;
  isError: boolean;
}

export interface Bucket {
  start: number;
  calls: number;
  errors: number;
  p50: number | null;
  p95: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

const NICE_STEPS = [1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000];

/** A round bucket size giving at most `max` buckets over [from, to]. */
export function bucketSize(from: number, to: number, max = 60): number {
  const span = Math.max(1, to - from);
  return NICE_STEPS.find((step) => span / step <= max) ?? Math.ceil(span / max / 86_400_000) * 86_400_000;
}

export function bucketize(answers: Answer[], from: number, to: number, max = 60): Bucket[] {
  const size = bucketSize(from, to, max);
  const first = Math.floor(from / size) * size;
  const count = Math.max(1, Math.floor((to - first) / size) + 1);
  const durations: number[][] = Array.from({ length: count }, () => []);
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({ start: first + i * size, calls: 0, errors: 0, p50: null, p95: null }));
  for (const answer of answers) {
    const index = Math.floor((answer.timestamp - first) / size);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.calls++;
    if (answer.isError) bucket.errors++;
    durations[index]?.push(answer.durationMs);
  }
  buckets.forEach((bucket, i) => {
    const sorted = (durations[i] ?? []).sort((a, b) => a - b);
    bucket.p50 = percentile(sorted, 50);
    bucket.p95 = percentile(sorted, 95);
  });
  return buckets;
}
