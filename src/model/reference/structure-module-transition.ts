/**
 * Algorithm 20 "Structure module", lines 8–9: the single-representation transition of one fold
 * iteration (AF2 `FoldIteration`: Linear `transition`, `transition_1`, …, ReLU between them, residual,
 * then `transition_layer_norm`).
 *
 *   s [N_res, c_s] → LayerNorm(s + Linear(ReLU(Linear(ReLU(Linear(s)))))) [N_res, c_s]
 *
 * The number of linear layers is read from the parameter keys (3 in AF2).
 * Unlike the Evoformer transitions, this returns the new activation (residual and LN included).
 */
import { add, layerNormByKey, linearByKey, type Params, relu, type Tensor } from './ops.ts';
import { FOLD_ITERATION } from './structure-paths.ts';

/** Module paths of the transition's linear layers: `transition`, `transition_1`, … (haiku naming). */
export function transitionLayerPaths(params: Params, path = FOLD_ITERATION): string[] {
  const paths: string[] = [];
  for (let k = 0; ; k++) {
    const p = k === 0 ? `${path}/transition` : `${path}/transition_${k}`;
    if (!(`${p}//weights` in params)) break;
    paths.push(p);
  }
  if (paths.length === 0) throw new Error(`missing parameter ${path}/transition//weights`);
  return paths;
}

export function structureModuleTransition(s: Tensor, params: Params, path = FOLD_ITERATION): Tensor {
  const layers = transitionLayerPaths(params, path);
  let act = s; // [N_res, c_s]
  layers.forEach((p, k) => {
    act = linearByKey(act, params, p); // [N_res, c_s]
    if (k < layers.length - 1) act = relu(act);
  });
  return layerNormByKey(add(s, act), params, `${path}/transition_layer_norm`); // [N_res, c_s]
}
