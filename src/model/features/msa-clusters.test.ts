import { describe, expect, it } from 'vitest';
import { summarizeClusters } from './msa-clusters.ts';
import { Prng } from './prng.ts';

/** Straight from the definition: Σ_j [extra = msa] with weight 1 for tokens 0..20, argmax first. */
function bruteForceAssignment(msa: Int32Array, extra: Int32Array, n: number): number[] {
  const S = msa.length / n;
  const E = extra.length / n;
  const out: number[] = [];
  for (let e = 0; e < E; e++) {
    let best = -1;
    let bestC = 0;
    for (let c = 0; c < S; c++) {
      let a = 0;
      for (let j = 0; j < n; j++) {
        const t = extra[e * n + j];
        if (t <= 20 && t === msa[c * n + j]) a++;
      }
      if (a > best) [best, bestC] = [a, c];
    }
    out.push(bestC);
  }
  return out;
}

describe('summarizeClusters', () => {
  it('assigns like the brute-force agreement (gaps, X, mask tokens, ties)', () => {
    const prng = new Prng(11);
    const n = 9;
    const S = 13;
    const E = 200;
    // small alphabet so ties and gap/mask agreements are frequent
    const tok = () => [0, 1, 20, 21, 22][prng.int(5)];
    const msa = Int32Array.from({ length: S * n }, tok);
    const extra = Int32Array.from({ length: E * n }, () => [0, 1, 20, 21][prng.int(4)]);
    const del = new Int32Array(S * n);
    const extraDel = Int32Array.from({ length: E * n }, () => prng.int(4));
    const got = summarizeClusters(msa, del, extra, extraDel, n);
    expect(Array.from(got.assignment)).toEqual(bruteForceAssignment(msa, extra, n));
    // deletion means and profiles follow the assignment
    for (let c = 0; c < S; c++) {
      const members = Array.from(got.assignment).flatMap((a, e) => (a === c ? [e] : []));
      const j = 4;
      const sum = members.reduce((s, e) => s + extraDel[e * n + j], 0);
      expect(got.deletionMean[c * n + j]).toBeCloseTo(sum / (1 + members.length + 1e-6), 6);
      const same = members.filter((e) => extra[e * n + j] === 0).length + (msa[c * n + j] === 0 ? 1 : 0);
      expect(got.profile[(c * n + j) * 23]).toBeCloseTo(same / (1 + members.length + 1e-6), 6);
    }
  });

  it('assigns like the brute force when one token dominates the columns (complement path)', () => {
    const prng = new Prng(5);
    const n = 12;
    const S = 40;
    const E = 300;
    const tok = () => (prng.uniform() < 0.7 ? 3 : [0, 3, 20, 21, 22][prng.int(5)]);
    const msa = Int32Array.from({ length: S * n }, tok);
    const extra = Int32Array.from({ length: E * n }, () =>
      prng.uniform() < 0.6 ? 3 : [0, 1, 20, 21][prng.int(4)],
    );
    const got = summarizeClusters(msa, new Int32Array(S * n), extra, new Int32Array(E * n), n);
    expect(Array.from(got.assignment)).toEqual(bruteForceAssignment(msa, extra, n));
  });
});
