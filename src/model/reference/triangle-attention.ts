/**
 * Algorithm 13, lines 1–7 (TriangleAttentionStartingNode) and Algorithm 14, lines 1–7
 * (TriangleAttentionEndingNode), one implementation (AF2 `TriangleAttention`):
 *   starting node: row i attends over k:  z ← LayerNorm(z),  b_jk^h = LinearNoBias(z_jk),
 *                  keys masked by 1e9 (pair_mask_ik − 1)
 *   ending node:   the same on the transposed pair representation (and mask), transposed back
 *                  (AF2 `orientation='per_column'`).
 * Returns the residual update.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { attentionWeights, gatedAttention } from './attention.ts';
import { asF32, layerNormByKey, linear, type Params, param, swapLeadingAxes, type Tensor } from './ops.ts';

export type TriangleAttentionOrientation = 'starting' | 'ending';

export function triangleAttentionPath(orientation: TriangleAttentionOrientation): string {
  return `${EVOFORMER_ITERATION}/triangle_attention_${orientation}_node`;
}

/**
 * @param z        [N_res, N_res, c_z]
 * @param pairMask [N_res, N_res]
 * @returns        [N_res, N_res, c_z] update
 */
export function triangleAttention(
  z: Tensor,
  pairMask: Tensor,
  params: Params,
  orientation: TriangleAttentionOrientation,
  path = triangleAttentionPath(orientation),
): Tensor {
  const ending = orientation === 'ending';
  // [N_res, N_res, c_z] and [N_res, N_res], transposed for the ending node
  const x = ending ? swapLeadingAxes(z) : z;
  const mask = ending ? swapLeadingAxes(asF32(pairMask)) : asF32(pairMask);
  // [N_res, N_res, c_z]  (line 1)
  const xNorm = layerNormByKey(x, params, `${path}/query_norm`);
  // [N_res, N_res, H] triangle bias b_jk^h  (line 3)
  const bias = linear(xNorm, param(params, path, 'feat_2d_weights'));
  // [N_res, N_res, c_z]: rows i are batches, j queries, k keys  (lines 2, 4–7)
  const out = gatedAttention(xNorm, xNorm, attentionWeights(params, `${path}/attention`), mask, bias);
  return ending ? swapLeadingAxes(out) : out;
}
