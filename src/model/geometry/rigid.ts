/**
 * Rigid transforms T = (R, t), x ↦ R x + t (supplement section 1.1 "Notation": frames T_i,
 * T ∘ x, T⁻¹, T₁ ∘ T₂; AlphaFold `r3.py` Rigids / Rots / Vecs, OpenFold `Rigid`).
 *
 * A batch of `count` transforms lives in two flat Float64Arrays:
 *   rot   [count, 3, 3]  row-major (rot[k*9 + 3*r + c] = R_k[r][c])
 *   trans [count, 3]
 * f64 storage keeps composition chains (backbone → chi1 → … → chi4) free of avoidable rounding;
 * convert at the boundary with `rigidsToTensor4x4` / `rigidsFromTensor4x4`.
 * The index-based helpers finish reading their operands before writing, so `out` may alias an input.
 */
import { type Buf, quatToRot } from './quaternion.ts';

export interface Rigids {
  count: number;
  /** [count, 3, 3] row-major */
  rot: Float64Array;
  /** [count, 3] */
  trans: Float64Array;
}

/** `count` identity transforms. */
export function identityRigids(count: number): Rigids {
  const r: Rigids = { count, rot: new Float64Array(count * 9), trans: new Float64Array(count * 3) };
  for (let k = 0; k < count; k++) {
    r.rot[k * 9] = 1;
    r.rot[k * 9 + 4] = 1;
    r.rot[k * 9 + 8] = 1;
  }
  return r;
}

/** `count` all-zero transforms (filled by the caller). */
export function zeroRigids(count: number): Rigids {
  return { count, rot: new Float64Array(count * 9), trans: new Float64Array(count * 3) };
}

/** Rigids from rotations [count, 3, 3] and translations [count, 3] (copied). */
export function rigidsFromRotTrans(rot: Buf, trans: Buf, count: number): Rigids {
  if (rot.length < count * 9 || trans.length < count * 3) {
    throw new Error(`rigidsFromRotTrans: need ${count * 9} rotation and ${count * 3} translation values`);
  }
  const r = zeroRigids(count);
  for (let i = 0; i < count * 9; i++) r.rot[i] = rot[i];
  for (let i = 0; i < count * 3; i++) r.trans[i] = trans[i];
  return r;
}

/**
 * Rigids from quaternions (w, x, y, z) [count, 4] and translations [count, 3]; the rotation is
 * `quatToRot` of the quaternion as given (AF2 `r3.rigids_from_quataffine` uses the affine's
 * already-normalised quaternion). `translationScale` multiplies t (position_scale, nm → Å).
 */
export function rigidsFromQuaternions(quat: Buf, trans: Buf, count: number, translationScale = 1): Rigids {
  const r = zeroRigids(count);
  for (let k = 0; k < count; k++) {
    quatToRot(quat, k * 4, r.rot, k * 9);
    for (let c = 0; c < 3; c++) r.trans[k * 3 + c] = trans[k * 3 + c] * translationScale;
  }
  return r;
}

/** Scratch for the index helpers (single-threaded JS: no reentrancy), so `out` may alias an input. */
const scratchRot = new Float64Array(9);
const scratchTrans = new Float64Array(3);

/** out[k] = a[i] ∘ b[j]: rotation R_a R_b, translation R_a t_b + t_a (apply b first). */
export function composeAt(a: Rigids, i: number, b: Rigids, j: number, out: Rigids, k: number): void {
  const ra = a.rot;
  const rb = b.rot;
  const ai = i * 9;
  const bj = j * 9;
  for (let r = 0; r < 3; r++) {
    const a0 = ra[ai + r * 3];
    const a1 = ra[ai + r * 3 + 1];
    const a2 = ra[ai + r * 3 + 2];
    for (let c = 0; c < 3; c++)
      scratchRot[r * 3 + c] = a0 * rb[bj + c] + a1 * rb[bj + 3 + c] + a2 * rb[bj + 6 + c];
    scratchTrans[r] =
      a0 * b.trans[j * 3] + a1 * b.trans[j * 3 + 1] + a2 * b.trans[j * 3 + 2] + a.trans[i * 3 + r];
  }
  out.rot.set(scratchRot, k * 9);
  out.trans.set(scratchTrans, k * 3);
}

