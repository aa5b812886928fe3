/** The CPU micro-benchmark's bookkeeping (a scripted clock), and one real run (no timing asserted). */
import { describe, expect, it } from 'vitest';
import { BENCHMARK_FLOPS, runCpuBenchmark } from './cpu-benchmark.ts';

describe('runCpuBenchmark', () => {
  it('times at least five repetitions and takes the median one', () => {
    // Clock reads: the start, then start and end of each repetition, then the budget check.
    // Repetitions take 10, 50 (preempted), 10, 12 and 11 ms.
    const reads = [0, 0, 10, 10, 60, 60, 70, 70, 82, 82, 93, 93];
    let i = 0;
    const r = runCpuBenchmark(0, () => reads[Math.min(i++, reads.length - 1)]);
    expect(r.repetitions).toBe(5);
    expect(r.flopsPerSecond).toBeCloseTo(BENCHMARK_FLOPS / 0.011, 0);
    expect(r.ms).toBe(93);
    expect(i).toBe(reads.length);
  });

  it('gives a positive finite rate on this machine', () => {
    const r = runCpuBenchmark(20);
    expect(r.repetitions).toBeGreaterThanOrEqual(5);
    expect(Number.isFinite(r.flopsPerSecond)).toBe(true);
    expect(r.flopsPerSecond).toBeGreaterThan(0);
  });
});
