/**
 * Algorithm 23 "Backbone update", lines 1–4, and its use in Algorithm 20 line 10
 * (AF2 `affine_update` + `QuatAffine.pre_compose`).
 *
 *   s [N_res, c_s] → (b, c, d, t) = Linear(s) [N_res, 6]
 *   T_i ← T_i ∘ (R(normalise(1, b, c, d)), t)
 *
 * The frames stay in the fold iteration's internal units (Å / position_scale).
 */
import { preCompose, type QuatAffines } from '../geometry/quat-affine.ts';
import { linearByKey, type Params, type Tensor } from './ops.ts';
import { AFFINE_UPDATE } from './structure-paths.ts';

export interface BackboneUpdateResult {
  /** [N_res, 6] = (b, c, d, t_x, t_y, t_z) */
  update: Tensor;
  /** the composed frames */
  frames: QuatAffines;
}

export function backboneUpdate(
  s: Tensor,
  frames: QuatAffines,
  params: Params,
  path = AFFINE_UPDATE,
): BackboneUpdateResult {
  // line 1: [N_res, 6]
  const update = linearByKey(s, params, path);
  if (update.shape[update.shape.length - 1] !== 6) {
    throw new Error(`backbone update: ${path}//weights gives ${update.shape.at(-1)} outputs, want 6`);
  }
  // lines 2–4 and Algorithm 20 line 10: quaternion update, composition T ← T ∘ (R, t)
  return { update, frames: preCompose(frames, update.data) };
}
