/**
 * Cluster summaries of the extra MSA (AF2 `nearest_neighbor_clusters`, `summarize_clusters`;
 * supplement 1.2.7, "MSA clustering").
 *
 * Agreement[e, c] = Σ_j Σ_k onehot23(extra[e,j])_k · onehot23(msa[c,j])_k · w_k · masks, with
 * w = 1 for the 20 amino acids and X, 0 for gap (21) and the mask token (22). Each extra row goes
 * to argmax_c (ties → the lowest c, as tf.argmax). Then, per cluster c and column j:
 *   count = 1e-6 + msa_mask[c,j] + Σ_{e∈c} extra_mask[e,j]
 *   cluster_profile[c,j,:] = (onehot23(msa[c,j]) + Σ_{e∈c} extra_mask·onehot23(extra[e,j])) / count
 *   cluster_deletion_mean[c,j] = (del[c,j] + Σ_{e∈c} extra_mask·extra_del[e,j]) / count
 * All masks are 1 for real rows here (padding happens afterwards). Counts are rounded to float32
 * as in AF2, so the quotients are the float32 ones (sums of one-hots and integer deletions are exact).
 */

export interface ClusterSummary {
  /** [E_all] cluster index of each extra row. */
  assignment: Int32Array;
  /** [S, N_res, 23] */
  profile: Float64Array;
  /** [S, N_res] */
  deletionMean: Float64Array;
}

/**
 * @param msa [S, N_res] cluster tokens (AF2 order, may contain 22)
 * @param del [S, N_res] cluster deletion counts
 * @param extra [E_all, N_res] extra tokens
 * @param extraDel [E_all, N_res] extra deletion counts
 */
export function summarizeClusters(
  msa: Int32Array,
  del: ArrayLike<number>,
  extra: Int32Array,
  extraDel: ArrayLike<number>,
  numRes: number,
): ClusterSummary {
  const S = msa.length / numRes;
  const E = extra.length / numRes;
  const assignment = new Int32Array(E);
  for (let e = 0; e < E; e++) {
    let best = -1;
    let bestC = 0;
    for (let c = 0; c < S; c++) {
      let agree = 0;
      for (let j = 0; j < numRes; j++) {
        const t = extra[e * numRes + j];
        if (t <= 20 && t === msa[c * numRes + j]) agree++;
      }
      if (agree > best) {
        best = agree;
        bestC = c;
      }
    }
    assignment[e] = bestC;
  }

  const count = new Float64Array(S * numRes).fill(1); // the centre itself (msa_mask = 1)
  const profile = new Float64Array(S * numRes * 23); // [S, N_res, 23]
  const deletionMean = new Float64Array(S * numRes); // [S, N_res]
  for (let c = 0; c < S; c++) {
    for (let j = 0; j < numRes; j++) {
      profile[(c * numRes + j) * 23 + msa[c * numRes + j]] += 1;
      deletionMean[c * numRes + j] += del[c * numRes + j];
    }
  }
  for (let e = 0; e < E; e++) {
    const c = assignment[e];
    for (let j = 0; j < numRes; j++) {
      count[c * numRes + j] += 1;
      profile[(c * numRes + j) * 23 + extra[e * numRes + j]] += 1;
      deletionMean[c * numRes + j] += extraDel[e * numRes + j];
    }
  }
  for (let cj = 0; cj < S * numRes; cj++) {
    // float32 as AF2 evaluates it: (1e-6 + msa_mask) + Σ mask, then float32 division.
    const n = Math.fround(Math.fround(Math.fround(1e-6) + 1) + (count[cj] - 1));
    for (let k = 0; k < 23; k++) profile[cj * 23 + k] = Math.fround(profile[cj * 23 + k] / n);
    deletionMean[cj] = Math.fround(deletionMean[cj] / n);
  }
  return { assignment, profile, deletionMean };
}
