/**
 * Algorithm 8, lines 1–7: MSAColumnAttention (AF2 `MSAColumnAttention`).
 * Each residue column i attends over the MSA sequences: the row attention of Algorithm 7 on the
 * transposed MSA, without pair bias; keys (sequences) masked by 1e9 (msa_mask_si − 1).
 * Returns the residual update.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { attentionWeights, gatedAttention } from './attention.ts';
import { asF32, layerNormByKey, type Params, swapLeadingAxes, type Tensor } from './ops.ts';

export const MSA_COLUMN_ATTENTION = `${EVOFORMER_ITERATION}/msa_column_attention`;

/**
 * @param m       [N_seq, N_res, c_m]
 * @param msaMask [N_seq, N_res]
 * @returns       [N_seq, N_res, c_m] update
 */
export function msaColumnAttention(
  m: Tensor,
  msaMask: Tensor,
  params: Params,
  path = MSA_COLUMN_ATTENTION,
): Tensor {
  // [N_res, N_seq, c_m] and [N_res, N_seq]: columns become the batch
  const mT = swapLeadingAxes(m);
  const maskT = swapLeadingAxes(asF32(msaMask));
  // [N_res, N_seq, c_m]  (line 1)
  const mNorm = layerNormByKey(mT, params, `${path}/query_norm`);
  // [N_res, N_seq, c_m]  (lines 2–7)
  const out = gatedAttention(mNorm, mNorm, attentionWeights(params, `${path}/attention`), maskT, null);
  // [N_seq, N_res, c_m]
  return swapLeadingAxes(out);
}
