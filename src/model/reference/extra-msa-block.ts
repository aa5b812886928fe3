/**
 * Algorithm 18, lines 2–10 (ExtraMsaStack), one block: the Evoformer block of Algorithm 6 on the
 * extra MSA e [N_extra_seq, N_res, c_e], with MSAColumnGlobalAttention (Algorithm 19) in place of
 * MSAColumnAttention (AF2 `EvoformerIteration(is_extra_msa=True)`, parameters under
 * `evoformer/extra_msa_stack`). Same order and residual adds as the Evoformer block.
 * DISCREPANCY: OpenFold's extra-MSA stack multiplies the MSA transition by the MSA mask; AF2
 * does not, and neither does this (identical when the extra MSA is unpadded).
 */
import { EXTRA_MSA_STACK } from './af2-paths.ts';
import { type EvoformerActivations, type EvoformerMasks, evoformerIteration } from './evoformer-block.ts';
import { blockParams, type Params, type Tensor } from './ops.ts';

/**
 * Extra-MSA block `blockIndex`.
 * @param e      [N_extra_seq, N_res, c_e]
 * @param z      [N_res, N_res, c_z]
 * @param masks  msa: extra_msa_mask [N_extra_seq, N_res]; pair [N_res, N_res]
 * @param params the model's parameters with stacked keys under `evoformer/extra_msa_stack`
 * @returns      the updated e (as `m`) and z
 */
export function extraMsaBlock(
  e: Tensor,
  z: Tensor,
  masks: EvoformerMasks,
  params: Params,
  blockIndex: number,
  path = EXTRA_MSA_STACK,
): EvoformerActivations {
  return evoformerIteration(e, z, masks, blockParams(params, path, blockIndex), path, true);
}