/** out[k] = a[i]⁻¹: rotation Rᵀ, translation −Rᵀ t. */
export function invertAt(a: Rigids, i: number, out: Rigids, k: number): void {
  const R = a.rot;
  const o = i * 9;
  const [t0, t1, t2] = [a.trans[i * 3], a.trans[i * 3 + 1], a.trans[i * 3 + 2]];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) scratchRot[r * 3 + c] = R[o + c * 3 + r];
    scratchTrans[r] = -(R[o + r] * t0 + R[o + 3 + r] * t1 + R[o + 6 + r] * t2);
  }
  out.rot.set(scratchRot, k * 9);
  out.trans.set(scratchTrans, k * 3);
}

/** out[oo..oo+3) = T_i ∘ p = R_i p + t_i, with p = p[po..po+3). */
export function applyAt(T: Rigids, i: number, p: Buf, po: number, out: Buf, oo: number): void {
  const R = T.rot;
  const o = i * 9;
  const x = p[po];
  const y = p[po + 1];
  const z = p[po + 2];
  out[oo] = R[o] * x + R[o + 1] * y + R[o + 2] * z + T.trans[i * 3];
  out[oo + 1] = R[o + 3] * x + R[o + 4] * y + R[o + 5] * z + T.trans[i * 3 + 1];
  out[oo + 2] = R[o + 6] * x + R[o + 7] * y + R[o + 8] * z + T.trans[i * 3 + 2];
}

/** out[oo..oo+3) = T_i⁻¹ ∘ p = R_iᵀ (p − t_i). */
export function invertApplyAt(T: Rigids, i: number, p: Buf, po: number, out: Buf, oo: number): void {
  const R = T.rot;
  const o = i * 9;
  const x = p[po] - T.trans[i * 3];
  const y = p[po + 1] - T.trans[i * 3 + 1];
  const z = p[po + 2] - T.trans[i * 3 + 2];
  out[oo] = R[o] * x + R[o + 3] * y + R[o + 6] * z;
  out[oo + 1] = R[o + 1] * x + R[o + 4] * y + R[o + 7] * z;
  out[oo + 2] = R[o + 2] * x + R[o + 5] * y + R[o + 8] * z;
}

/** Whole-batch composition: out[k] = a[k] ∘ b[k]. */
export function composeRigids(a: Rigids, b: Rigids): Rigids {
  if (a.count !== b.count) throw new Error(`composeRigids: ${a.count} vs ${b.count} transforms`);
  const out = zeroRigids(a.count);
  for (let k = 0; k < a.count; k++) composeAt(a, k, b, k, out, k);
  return out;
}

/** Whole-batch inverse. */
export function invertRigids(a: Rigids): Rigids {
  const out = zeroRigids(a.count);
  for (let k = 0; k < a.count; k++) invertAt(a, k, out, k);
  return out;
}

/** Homogeneous matrices [count, 4, 4] (row-major; last row 0 0 0 1), as f32. */
export function rigidsToTensor4x4(T: Rigids, out = new Float32Array(T.count * 16)): Float32Array {
  for (let k = 0; k < T.count; k++) {
    const o = k * 16;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) out[o + r * 4 + c] = T.rot[k * 9 + r * 3 + c];
      out[o + r * 4 + 3] = T.trans[k * 3 + r];
    }
    out[o + 12] = 0;
    out[o + 13] = 0;
    out[o + 14] = 0;
    out[o + 15] = 1;
  }
  return out;
}

/** Rigids from homogeneous matrices [count, 4, 4] starting at m[offset] (last row ignored). */
export function rigidsFromTensor4x4(m: Buf, count: number, offset = 0): Rigids {
  const T = zeroRigids(count);
  for (let k = 0; k < count; k++) {
    const o = offset + k * 16;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) T.rot[k * 9 + r * 3 + c] = m[o + r * 4 + c];
      T.trans[k * 3 + r] = m[o + r * 4 + 3];
    }
  }
  return T;
}
