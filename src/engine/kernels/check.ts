/**
 * Helpers shared by the kernel tests, the self-test and the benchmark: seeded test data and the
 * error measure (max |gpu − ref| against a tolerance relative to max |ref|). No GPU, no node: imports.
 */

/** Seeded uniform values in [lo, hi) (mulberry32); reproducible across JS engines. */
export function seededArray(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

export interface Comparison {
  maxAbsError: number;
  /** max |ref| (the scale the tolerance is relative to). */
  scale: number;
  tolerance: number;
  passed: boolean;
  /** Index of the worst element (−1 if none). */
  worst: number;
}

/**
 * Compares `got` with `ref` over `ref.length` elements. Tolerance = rel · max|ref| (with a tiny
 * absolute floor so an all-zero reference does not demand exact zeros). NaN fails.
 */
export function compare(got: ArrayLike<number>, ref: ArrayLike<number>, rel = 1e-5): Comparison {
  let err = 0;
  let worst = -1;
  let nan = false;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (Number.isNaN(d)) nan = true;
    else if (d > err) {
      err = d;
      worst = i;
    }
  }
  const scale = maxAbs(ref);
  const tolerance = rel * Math.max(scale, 1e-6);
  const maxAbsError = nan ? Number.NaN : err;
  return { maxAbsError, scale, tolerance, passed: !nan && err <= tolerance, worst };
}
