/**
 * Algorithm 6, lines 2–10: one block of the EvoformerStack (AF2 `EvoformerIteration`), in AF2's
 * order, each update added to its activation as it is produced:
 *   m += MSARowAttentionWithPairBias(m, z)        Algorithm 7
 *   m += MSAColumnAttention(m)                    Algorithm 8  (Algorithm 19 in the extra-MSA stack)
 *   m += MSATransition(m)                         Algorithm 9
 *   z += OuterProductMean(m)                      Algorithm 10
 *   z += TriangleMultiplicationOutgoing(z)        Algorithm 11
 *   z += TriangleMultiplicationIncoming(z)        Algorithm 12
 *   z += TriangleAttentionStartingNode(z)         Algorithm 13
 *   z += TriangleAttentionEndingNode(z)           Algorithm 14
 *   z += PairTransition(z)                        Algorithm 15
 * (model_1 has `outer_product_mean.first = false`; the multimer variant that runs the outer
 * product mean first is not implemented.) No dropout: inference.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { msaColumnAttention } from './msa-column-attention.ts';
import { msaColumnGlobalAttention } from './msa-column-global-attention.ts';
import { msaRowAttentionWithPairBias } from './msa-row-attention.ts';
import { transition } from './msa-transition.ts';
import { add, blockParams, type Params, type Tensor } from './ops.ts';
import { outerProductMean } from './outer-product-mean.ts';
import { triangleAttention } from './triangle-attention.ts';
import { triangleMultiplication } from './triangle-multiplication.ts';

export interface EvoformerMasks {
  /** [N_seq, N_res] */
  msa: Tensor;
  /** [N_res, N_res] */
  pair: Tensor;
}

export interface EvoformerActivations {
  /** [N_seq, N_res, c_m] */
  m: Tensor;
  /** [N_res, N_res, c_z] */
  z: Tensor;
}

/**
 * One Evoformer-style iteration on unstacked (single-block) parameters under `path`.
 * `globalColumnAttention` selects Algorithm 19 (extra-MSA stack) instead of Algorithm 8.
 */
export function evoformerIteration(
  m: Tensor,
  z: Tensor,
  masks: EvoformerMasks,
  params: Params,
  path: string,
  globalColumnAttention: boolean,
): EvoformerActivations {
  // [N_seq, N_res, c_m]  (line 3)
  m = add(
    m,
    msaRowAttentionWithPairBias(m, masks.msa, z, params, `${path}/msa_row_attention_with_pair_bias`),
  );
  // [N_seq, N_res, c_m]  (line 4)
  m = add(
    m,
    globalColumnAttention
      ? msaColumnGlobalAttention(m, masks.msa, params, `${path}/msa_column_global_attention`)
      : msaColumnAttention(m, masks.msa, params, `${path}/msa_column_attention`),
  );
  // [N_seq, N_res, c_m]  (line 5)
  m = add(m, transition(m, params, `${path}/msa_transition`));
  // [N_res, N_res, c_z]  (line 6)
  z = add(z, outerProductMean(m, masks.msa, params, `${path}/outer_product_mean`));
  // [N_res, N_res, c_z]  (lines 7–8)
  z = add(
    z,
    triangleMultiplication(z, masks.pair, params, 'outgoing', `${path}/triangle_multiplication_outgoing`),
  );
  z = add(
    z,
    triangleMultiplication(z, masks.pair, params, 'incoming', `${path}/triangle_multiplication_incoming`),
  );
  // [N_res, N_res, c_z]  (lines 9–10)
  z = add(
    z,
    triangleAttention(z, masks.pair, params, 'starting', `${path}/triangle_attention_starting_node`),
  );
  z = add(z, triangleAttention(z, masks.pair, params, 'ending', `${path}/triangle_attention_ending_node`));
  // [N_res, N_res, c_z]  (line 11)
  z = add(z, transition(z, params, `${path}/pair_transition`));
  return { m, z };
}

/**
 * Evoformer block `blockIndex` (Algorithm 6, lines 2–10).
 * @param m      [N_seq, N_res, c_m]
 * @param z      [N_res, N_res, c_z]
 * @param params the model's parameters with stacked keys under `evoformer/evoformer_iteration`
 *               ([n_blocks, ...]); the block is picked by `blockIndex`
 */
export function evoformerBlock(
  m: Tensor,
  z: Tensor,
  masks: EvoformerMasks,
  params: Params,
  blockIndex: number,
  path = EVOFORMER_ITERATION,
): EvoformerActivations {
  return evoformerIteration(m, z, masks, blockParams(params, path, blockIndex), path, false);
}

/** The pair mask from a per-residue mask: mask_ij = seq_mask_i · seq_mask_j. [N_res] -> [N_res, N_res] */
export function pairMaskFromSeqMask(seqMask: Tensor): Tensor {
  const n = seqMask.data.length;
  const out: Tensor = { dtype: 'float32', shape: [n, n], data: new Float32Array(n * n) };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) out.data[i * n + j] = seqMask.data[i] * seqMask.data[j];
  return out;
}
