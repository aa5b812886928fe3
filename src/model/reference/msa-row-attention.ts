/**
 * Algorithm 7, lines 1–7: MSARowAttentionWithPairBias (AF2 `MSARowAttentionWithPairBias`).
 * Each MSA row s attends over residues, biased by a per-head projection of the pair representation:
 *   m ← LayerNorm(m);  b_ij^h = LinearNoBias(LayerNorm(z_ij));  attention within each row s,
 *   keys masked by 1e9 (msa_mask_sj − 1).
 * Returns the residual update (AF2 adds it to m in the Evoformer block).
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { attentionWeights, gatedAttention } from './attention.ts';
import { asF32, layerNormByKey, linear, type Params, param, type Tensor } from './ops.ts';

export const MSA_ROW_ATTENTION = `${EVOFORMER_ITERATION}/msa_row_attention_with_pair_bias`;

/**
 * @param m       [N_seq, N_res, c_m]
 * @param msaMask [N_seq, N_res]
 * @param z       [N_res, N_res, c_z]
 * @param params  unstacked parameters (one block) under `path`
 * @returns       [N_seq, N_res, c_m] update
 */
export function msaRowAttentionWithPairBias(
  m: Tensor,
  msaMask: Tensor,
  z: Tensor,
  params: Params,
  path = MSA_ROW_ATTENTION,
): Tensor {
  // [N_seq, N_res, c_m]  (line 1)
  const mNorm = layerNormByKey(m, params, `${path}/query_norm`);
  // [N_res, N_res, c_z]  (line 3)
  const zNorm = layerNormByKey(z, params, `${path}/feat_2d_norm`);
  // [N_res, N_res, H] pair bias b_ij^h  (line 3)
  const pairBias = linear(zNorm, param(params, path, 'feat_2d_weights'));
  // [N_seq, N_res, c_m]  (lines 2, 4–7): rows are batches, residues are queries and keys
  return gatedAttention(
    mNorm,
    mNorm,
    attentionWeights(params, `${path}/attention`),
    asF32(msaMask),
    pairBias,
  );
}
