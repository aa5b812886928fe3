/**
 * MSA sampling for one recycling iteration (AF2 `sample_msa`, `make_masked_msa`,
 * `crop_extra_msa`; supplement 1.2.7).
 *
 * - `af2`: row 0 (the query) stays first, rows 1.. are shuffled, the first S become the cluster
 *   centres and the rest the extra MSA; BERT-style masking replaces 15% of cluster-MSA cells with
 *   a token drawn from 0.1·uniform(20 aa) + 0.1·MSA profile + 0.1·same + 0.7·[MASK] (22); after
 *   clustering, the extra MSA is shuffled again and cropped to E rows.
 * - `none`: rows 0..S-1 in file order are the clusters, rows S.. in order the extra MSA (the first
 *   E of them kept), no masking. This reproduces the golden inputs.
 */
import type { Prng } from './prng.ts';
import type { RawFeatures } from './raw-features.ts';
import { maskTokenIndex } from './residue-constants.ts';

export type MsaSampling = 'af2' | 'none';

/** AF2 `masked_msa` config (monomer) and the eval replace fraction. */
export const bertConfig = { uniformProb: 0.1, profileProb: 0.1, sameProb: 0.1, replaceFraction: 0.15 };

export interface MsaSample {
  /** Raw-MSA row of each cluster centre, [min(S, N_seq)]. */
  clusterRows: number[];
  /** Raw-MSA rows not chosen as centres, in sampled order: all take part in clustering. */
  extraRows: number[];
  /** Positions into `extraRows` kept as the extra MSA after cropping, [min(E, extraRows.length)]. */
  extraKept: number[];
  /** [clusterRows.length, N_res] cluster MSA after BERT masking (AF2 order, 22 = mask token). */
  msa: Int32Array;
}

/** Per-column frequencies of the 22 AF2 tokens over all raw MSA rows (AF2 `hhblits_profile`). */
export function msaProfile(raw: RawFeatures): Float64Array {
  const { numRes, numSeq, msa } = raw;
  const prof = new Float64Array(numRes * 22); // [N_res, 22]
  for (let s = 0; s < numSeq; s++) for (let i = 0; i < numRes; i++) prof[i * 22 + msa[s * numRes + i]] += 1;
  for (let k = 0; k < prof.length; k++) prof[k] /= numSeq;
  return prof;
}

export function sampleMsa(
  raw: RawFeatures,
  clusters: number,
  extra: number,
  sampling: MsaSampling,
  prng: Prng,
): MsaSample {
  const { numRes, numSeq } = raw;
  const order = Array.from({ length: numSeq }, (_, i) => i);
  if (sampling === 'af2') {
    const rest = prng.shuffle(order.slice(1));
    order.splice(1, rest.length, ...rest);
  }
  const nSel = Math.min(clusters, numSeq);
  const clusterRows = order.slice(0, nSel);
  const extraRows = order.slice(nSel);
  let keep = extraRows.map((_, i) => i);
  if (sampling === 'af2') keep = prng.shuffle(keep);
  const extraKept = keep.slice(0, Math.min(extra, extraRows.length));

  // [nSel, N_res]
  const msa = new Int32Array(nSel * numRes);
  for (let s = 0; s < nSel; s++)
    msa.set(raw.msa.subarray(clusterRows[s] * numRes, (clusterRows[s] + 1) * numRes), s * numRes);

  if (sampling === 'af2') {
    const prof = msaProfile(raw);
    const { uniformProb, profileProb, sameProb, replaceFraction } = bertConfig;
    const maskProb = 1 - uniformProb - profileProb - sameProb;
    const p = new Float64Array(23);
    for (let s = 0; s < nSel; s++) {
      for (let i = 0; i < numRes; i++) {
        if (prng.uniform() >= replaceFraction) continue;
        const cur = msa[s * numRes + i];
        for (let k = 0; k < 22; k++)
          p[k] = (k < 20 ? uniformProb * 0.05 : 0) + profileProb * prof[i * 22 + k];
        p[cur] += sameProb;
        p[maskTokenIndex] = maskProb;
        msa[s * numRes + i] = prng.categorical(p);
      }
    }
  }
  return { clusterRows, extraRows, extraKept, msa };
}
