/**
 * Predicted aligned error, supplement section 1.9.7 (AF2 `confidence.compute_predicted_aligned_error`).
 *
 *   logits [N_res, N_res, n_bins] (n_bins = 64) from the PAE head
 *   breaks = linspace(0, max_error_bin, n_bins − 1)   (max_error_bin = 31 Å)
 *   bin centres = breaks + step/2, plus one catch-all bin at last + step   [n_bins]
 *   PAE_ij = Σ_b softmax(logits_ij)_b · centre_b                          [N_res, N_res] Å
 *   max_predicted_aligned_error = last centre (31.75 Å for 64 bins)
 */
import { float32, formatShape, type NdArray } from '../ndarray.ts';
import { softmaxRow } from './softmax.ts';

/** AF2 `predicted_aligned_error_head.max_error_bin` (Å). */
export const DEFAULT_MAX_ERROR_BIN = 31;

/** numpy `linspace(start, stop, count)` */
export function linspace(start: number, stop: number, count: number): Float64Array {
  if (count === 1) return Float64Array.of(start);
  const step = (stop - start) / (count - 1);
  return Float64Array.from({ length: count }, (_, k) => (k === count - 1 ? stop : start + k * step));
}

/** The n_bins − 1 error-bin edges of AF2's aligned-error head. */
export function alignedErrorBreaks(numBins: number, maxErrorBin = DEFAULT_MAX_ERROR_BIN): Float64Array {
  if (numBins < 3) throw new Error(`aligned error: ${numBins} bins, need at least 3`);
  return linspace(0, maxErrorBin, numBins - 1);
}

/** Bin centres from edges (AF2 `_calculate_bin_centers`): [n_breaks + 1]. */
export function binCentersFromBreaks(breaks: Float64Array): Float64Array {
  const step = breaks[1] - breaks[0];
  const centers = new Float64Array(breaks.length + 1);
  for (let k = 0; k < breaks.length; k++) centers[k] = breaks[k] + step / 2;
  centers[breaks.length] = centers[breaks.length - 1] + step;
  return centers;
}

export interface PredictedAlignedError {
  /** [N_res, N_res, n_bins] softmax of the logits */
  alignedConfidenceProbs: NdArray<Float32Array>;
  /** [N_res, N_res] expected aligned error (Å); row i = frame of residue i, column j = residue aligned */
  predictedAlignedError: NdArray<Float32Array>;
  /** the largest value the expectation can take (Å) */
  maxPredictedAlignedError: number;
}

export function checkPairLogits(logits: NdArray<Float32Array>, what: string): [number, number] {
  const [n, m, bins] = logits.shape;
  if (logits.shape.length !== 3 || n !== m) {
    throw new Error(`${what}: logits ${formatShape(logits.shape)}, want [N_res, N_res, n_bins]`);
  }
  return [n, bins];
}

export function computePredictedAlignedError(
  logits: NdArray<Float32Array>,
  maxErrorBin = DEFAULT_MAX_ERROR_BIN,
): PredictedAlignedError {
  const [n, bins] = checkPairLogits(logits, 'PAE');
  const centers = binCentersFromBreaks(alignedErrorBreaks(bins, maxErrorBin));
  const probsOut = float32([n, n, bins]);
  const pae = float32([n, n]);
  const probs = new Float64Array(bins);
  for (let ij = 0; ij < n * n; ij++) {
    softmaxRow(logits.data, ij * bins, bins, probs);
    let e = 0;
    for (let b = 0; b < bins; b++) {
      e += probs[b] * centers[b];
      probsOut.data[ij * bins + b] = probs[b];
    }
    pae.data[ij] = e;
  }
  return {
    alignedConfidenceProbs: probsOut,
    predictedAlignedError: pae,
    maxPredictedAlignedError: centers[bins - 1],
  };
}
