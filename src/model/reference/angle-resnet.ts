/**
 * Algorithm 20 "Structure module", lines 11–14: the angle resnet predicting torsion angles
 * (AF2 `MultiRigidSidechain` up to the angles; haiku module `rigid_sidechain`).
 *
 *   a = Linear(ReLU(s)) + Linear(ReLU(s_initial))              [N_res, c]   line 11
 *   a ← a + Linear(ReLU(Linear(ReLU(a))))  (× n blocks)       [N_res, c]   lines 12–13
 *   α = Linear(ReLU(a))                                        [N_res, 7, 2] line 14 (sin, cos)
 *   α̂ = α / ‖α‖                                               [N_res, 7, 2]
 *
 * Haiku names: `input_projection` (on s), `input_projection_1` (on s_initial); block k uses
 * `resblock1`/`resblock2` (k = 0) or `resblock1_k`/`resblock2_k`; `unnormalized_angles`.
 * The block count is read from the keys (2 in AF2).
 */
import { add, linearByKey, type Params, relu, type Tensor, tensor } from './ops.ts';
import { RIGID_SIDECHAIN } from './structure-paths.ts';

/** AF2 `l2_normalize` epsilon (sum of squares clamped below by this). */
const L2_EPSILON = 1e-12;

export interface AngleResnetResult {
  /** [N_res, 7, 2] (sin, cos) as predicted */
  unnormalizedAngles: Tensor;
  /** [N_res, 7, 2] unit (sin, cos) */
  angles: Tensor;
}

function suffix(k: number): string {
  return k === 0 ? '' : `_${k}`;
}

export function angleResnet(
  s: Tensor,
  sInitial: Tensor,
  params: Params,
  path = RIGID_SIDECHAIN,
): AngleResnetResult {
  const n = s.shape[0];
  // line 11: [N_res, c]
  let a = add(
    linearByKey(relu(s), params, `${path}/input_projection`),
    linearByKey(relu(sInitial), params, `${path}/input_projection_1`),
  );
  // lines 12–13: residual blocks
  for (let k = 0; `${path}/resblock1${suffix(k)}//weights` in params; k++) {
    const h = linearByKey(relu(a), params, `${path}/resblock1${suffix(k)}`); // [N_res, c]
    a = add(a, linearByKey(relu(h), params, `${path}/resblock2${suffix(k)}`)); // [N_res, c]
  }
  // line 14: [N_res, 14] → [N_res, 7, 2]
  const flat = linearByKey(relu(a), params, `${path}/unnormalized_angles`);
  if (flat.shape[1] % 2 !== 0)
    throw new Error(`angle resnet: ${flat.shape[1]} outputs is not (sin, cos) pairs`);
  const nAngles = flat.shape[1] / 2;
  const unnormalizedAngles = tensor([n, nAngles, 2], flat.data);
  const angles = tensor([n, nAngles, 2]);
  for (let k = 0; k < n * nAngles; k++) {
    const sn = unnormalizedAngles.data[2 * k];
    const cs = unnormalizedAngles.data[2 * k + 1];
    const inv = 1 / Math.sqrt(Math.max(sn * sn + cs * cs, L2_EPSILON));
    angles.data[2 * k] = sn * inv;
    angles.data[2 * k + 1] = cs * inv;
  }
  return { unnormalizedAngles, angles };
}
