/**
 * A per-block cost model of the CPU reference (plain TypeScript, one thread, f32), for the offer
 * shown when there is no WebGPU. It counts the multiply-adds of the Evoformer and extra-MSA
 * blocks (the N_res²·c_z² pair updates, the N_res³·c_z triangle products, the S·N_res·c_m² MSA
 * updates and the attention logits) and divides by an assumed sustained rate. The structure
 * module and the heads are left out: they cost far less than the trunk beyond ~50 residues.
 *
 * Per-head sizes follow AF2's ratios: attention H·C = c_m (MSA) and c_z (pair), triangle
 * multiplication hidden = c_z, outer-product hidden = c_m/8, transitions ×4, extra-MSA
 * channels c_e = c_m/4. The rate comes from a short micro-benchmark in the GPU worker at first
 * use (`rateFromBenchmark`), or an assumed one until then. It is an estimate, and the panel says
 * so and shows a range.
 */

/**
 * Sustained rate of the CPU reference by this model (FLOP/s) when nothing was measured here.
 * Measured once: `webfold fold` with the demo parameters, 120 residues, one iteration,
 * `--backend cpu` (Node, same V8 as Chromium) took 8.9 s for 2.26 GFLOP of this model, about
 * 0.25 GFLOP/s; 0.2 leaves room for the browser.
 */
export const CPU_FLOPS_PER_SECOND = 2e8;

/**
 * The trunk's sustained rate as a fraction of the micro-benchmark's (src/worker/cpu-benchmark.ts:
 * the reference's `linear` on [512, 128] × [128, 128]), both measured on the same machine at the
 * same time: demo parameters, 120 residues, one iteration, `webfold fold --backend cpu` ran its
 * model in 13.4 s (0.17 GFLOP/s by this model, structure module and heads included) while the
 * benchmark gave 0.58–0.86 GFLOP/s (2 cores under load 6.6); unloaded, 0.25 against 0.85–0.9.
 * Both pairs give ≈ 0.28: the ratio belongs to the code, the benchmark measures the computer.
 * In headless Chromium on that loaded machine (e2e/cpu-offer.spec.ts) the benchmark said
 * 0.11 GFLOP/s, the estimate for a 32-residue, 2-iteration demo fold 6 s (3–13 s), and the job
 * took 8 s from queue to done; the fixed 0.2 GFLOP/s would have said about 1 s.
 */
export const TRUNK_RATE_PER_BENCHMARK_RATE = 0.28;

/** The CPU reference's sustained rate on this computer, from the micro-benchmark's rate. */
export function rateFromBenchmark(benchmarkFlopsPerSecond: number): number {
  if (!(benchmarkFlopsPerSecond > 0 && Number.isFinite(benchmarkFlopsPerSecond))) {
    throw new Error(`CPU benchmark rate must be a positive number, got ${benchmarkFlopsPerSecond}`);
  }
  return benchmarkFlopsPerSecond * TRUNK_RATE_PER_BENCHMARK_RATE;
}

/** The estimate is shown as [estimate / SPREAD, estimate × SPREAD]. */
export const ESTIMATE_SPREAD = 2;

export interface TrunkSizes {
  c_m: number;
  c_z: number;
  evoformerBlocks: number;
  extraMsaBlocks: number;
}

/** AF2 model_1_ptm: what the estimate assumes when no parameter set is selected. */
export const FULL_TRUNK: TrunkSizes = { c_m: 256, c_z: 128, evoformerBlocks: 48, extraMsaBlocks: 4 };

/** FLOPs of one MSA-stack block (Evoformer or extra MSA) on S rows of N residues. */
export function blockFlops(n: number, s: number, c: number, z: number, globalColumn: boolean): number {
  const h = Math.max(1, c / 8);
  const msaRow = 10 * s * n * c * c + 4 * s * n * n * c + 2 * n * n * z * 8;
  const msaCol = 10 * s * n * c * c + (globalColumn ? 4 * s * n * c : 4 * n * s * s * c);
  const msaTransition = 16 * s * n * c * c;
  const opm = 4 * s * n * c * h + 2 * n * n * s * h * h + 2 * n * n * h * h * z;
  const triMul = 2 * (12 * n * n * z * z + 2 * n * n * n * z);
  const triAtt = 2 * (10 * n * n * z * z + 4 * n * n * n * z);
  const pairTransition = 16 * n * n * z * z;
  return msaRow + msaCol + msaTransition + opm + triMul + triAtt + pairTransition;
}

/** FLOPs of one iteration (one recycle) of the trunk. */
export function iterationFlops(t: TrunkSizes, nRes: number, nSeq: number, nExtra: number): number {
  const extra = blockFlops(nRes, nExtra, Math.max(1, t.c_m / 4), t.c_z, true) * t.extraMsaBlocks;
  const evo = blockFlops(nRes, nSeq, t.c_m, t.c_z, false) * t.evoformerBlocks;
  return extra + evo;
}

export interface CpuEstimate {
  seconds: number;
  low: number;
  high: number;
  flops: number;
}

/**
 * Estimated CPU-reference time of a fold with `iterations` = recycles + 1, at `flopsPerSecond`
 * (measured here through `rateFromBenchmark`, else the assumed `CPU_FLOPS_PER_SECOND`).
 */
export function cpuEstimate(
  t: TrunkSizes,
  sizes: { nRes: number; nSeq: number; nExtra: number },
  iterations: number,
  flopsPerSecond = CPU_FLOPS_PER_SECOND,
): CpuEstimate {
  const flops = iterationFlops(t, sizes.nRes, sizes.nSeq, sizes.nExtra) * iterations;
  const seconds = flops / flopsPerSecond;
  return { seconds, low: seconds / ESTIMATE_SPREAD, high: seconds * ESTIMATE_SPREAD, flops };
}

/** 42 s, 3.5 min, 2.1 h. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return '< 1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(seconds < 600 ? 1 : 0)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Above this estimate the CPU reference is not offered as a way to fold (only explained). */
export const CPU_OFFER_MAX_SECONDS = 30 * 60;
