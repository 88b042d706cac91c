import { describe, expect, it } from 'vitest';
import { bucketize, bucketSize, percentile } from './buckets.js';

describe('buckets', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 50)).toBeNull();
  });

  it('picks round bucket sizes', () => {
    expect(bucketSize(0, 60_000)).toBe(1_000);
    expect(bucketSize(0, 3_600_000)).toBe(60_000);
    expect(bucketSize(0, 86_400_000)).toBe(1_800_000);
  });

  it('counts calls and errors and latency per bucket', () => {
    const buckets = bucketize(
      [
        { timestamp: 500, durationMs: 10, isError: false },
        { timestamp: 900, durationMs: 30, isError: true },
        { timestamp: 2500, durationMs: 5, isError: false },
      ],
      0,
      3000,
    );
    expect(buckets.map((b) => [b.start, b.calls, b.errors, b.p50])).toEqual([
      [0, 2, 1, 10],
      [1000, 0, 0, null],
      [2000, 1, 0, 5],
      [3000, 0, 0, null],
    ]);
  });
});
