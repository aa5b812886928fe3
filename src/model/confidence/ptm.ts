/**
 * Predicted TM-score, supplement section 1.9.7 eq. (40) (AF2 `confidence.predicted_tm_score`):
 *
 *   d0 = 1.24 · (max(N, 19) − 15)^(1/3) − 1.8          N = ⌊Σ residue weights⌋
 *   tm_ij = Σ_b softmax(logits_ij)_b / (1 + (centre_b / d0)²)
 *   pTM = max_i Σ_j w_ij tm_ij,  w_ij = (r_i r_j m_ij) / (1e-8 + Σ_j r_i r_j m_ij)
 * where r are the residue weights (1 by default) and m_ij the pair mask (all ones; for the
 * interface score ipTM only pairs in different chains). As in AF2, the row maximised is the
 * one maximising per-row score × r_i, and the unweighted row score is returned.
 */
import type { NdArray } from '../ndarray.ts';
import { alignedErrorBreaks, binCentersFromBreaks, checkPairLogits, DEFAULT_MAX_ERROR_BIN } from './pae.ts';
import { softmaxRow } from './softmax.ts';

export interface PredictedTmOptions {
  /** Å; default 31 (AF2) */
  maxErrorBin?: number;
  /** [N_res] in [0, 1]; default all ones */
  residueWeights?: ArrayLike<number>;
  /** [N_res] chain ids; required with `interface` */
  asymId?: ArrayLike<number>;
  /** ipTM: only pairs from different chains count */
  interface?: boolean;
}

/** TM-score d0 for N residues, N clipped below at 19 (so d0 > 0). */
export function tmScoreD0(numRes: number): number {
  const clipped = Math.max(numRes, 19);
  return 1.24 * Math.cbrt(clipped - 15) - 1.8;
}

export function predictedTmScore(logits: NdArray<Float32Array>, options: PredictedTmOptions = {}): number {
  const [n, bins] = checkPairLogits(logits, 'pTM');
  const weights = options.residueWeights ?? new Float64Array(n).fill(1);
  if (weights.length !== n) throw new Error(`pTM: ${weights.length} residue weights for ${n} residues`);
  const asym = options.asymId;
  if (options.interface && (!asym || asym.length !== n))
    throw new Error('pTM: interface score needs asymId [N_res]');

  const centers = binCentersFromBreaks(
    alignedErrorBreaks(bins, options.maxErrorBin ?? DEFAULT_MAX_ERROR_BIN),
  );
  let weightSum = 0;
  for (let i = 0; i < n; i++) weightSum += weights[i];
  const d0 = tmScoreD0(Math.floor(weightSum));
  const tmPerBin = centers.map((c) => 1 / (1 + (c * c) / (d0 * d0)));

  const probs = new Float64Array(bins);
  let best = Number.NEGATIVE_INFINITY;
  let bestScore = 0;
  for (let i = 0; i < n; i++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n; j++) {
      const pair = options.interface && asym ? (asym[i] !== asym[j] ? 1 : 0) : 1;
      if (pair === 0) continue;
      const w = weights[i] * weights[j];
      softmaxRow(logits.data, (i * n + j) * bins, bins, probs);
      let tm = 0;
      for (let b = 0; b < bins; b++) tm += probs[b] * tmPerBin[b];
      num += w * tm;
      den += w;
    }
    const score = num / (1e-8 + den);
    if (score * weights[i] > best) {
      best = score * weights[i];
      bestScore = score;
    }
  }
  return bestScore;
}
