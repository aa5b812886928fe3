/**
 * The single-linear output heads of AF2 (supplement section 1.9; AF2 `modules.py`):
 *   predicted aligned error / pTM head   section 1.9.7   z [N_res, N_res, c_z] → [N_res, N_res, 64]
 *   distogram head                       section 1.9.8   z → [N_res, N_res, 64], symmetrised
 *   masked-MSA head                      section 1.9.9   m [N_seq, N_res, c_m] → [N_seq, N_res, 23]
 *   experimentally-resolved head         section 1.9.10  s [N_res, c_s] → [N_res, 37]
 * The pLDDT head (Algorithm 29) is in `predicted-lddt-head.ts`. Bin counts come from the weights.
 * `runOutputHeads` runs all of them and derives pLDDT, PAE and pTM (`confidence/`).
 */
import {
  computePlddt,
  computePredictedAlignedError,
  type PredictedAlignedError,
  predictedTmScore,
} from '../confidence/index.ts';
import { linearByKey, type Params, type Tensor, tensor } from './ops.ts';
import { predictedLddtHead } from './predicted-lddt-head.ts';
import {
  DISTOGRAM_HEAD,
  EXPERIMENTALLY_RESOLVED_HEAD,
  MASKED_MSA_HEAD,
  PREDICTED_ALIGNED_ERROR_HEAD,
} from './structure-paths.ts';

/** AF2 distogram head bin edges: linspace(2.3125, 21.6875, n_bins − 1) Å. */
export const DISTOGRAM_FIRST_BREAK = 2.3125;
export const DISTOGRAM_LAST_BREAK = 21.6875;

/** Section 1.9.7: PAE / pTM logits from the Evoformer pair representation. */
export function predictedAlignedErrorHead(
  z: Tensor,
  params: Params,
  path = PREDICTED_ALIGNED_ERROR_HEAD,
): Tensor {
  return linearByKey(z, params, `${path}/logits`); // [N_res, N_res, n_bins]
}

/**
 * Section 1.9.8: distogram logits, made symmetric as in AF2:
 * logits_ij = half_ij + half_ji with half = Linear(z).
 */
export function distogramHead(z: Tensor, params: Params, path = DISTOGRAM_HEAD): Tensor {
  const half = linearByKey(z, params, `${path}/half_logits`); // [N_res, N_res, n_bins]
  const [n, , bins] = half.shape;
  const out = tensor([n, n, bins]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const ij = (i * n + j) * bins;
      const ji = (j * n + i) * bins;
      for (let b = 0; b < bins; b++) out.data[ij + b] = half.data[ij + b] + half.data[ji + b];
    }
  }
  return out;
}

/** Section 1.9.9: masked-MSA logits from the MSA representation (cluster rows). */
export function maskedMsaHead(m: Tensor, params: Params, path = MASKED_MSA_HEAD): Tensor {
  return linearByKey(m, params, `${path}/logits`); // [N_seq, N_res, 23]
}

/** Section 1.9.10: experimentally-resolved logits from the Evoformer single representation. */
export function experimentallyResolvedHead(
  s: Tensor,
  params: Params,
  path = EXPERIMENTALLY_RESOLVED_HEAD,
): Tensor {
  return linearByKey(s, params, `${path}/logits`); // [N_res, 37]
}

/** What the heads read (AF2 `representations`), all from the last recycling iteration. */
export interface HeadInputs {
  /** [N_seq, N_res, c_m] Evoformer MSA representation, cluster rows only (no template rows) */
  msa: Tensor;
  /** [N_res, N_res, c_z] Evoformer pair representation */
  pair: Tensor;
  /** [N_res, c_s] Evoformer single representation (after `single_activations`) */
  single: Tensor;
  /** [N_res, c_s] structure module's final s */
  structureModuleSingle: Tensor;
}

export interface HeadOutputs {
  /** [N_res, n_lddt_bins] */
  lddtLogits: Tensor;
  /** [N_res] 0–100 */
  plddt: Float32Array;
  /** [N_res, N_res, n_dist_bins] */
  distogramLogits: Tensor;
  /** [N_seq, N_res, 23] */
  maskedMsaLogits: Tensor;
  /** [N_res, 37] */
  experimentallyResolvedLogits: Tensor;
  /** only when the parameters have the PAE/pTM head (`*_ptm` models) */
  tmLogits?: Tensor;
  pae?: PredictedAlignedError;
  ptm?: number;
}

/** True when the parameters include the predicted-aligned-error (pTM) head. */
export function hasPredictedAlignedErrorHead(params: Params, path = PREDICTED_ALIGNED_ERROR_HEAD): boolean {
  return `${path}/logits//weights` in params;
}

/** Every head of the model plus the confidence metrics derived from them. */
export function runOutputHeads(inputs: HeadInputs, params: Params): HeadOutputs {
  const lddtLogits = predictedLddtHead(inputs.structureModuleSingle, params);
  const out: HeadOutputs = {
    lddtLogits,
    plddt: computePlddt(lddtLogits),
    distogramLogits: distogramHead(inputs.pair, params),
    maskedMsaLogits: maskedMsaHead(inputs.msa, params),
    experimentallyResolvedLogits: experimentallyResolvedHead(inputs.single, params),
  };
  if (hasPredictedAlignedErrorHead(params)) {
    out.tmLogits = predictedAlignedErrorHead(inputs.pair, params);
    out.pae = computePredictedAlignedError(out.tmLogits);
    out.ptm = predictedTmScore(out.tmLogits);
  }
  return out;
}
