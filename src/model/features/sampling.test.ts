import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { values } from '../../../test/helpers/golden-npz.ts';
import { buildFeatures, buildFeaturesPerIteration } from './build-features.ts';
import { defaultCounts, rawFeaturesFromInputs } from './input.ts';
import { Prng } from './prng.ts';

const a3m = readFileSync('test/fixtures/golden/query.a3m', 'utf8');
const raw = rawFeaturesFromInputs({ a3m });
const N = raw.numRes;

/** A synthetic deep MSA: the query plus `rows` random full-length rows. */
function deepMsa(rows: number, len: number, seed: number): string {
  const prng = new Prng(seed);
  const aa = 'ACDEFGHIKLMNPQRSTVWY-';
  const lines = ['>q', Array.from({ length: len }, (_, i) => aa[i % 20]).join('')];
  for (let r = 0; r < rows; r++) {
    lines.push(`>r${r}`, Array.from({ length: len }, () => aa[prng.int(aa.length)]).join(''));
  }
  return lines.join('\n');
}

describe('MSA sampling', () => {
  it('af2 mode keeps the query first, is seeded, and resamples per iteration', () => {
    const opts = { clusters: 6, extra: 10, msaSampling: 'af2' as const, seed: 7 };
    const [f0, f1] = buildFeaturesPerIteration(raw, opts, 2);
    const again = buildFeatures(raw, { ...opts, iteration: 0 });
    expect(values(again.msa_feat)).toEqual(values(f0.msa_feat));
    expect(values(f0.extra_msa)).not.toEqual(values(f1.extra_msa));
    const other = buildFeatures(raw, { ...opts, seed: 8 });
    expect(values(other.extra_msa)).not.toEqual(values(f0.extra_msa));
    for (const f of [f0, f1]) {
      expect(f.msa.shape).toEqual([6, N]);
      expect(f.extra_msa.shape).toEqual([10, N]);
      expect(f.extra_cluster_assignment.shape).toEqual([raw.numSeq - 6]);
      // query row: every cell is either the query residue or a BERT replacement
      let same = 0;
      const msa = values(f.msa);
      for (let i = 0; i < N; i++) if (msa[i] === raw.msa[i]) same++;
      expect(same).toBeGreaterThan(N / 2);
    }
  });

  it('af2 mode masks about 15% of cluster cells with the AF2 replacement mix', () => {
    const deep = rawFeaturesFromInputs({ a3m: deepMsa(300, 60, 1) });
    const f = buildFeatures(deep, { clusters: 256, extra: 40, msaSampling: 'af2', seed: 3 });
    const cells = 256 * 60;
    // mask tokens (22) are expected in 0.15 * 0.7 = 10.5% of cells
    let masked = 0;
    const msa = values(f.msa);
    const msaFeat = values(f.msa_feat);
    for (const t of msa) if (t === 22) masked++;
    expect(masked / cells).toBeGreaterThan(0.09);
    expect(masked / cells).toBeLessThan(0.12);
    // msa_feat's one-hot agrees with msa, including the mask token
    for (let c = 0; c < cells; c += 97) expect(msaFeat[c * 49 + msa[c]]).toBe(1);
    // the extra MSA is never masked
    expect(values(f.extra_msa).every((t) => t <= 21)).toBe(true);
  });

  it('none mode takes rows in file order and crops the extra MSA after clustering', () => {
    const f = buildFeatures(raw, { clusters: 5, extra: 4, msaSampling: 'none' });
    expect(values(f.msa)).toEqual(Array.from(raw.msa.subarray(0, 5 * N)));
    expect(values(f.extra_msa)).toEqual(Array.from(raw.msa.subarray(5 * N, 9 * N)));
    // every non-centre row was assigned to a cluster, the crop does not change that
    expect(f.extra_cluster_assignment.shape).toEqual([raw.numSeq - 5]);
    // profiles sum to count/(count+1e-6) ≈ 1 at each (cluster, column)
    const profile = values(f.cluster_profile);
    for (let sj = 0; sj < 5 * N; sj++) {
      let sum = 0;
      for (let k = 0; k < 23; k++) sum += profile[sj * 23 + k];
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it('pads clusters and extra rows with zero masks (AF2 make_fixed_size)', () => {
    const f = buildFeatures(raw, { clusters: 25, extra: 3, msaSampling: 'none' });
    expect(f.msa_feat.shape).toEqual([25, N, 49]);
    expect(values(f.msa_row_mask).slice(18, 25)).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(f.msa_mask.data[20 * N]).toBe(0);
    expect(
      values(f.msa_feat)
        .slice(20 * N * 49)
        .every((v) => v === 0),
    ).toBe(true);
    expect(f.extra_msa.shape).toEqual([3, N]);
    expect(values(f.extra_msa_row_mask)).toEqual([0, 0, 0]);
    expect(f.extra_cluster_assignment.shape).toEqual([0]);
  });

  it('single-sequence mode: the MSA is the query alone', () => {
    const single = rawFeaturesFromInputs({ fasta: '>q\nMKVLAG\n' });
    const { clusters, extra } = defaultCounts(single);
    expect([clusters, extra]).toEqual([1, 1]);
    const f = buildFeatures(single, { clusters, extra, msaSampling: 'none' });
    expect(f.msa_feat.shape).toEqual([1, 6, 49]);
    expect(values(f.aatype)).toEqual([12, 11, 19, 10, 0, 7]);
    expect(values(f.msa)).toEqual([12, 11, 19, 10, 0, 7]);
    // profile of a lone centre = its one-hot / (1 + 1e-6)
    expect(f.msa_feat.data[25 + 12]).toBeCloseTo(1 / (1 + 1e-6), 6);
    expect(f.target_feat.data[1 + 12]).toBe(1);
    expect(values(f.extra_msa_mask).every((v) => v === 0)).toBe(true);
    expect(f.seq_length.data[0]).toBe(6);
  });

  it('rejects bad counts', () => {
    expect(() => buildFeatures(raw, { clusters: 0, extra: 1 })).toThrow(
      /clusters must be an integer ≥ 1, got 0/,
    );
    expect(() => buildFeatures(raw, { clusters: 2, extra: 1.5 })).toThrow(
      /extra must be an integer ≥ 0, got 1.5/,
    );
  });
});
