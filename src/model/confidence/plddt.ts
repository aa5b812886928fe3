/**
 * pLDDT: Algorithm 29 "predictPerResidueLDDT_Ca", line 4 onwards, and supplement section 1.9.6
 * (AF2 `confidence.compute_plddt`): the expected lDDT-Cα under the head's binned distribution.
 *
 *   logits [N_res, n_bins] (n_bins = 50 in AF2) → pLDDT [N_res] in 0–100
 *   bin centres v_b = (b + 0.5) / n_bins;  pLDDT_i = 100 · Σ_b softmax(logits_i)_b v_b
 */
import { formatShape, type NdArray } from '../ndarray.ts';
import { softmaxRow } from './softmax.ts';

/** Centres of n equal bins on [0, 1]. */
export function plddtBinCenters(numBins: number): Float64Array {
  return Float64Array.from({ length: numBins }, (_, b) => (b + 0.5) / numBins);
}

export function computePlddt(logits: NdArray<Float32Array>): Float32Array {
  if (logits.shape.length !== 2)
    throw new Error(`pLDDT: logits ${formatShape(logits.shape)}, want [N_res, n_bins]`);
  const [n, bins] = logits.shape;
  const centers = plddtBinCenters(bins);
  const probs = new Float64Array(bins);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    softmaxRow(logits.data, i * bins, bins, probs);
    let e = 0;
    for (let b = 0; b < bins; b++) e += probs[b] * centers[b];
    out[i] = 100 * e;
  }
  return out;
}
