/**
 * Algorithm 9, lines 1–4: MSATransition (AF2 `Transition`, which also serves Algorithm 15).
 *   x ← LayerNorm(x);  a = relu(Linear(x)) with n·c channels;  update = Linear(a)
 * The widening factor n is read from `transition1//weights` [c, n·c]. AF2 ignores the mask here.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { layerNormByKey, linearByKey, type Params, relu, type Tensor } from './ops.ts';

export const MSA_TRANSITION = `${EVOFORMER_ITERATION}/msa_transition`;

/**
 * @param x [..., c]  (MSA [N_seq, N_res, c_m] or pair [N_res, N_res, c_z])
 * @returns [..., c] update
 */
export function transition(x: Tensor, params: Params, path: string): Tensor {
  // [..., c]  (line 1)
  const xNorm = layerNormByKey(x, params, `${path}/input_layer_norm`);
  // [..., n·c]  (line 2)
  const a = relu(linearByKey(xNorm, params, `${path}/transition1`));
  // [..., c]  (line 3)
  return linearByKey(a, params, `${path}/transition2`);
}

/** @param m [N_seq, N_res, c_m]; @returns [N_seq, N_res, c_m] update */
export function msaTransition(m: Tensor, params: Params, path = MSA_TRANSITION): Tensor {
  return transition(m, params, path);
}
