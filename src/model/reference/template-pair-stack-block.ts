/**
 * Algorithm 16, lines 2–6: one block of the TemplatePairStack (AF2 `TemplatePairStack`), on one
 * template's pair representation t [N_res, N_res, c_t], in AF2's order with residual adds:
 *   t += TriangleAttentionStartingNode(t)         Algorithm 13
 *   t += TriangleAttentionEndingNode(t)           Algorithm 14
 *   t += TriangleMultiplicationOutgoing(t)        Algorithm 11
 *   t += TriangleMultiplicationIncoming(t)        Algorithm 12
 *   t += PairTransition(t)                        Algorithm 15
 * (Unlike the Evoformer, attention comes before multiplication here.) No dropout: inference.
 */
import { TEMPLATE_PAIR_STACK } from './af2-paths.ts';
import { transition } from './msa-transition.ts';
import { add, blockParams, type Params, type Tensor } from './ops.ts';
import { triangleAttention } from './triangle-attention.ts';
import { triangleMultiplication } from './triangle-multiplication.ts';

/**
 * Template pair stack block `blockIndex`.
 * @param t        [N_res, N_res, c_t]  one template's pair activations
 * @param pairMask [N_res, N_res]
 * @param params   the model's parameters with stacked keys under `template_pair_stack/__layer_stack_no_state`
 * @returns        [N_res, N_res, c_t]
 */
export function templatePairStackBlock(
  t: Tensor,
  pairMask: Tensor,
  params: Params,
  blockIndex: number,
  path = TEMPLATE_PAIR_STACK,
): Tensor {
  const p = blockParams(params, path, blockIndex);
  // [N_res, N_res, c_t]  (lines 2–3)
  t = add(t, triangleAttention(t, pairMask, p, 'starting', `${path}/triangle_attention_starting_node`));
  t = add(t, triangleAttention(t, pairMask, p, 'ending', `${path}/triangle_attention_ending_node`));
  // [N_res, N_res, c_t]  (lines 4–5)
  t = add(t, triangleMultiplication(t, pairMask, p, 'outgoing', `${path}/triangle_multiplication_outgoing`));
  t = add(t, triangleMultiplication(t, pairMask, p, 'incoming', `${path}/triangle_multiplication_incoming`));
  // [N_res, N_res, c_t]  (line 6)
  return add(t, transition(t, p, `${path}/pair_transition`));
}
