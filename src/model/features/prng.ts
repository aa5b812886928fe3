/**
 * A small seeded PRNG for MSA sampling: a 32-bit counter passed through an avalanche mix
 * (the "mulberry32" construction). Fast, reproducible across JS engines, not cryptographic.
 * DISCREPANCY: AF2 draws from TensorFlow's generator, so sampled rows/masks differ from AF2's
 * for the same seed; the distributions are the same.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Seed for stream `k` derived from a base seed (e.g. one stream per recycling iteration). */
  static derive(seed: number, k: number): number {
    let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Index drawn from unnormalised non-negative weights `p`. */
  categorical(p: ArrayLike<number>): number {
    let total = 0;
    for (let k = 0; k < p.length; k++) total += p[k];
    let u = this.uniform() * total;
    for (let k = 0; k < p.length; k++) {
      u -= p[k];
      if (u < 0 && p[k] > 0) return k;
    }
    for (let k = p.length - 1; k >= 0; k--) if (p[k] > 0) return k;
    return 0;
  }
}
