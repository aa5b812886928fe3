/**
 * A short timed micro-benchmark of the CPU reference on this computer, for the CPU-reference time
 * estimate (src/app/gpu/cpu-estimate.ts turns its rate into the trunk's sustained rate). It runs
 * the reference's own `linear` — the matmul inside every trunk module — on a pair-shaped input,
 * x [512, c_z = 128] × w [128, 128] (16.8 MFLOP), repeated for about `budgetMs`; the first
 * repetition warms up the JIT and is not counted, and the median repetition gives the rate. Deterministic inputs, no allocation beyond
 * the outputs. Run once, at first use, in a worker (it blocks its thread for ~0.1 s).
 */
import { linear, tensor } from '../model/reference/ops.ts';

export interface CpuBenchmark {
  /** multiply-adds × 2 per second of the reference's `linear` */
  flopsPerSecond: number;
  /** timed repetitions (after the warm-up); the rate is that of the median one */
  repetitions: number;
  /** wall time of the timed repetitions (ms) */
  ms: number;
}

const ROWS = 512;
const C = 128;
/** FLOPs of one repetition: 2 · rows · c_in · c_out */
export const BENCHMARK_FLOPS = 2 * ROWS * C * C;

export function runCpuBenchmark(budgetMs = 100, now: () => number = () => performance.now()): CpuBenchmark {
  const x = tensor([ROWS, C]);
  const w = tensor([C, C]);
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.sin(i * 0.37);
  for (let i = 0; i < w.data.length; i++) w.data[i] = Math.cos(i * 0.11) / C;
  let sink = linear(x, w).data[0]; // warm-up
  const times: number[] = [];
  const t0 = now();
  // At least 5 timed repetitions; the median one decides, so a preempted repetition does not.
  while (times.length < 5 || now() - t0 < budgetMs) {
    const t = now();
    sink += linear(x, w).data[times.length % ROWS];
    times.push(Math.max(now() - t, 1e-3));
  }
  if (!Number.isFinite(sink)) throw new Error('CPU benchmark: non-finite result');
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return {
    flopsPerSecond: BENCHMARK_FLOPS / (median / 1000),
    repetitions: times.length,
    ms: times.reduce((a, b) => a + b, 0),
  };
}
