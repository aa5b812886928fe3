/**
 * Backbone frames as (unit quaternion, translation) pairs, AF2's `QuatAffine`: the state the
 * structure module iterates on (supplement Algorithm 20, line 4 `T_i = (I, 0)`, and
 * Algorithm 23 "Backbone update" composed onto T_i via `pre_compose`).
 *
 * Layout (count = N_res):
 *   quat  [count, 4]     (w, x, y, z), kept normalised
 *   trans [count, 3]     in the structure module's internal units (Å / position_scale)
 *   rot   [count, 3, 3]  row-major, always quatToRot(quat)
 */
import { type Buf, quatMultiplyByVec, quatNormalizeInPlace, quatToRot } from './quaternion.ts';
import { type Rigids, zeroRigids } from './rigid.ts';

export interface QuatAffines {
  count: number;
  quat: Float64Array;
  trans: Float64Array;
  rot: Float64Array;
}

/** `count` identity frames: quaternion (1, 0, 0, 0), zero translation (AF2 `generate_new_affine`). */
export function identityQuatAffines(count: number): QuatAffines {
  const quat = new Float64Array(count * 4);
  for (let k = 0; k < count; k++) quat[k * 4] = 1;
  return quatAffinesFrom(quat, new Float64Array(count * 3), count, false);
}

/**
 * Frames from quaternions [count, 4] and translations [count, 3] (copied). With `normalize`
 * the quaternions are divided by their norm first, as AF2's `QuatAffine(..., normalize=True)`.
 */
export function quatAffinesFrom(quat: Buf, trans: Buf, count: number, normalize = true): QuatAffines {
  const a: QuatAffines = {
    count,
    quat: new Float64Array(count * 4),
    trans: new Float64Array(count * 3),
    rot: new Float64Array(count * 9),
  };
  for (let i = 0; i < count * 4; i++) a.quat[i] = quat[i];
  for (let i = 0; i < count * 3; i++) a.trans[i] = trans[i];
  for (let k = 0; k < count; k++) {
    if (normalize) quatNormalizeInPlace(a.quat, k * 4);
    quatToRot(a.quat, k * 4, a.rot, k * 9);
  }
  return a;
}

/**
 * Algorithm 23 lines 2–4 plus the composition of Algorithm 20 line 10, in AF2's form
 * (`QuatAffine.pre_compose`): the update [count, 6] = (b, c, d, t_x, t_y, t_z) is applied
 * before the current frame:
 *   q_new = normalise(q + q ⊗ (0, b, c, d))     (= q ⊗ (1, b, c, d), normalised)
 *   t_new = t + R(q) (t_x, t_y, t_z)
 * DISCREPANCY: the supplement composes with the rotation of the normalised (1, b, c, d); AF2
 * (and this code) multiply the quaternions first and normalise once — the same rotation.
 */
export function preCompose(a: QuatAffines, update: Buf): QuatAffines {
  const n = a.count;
  if (update.length !== n * 6) throw new Error(`preCompose: update has ${update.length} values, want ${n}×6`);
  const quat = new Float64Array(n * 4);
  const trans = new Float64Array(n * 3);
  const dq = new Float64Array(4);
  for (let k = 0; k < n; k++) {
    quatMultiplyByVec(a.quat, k * 4, update, k * 6, dq, 0);
    for (let c = 0; c < 4; c++) quat[k * 4 + c] = a.quat[k * 4 + c] + dq[c];
    const tx = update[k * 6 + 3];
    const ty = update[k * 6 + 4];
    const tz = update[k * 6 + 5];
    const R = a.rot;
    const o = k * 9;
    trans[k * 3] = a.trans[k * 3] + R[o] * tx + R[o + 1] * ty + R[o + 2] * tz;
    trans[k * 3 + 1] = a.trans[k * 3 + 1] + R[o + 3] * tx + R[o + 4] * ty + R[o + 5] * tz;
    trans[k * 3 + 2] = a.trans[k * 3 + 2] + R[o + 6] * tx + R[o + 7] * ty + R[o + 8] * tz;
  }
  return quatAffinesFrom(quat, trans, n, true);
}

/** The frames as rigid transforms, translations multiplied by `translationScale`. */
export function quatAffinesToRigids(a: QuatAffines, translationScale = 1): Rigids {
  const r = zeroRigids(a.count);
  r.rot.set(a.rot);
  for (let i = 0; i < a.count * 3; i++) r.trans[i] = a.trans[i] * translationScale;
  return r;
}

/** AF2's 7-vector per frame, [count, 7] = (w, x, y, z, t·scale) as f32 (`QuatAffine.to_tensor`). */
export function quatAffinesToTensor7(a: QuatAffines, translationScale = 1): Float32Array {
  const out = new Float32Array(a.count * 7);
  for (let k = 0; k < a.count; k++) {
    for (let c = 0; c < 4; c++) out[k * 7 + c] = a.quat[k * 4 + c];
    for (let c = 0; c < 3; c++) out[k * 7 + 4 + c] = a.trans[k * 3 + c] * translationScale;
  }
  return out;
}
