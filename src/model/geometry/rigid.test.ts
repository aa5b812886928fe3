import { describe, expect, it } from 'vitest';
import { preCompose, quatAffinesFrom } from './quat-affine.ts';
import { quatMultiply, quatMultiplyByVec, quatNormalizeInPlace, quatToRot } from './quaternion.ts';
import {
  applyAt,
  composeRigids,
  invertApplyAt,
  invertRigids,
  rigidsFromQuaternions,
  rigidsFromTensor4x4,
  rigidsToTensor4x4,
} from './rigid.ts';

/** deterministic pseudo-random numbers in [-1, 1) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function randomRigids(count: number, seed: number) {
  const r = rng(seed);
  const q = Float64Array.from({ length: count * 4 }, r);
  for (let k = 0; k < count; k++) quatNormalizeInPlace(q, k * 4);
  const t = Float64Array.from({ length: count * 3 }, () => 10 * r());
  return rigidsFromQuaternions(q, t, count);
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
};

describe('quaternions', () => {
  it('quatToRot of a unit quaternion is orthonormal with det 1; identity maps to I', () => {
    const R = new Float64Array(9);
    quatToRot([1, 0, 0, 0], 0, R, 0);
    close(R, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const q = Float64Array.of(0.3, -0.5, 0.2, 0.7);
    quatNormalizeInPlace(q, 0);
    quatToRot(q, 0, R, 0);
    const det =
      R[0] * (R[4] * R[8] - R[5] * R[7]) -
      R[1] * (R[3] * R[8] - R[5] * R[6]) +
      R[2] * (R[3] * R[7] - R[4] * R[6]);
    expect(det).toBeCloseTo(1, 12);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const dot = R[a] * R[b] + R[3 + a] * R[3 + b] + R[6 + a] * R[6 + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
  });

  it('rotation of a product is the product of rotations; multiply-by-vec is the pure-quaternion product', () => {
    const r = rng(7);
    const a = Float64Array.from({ length: 4 }, r);
    const b = Float64Array.from({ length: 4 }, r);
    quatNormalizeInPlace(a, 0);
    quatNormalizeInPlace(b, 0);
    const ab = new Float64Array(4);
    quatMultiply(a, 0, b, 0, ab, 0);
    const Ra = new Float64Array(9);
    const Rb = new Float64Array(9);
    const Rab = new Float64Array(9);
    quatToRot(a, 0, Ra, 0);
    quatToRot(b, 0, Rb, 0);
    quatToRot(ab, 0, Rab, 0);
    const prod = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) prod[i * 3 + j] += Ra[i * 3 + k] * Rb[k * 3 + j];
    close(Rab, prod);
    const v = [0.1, -0.2, 0.3];
    const viaVec = new Float64Array(4);
    const viaMul = new Float64Array(4);
    quatMultiplyByVec(a, 0, v, 0, viaVec, 0);
    quatMultiply(a, 0, [0, ...v], 0, viaMul, 0);
    close(viaVec, viaMul);
  });

  it('preCompose with a zero update is the identity; with (b,c,d) it composes q ⊗ normalise(1,b,c,d)', () => {
    const q = Float64Array.of(0.9, 0.1, -0.3, 0.2);
    const a = quatAffinesFrom(q, [1, 2, 3], 1);
    const same = preCompose(a, [0, 0, 0, 0, 0, 0]);
    close(same.quat, a.quat);
    close(same.trans, a.trans);
    const u = [0.2, -0.1, 0.05, 1, -2, 0.5];
    const next = preCompose(a, u);
    const dq = Float64Array.of(1, u[0], u[1], u[2]);
    quatNormalizeInPlace(dq, 0);
    const want = new Float64Array(4);
    quatMultiply(a.quat, 0, dq, 0, want, 0);
    close(next.quat, want);
    // translation: t + R(q) t_update
    const tWant = new Float64Array(3);
    applyAt({ count: 1, rot: a.rot, trans: a.trans }, 0, u, 3, tWant, 0);
    close(next.trans, tWant);
  });
});

describe('rigids', () => {
  it('compose, apply and invert agree', () => {
    const A = randomRigids(5, 1);
    const B = randomRigids(5, 2);
    const AB = composeRigids(A, B);
    const p = [0.3, -1.2, 2.5];
    for (let k = 0; k < 5; k++) {
      const viaB = new Float64Array(3);
      const viaBoth = new Float64Array(3);
      const direct = new Float64Array(3);
      applyAt(B, k, p, 0, viaB, 0);
      applyAt(A, k, viaB, 0, viaBoth, 0);
      applyAt(AB, k, p, 0, direct, 0);
      close(direct, viaBoth, 1e-12);
      const back = new Float64Array(3);
      invertApplyAt(AB, k, direct, 0, back, 0);
      close(back, p, 1e-12);
    }
    const I = composeRigids(A, invertRigids(A));
    for (let k = 0; k < 5; k++) {
      close(I.rot.subarray(k * 9, k * 9 + 9), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-12);
      close(I.trans.subarray(k * 3, k * 3 + 3), [0, 0, 0], 1e-12);
    }
  });

  it('4×4 round trip', () => {
    const A = randomRigids(3, 3);
    const m = rigidsToTensor4x4(A);
    expect(Array.from(m.subarray(12, 16))).toEqual([0, 0, 0, 1]);
    const B = rigidsFromTensor4x4(m, 3);
    close(B.rot, A.rot, 1e-6);
    close(B.trans, A.trans, 1e-5);
  });
});
