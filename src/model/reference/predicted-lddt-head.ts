/**
 * Algorithm 29 "predictPerResidueLDDT_Ca", lines 1–4 up to the logits (AF2 `PredictedLDDTHead`;
 * the softmax and expectation are in `confidence/plddt.ts`).
 *
 *   s = LN(s)                         [N_res, c_s]    line 1  (`input_layer_norm`)
 *   s = ReLU(Linear(s))               [N_res, c]      line 2  (`act_0`)
 *   s = ReLU(Linear(s))               [N_res, c]      line 3  (`act_1`)
 *   logits = Linear(s)                [N_res, 50]     line 4  (`logits`)
 *
 * Input: the structure module's final single representation (AF2
 * `representations['structure_module']`). Hidden layer count and widths come from the keys.
 */
import { layerNormByKey, linearByKey, type Params, relu, type Tensor } from './ops.ts';
import { PREDICTED_LDDT_HEAD } from './structure-paths.ts';

export function predictedLddtHead(sStructure: Tensor, params: Params, path = PREDICTED_LDDT_HEAD): Tensor {
  let act = layerNormByKey(sStructure, params, `${path}/input_layer_norm`); // [N_res, c_s]
  for (let k = 0; `${path}/act_${k}//weights` in params; k++) {
    act = relu(linearByKey(act, params, `${path}/act_${k}`)); // [N_res, c]
  }
  return linearByKey(act, params, `${path}/logits`); // [N_res, n_bins]
}
