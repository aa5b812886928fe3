/**
 * Algorithm 15, lines 1–4: PairTransition. The same computation as Algorithm 9 (AF2 uses one
 * `Transition` module for both), on the pair representation. AF2 ignores the mask here.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { transition } from './msa-transition.ts';
import type { Params, Tensor } from './ops.ts';

export const PAIR_TRANSITION = `${EVOFORMER_ITERATION}/pair_transition`;

/** @param z [N_res, N_res, c_z]; @returns [N_res, N_res, c_z] update */
export function pairTransition(z: Tensor, params: Params, path = PAIR_TRANSITION): Tensor {
  return transition(z, params, path);
}
