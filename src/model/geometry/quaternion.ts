/**
 * Quaternions as AF2 uses them for backbone frames (supplement section 1.8.1, Algorithm 23
 * "Backbone update"; AlphaFold `quat_affine.py`, OpenFold `rigid_utils.py`).
 *
 * A quaternion is four numbers (w, x, y, z), real part first. Functions read and write flat
 * arrays at an offset so that a batch [N, 4] can be processed without allocating per residue.
 * Arithmetic is done in JS numbers (f64); callers store the results in whatever array they pass.
 */

/** A flat numeric buffer (Float32Array, Float64Array or number[]). */
export type Buf = { [index: number]: number; readonly length: number };

/** The identity rotation (1, 0, 0, 0). */
export const IDENTITY_QUATERNION: readonly [number, number, number, number] = [1, 0, 0, 0];

/**
 * Rotation matrix of a quaternion, written row-major into out[o..o+9).
 * Like AF2's `quat_to_rot` (and OpenFold's), this is the quadratic form
 *   R = [[w²+x²−y²−z², 2(xy−wz),     2(xz+wy)    ],
 *        [2(xy+wz),     w²−x²+y²−z², 2(yz−wx)    ],
 *        [2(xz−wy),     2(yz+wx),     w²−x²−y²+z²]]
 * which is a rotation only for unit quaternions: the input is NOT normalised here.
 */
export function quatToRot(q: Buf, qo: number, out: Buf, o: number): void {
  const w = q[qo];
  const x = q[qo + 1];
  const y = q[qo + 2];
  const z = q[qo + 3];
  out[o] = w * w + x * x - y * y - z * z;
  out[o + 1] = 2 * (x * y - w * z);
  out[o + 2] = 2 * (x * z + w * y);
  out[o + 3] = 2 * (x * y + w * z);
  out[o + 4] = w * w - x * x + y * y - z * z;
  out[o + 5] = 2 * (y * z - w * x);
  out[o + 6] = 2 * (x * z - w * y);
  out[o + 7] = 2 * (y * z + w * x);
  out[o + 8] = w * w - x * x - y * y + z * z;
}

/** Hamilton product a ⊗ b of (w, x, y, z) quaternions, written into out[o..o+4). */
export function quatMultiply(a: Buf, ao: number, b: Buf, bo: number, out: Buf, o: number): void {
  const [aw, ax, ay, az] = [a[ao], a[ao + 1], a[ao + 2], a[ao + 3]];
  const [bw, bx, by, bz] = [b[bo], b[bo + 1], b[bo + 2], b[bo + 3]];
  out[o] = aw * bw - ax * bx - ay * by - az * bz;
  out[o + 1] = aw * bx + ax * bw + ay * bz - az * by;
  out[o + 2] = aw * by - ax * bz + ay * bw + az * bx;
  out[o + 3] = aw * bz + ax * by - ay * bx + az * bw;
}

/**
 * a ⊗ (0, v): AF2's `quat_multiply_by_vec`, the product with a pure quaternion whose vector
 * part v = v[vo..vo+3) (the (b, c, d) of Algorithm 23).
 */
export function quatMultiplyByVec(a: Buf, ao: number, v: Buf, vo: number, out: Buf, o: number): void {
  const [aw, ax, ay, az] = [a[ao], a[ao + 1], a[ao + 2], a[ao + 3]];
  const [b, c, d] = [v[vo], v[vo + 1], v[vo + 2]];
  out[o] = -ax * b - ay * c - az * d;
  out[o + 1] = aw * b + ay * d - az * c;
  out[o + 2] = aw * c - ax * d + az * b;
  out[o + 3] = aw * d + ax * c - ay * b;
}

/** Divide q[o..o+4) by its Euclidean norm, in place (AF2 `QuatAffine(normalize=True)`). */
export function quatNormalizeInPlace(q: Buf, o: number): void {
  const n = Math.hypot(q[o], q[o + 1], q[o + 2], q[o + 3]);
  q[o] /= n;
  q[o + 1] /= n;
  q[o + 2] /= n;
  q[o + 3] /= n;
}
