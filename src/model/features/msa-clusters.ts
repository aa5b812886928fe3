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
  // Agreement by buckets: for column j and token t, the cluster rows holding t at j, so each
  // extra row visits only the clusters it agrees with. Where one token fills more than half of a
  // column's bucket (typically the query residue), the extra row instead visits the clusters that
  // do NOT hold it and subtracts 1: that shifts every cluster's score by the same constant, which
  // changes neither the argmax nor its tie-breaking.
  // bucketStart[j * 21 + t] .. bucketStart[j * 21 + t + 1] indexes bucketRows;
  // dominant[j] = token with > S/2 clusters (or -1), whose complement list is otherRows[j].
  const bucketStart = new Int32Array(numRes * 21 + 1);
  for (let c = 0; c < S; c++) {
    for (let j = 0; j < numRes; j++) {
      const t = msa[c * numRes + j];
      if (t <= 20) bucketStart[j * 21 + t + 1]++;
    }
  }
  const dominant = new Int32Array(numRes).fill(-1);
  for (let j = 0; j < numRes; j++) {
    for (let t = 0; t <= 20; t++) if (2 * bucketStart[j * 21 + t + 1] > S) dominant[j] = t;
  }
  for (let b = 0; b < numRes * 21; b++) bucketStart[b + 1] += bucketStart[b];
  const bucketRows = new Int32Array(bucketStart[numRes * 21]);
  const fill = bucketStart.slice(0, numRes * 21);
  const otherStart = new Int32Array(numRes + 1);
  for (let j = 0; j < numRes; j++) {
    const d = dominant[j];
    const size = d < 0 ? 0 : S - (bucketStart[j * 21 + d + 1] - bucketStart[j * 21 + d]);
    otherStart[j + 1] = otherStart[j] + size;
  }
  const otherRows = new Int32Array(otherStart[numRes]);
  const otherFill = otherStart.slice(0, numRes);
  for (let c = 0; c < S; c++) {
    for (let j = 0; j < numRes; j++) {
      const t = msa[c * numRes + j];
      if (t <= 20) bucketRows[fill[j * 21 + t]++] = c;
      if (dominant[j] >= 0 && t !== dominant[j]) otherRows[otherFill[j]++] = c;
    }
  }
  const assignment = new Int32Array(E);
  const agree = new Int32Array(S);
  for (let e = 0; e < E; e++) {
    agree.fill(0);
    for (let j = 0; j < numRes; j++) {
      const t = extra[e * numRes + j];
      if (t > 20) continue; // gap and mask carry no weight
      if (t === dominant[j]) {
        for (let q = otherStart[j]; q < otherStart[j + 1]; q++) agree[otherRows[q]]--;
      } else {
        const b = j * 21 + t;
        for (let q = bucketStart[b]; q < bucketStart[b + 1]; q++) agree[bucketRows[q]]++;
      }
    }
    let bestC = 0;
    for (let c = 1; c < S; c++) if (agree[c] > agree[bestC]) bestC = c; // ties → lowest c
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
