/**
 * A per-block cost model of the CPU reference (plain TypeScript, one thread, f32), for the offer
 * shown when there is no WebGPU. It counts the multiply-adds of the Evoformer and extra-MSA
 * blocks (the N_res²·c_z² pair updates, the N_res³·c_z triangle products, the S·N_res·c_m² MSA
 * updates and the attention logits) and divides by an assumed sustained rate. The structure
 * module and the heads are left out: they cost far less than the trunk beyond ~50 residues.
 *
 * Per-head sizes follow AF2's ratios: attention H·C = c_m (MSA) and c_z (pair), triangle
 * multiplication hidden = c_z, outer-product hidden = c_m/8, transitions ×4, extra-MSA
 * channels c_e = c_m/4. It is an estimate, and the panel says so and shows a range.
 */

/**
 * Sustained rate of the CPU reference by this model (FLOP/s). Measured once: `webfold fold` with
 * the demo parameters, 120 residues, one iteration, `--backend cpu` (Node, same V8 as Chromium)
 * took 8.9 s for 2.26 GFLOP of this model, about 0.25 GFLOP/s; 0.2 leaves room for the browser.
 */
export const CPU_FLOPS_PER_SECOND = 2e8;
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

/** Estimated CPU-reference time of a fold with `iterations` = recycles + 1. */
export function cpuEstimate(
  t: TrunkSizes,
  sizes: { nRes: number; nSeq: number; nExtra: number },
  iterations: number,
): CpuEstimate {
  const flops = iterationFlops(t, sizes.nRes, sizes.nSeq, sizes.nExtra) * iterations;
  const seconds = flops / CPU_FLOPS_PER_SECOND;
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
