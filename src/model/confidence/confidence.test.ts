/**
 * pLDDT, PAE and pTM from the golden head logits vs the golden final metrics (outputs.npz and,
 * where present, outputs_templates.npz). Sizes and bin counts are read from the data.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { float32, type NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { GOLDEN_DIR } from '../reference/golden-test-support.ts';
import {
  alignedErrorBreaks,
  binCentersFromBreaks,
  computePlddt,
  computePredictedAlignedError,
  predictedTmScore,
  tmScoreD0,
} from './index.ts';

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

const f32 = (a: NdArray) => a as NdArray<Float32Array>;
const files = ['outputs.npz', 'outputs_templates.npz'].filter((f) => existsSync(`${GOLDEN_DIR}/${f}`));

const loaded = await Promise.all(
  files.map(async (file): Promise<[string, Record<string, NdArray>]> => {
    const source = await fileSource(`${GOLDEN_DIR}/${file}`);
    try {
      return [file, await readNpz(source)];
    } finally {
      await source.close?.();
    }
  }),
);

describe.each(loaded)('confidence metrics vs golden %s', (file, o) => {
  it('pLDDT from lddt_logits (≤ 1e-2)', () => {
    const got = computePlddt(f32(o.lddt_logits));
    const err = maxAbsDiff(got, f32(o.plddt).data);
    console.log(`${file} plddt: max abs err ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-2);
  });

  it('PAE, aligned confidence probs and max PAE from tm_logits', () => {
    const pae = computePredictedAlignedError(f32(o.tm_logits));
    const errPae = maxAbsDiff(pae.predictedAlignedError.data, f32(o.predicted_aligned_error).data);
    const errProbs = maxAbsDiff(pae.alignedConfidenceProbs.data, f32(o.aligned_confidence_probs).data);
    console.log(`${file} PAE: max abs err ${errPae.toExponential(2)} Å, probs ${errProbs.toExponential(2)}`);
    expect(pae.predictedAlignedError.shape).toEqual(o.predicted_aligned_error.shape);
    expect(errPae).toBeLessThanOrEqual(1e-3);
    expect(errProbs).toBeLessThanOrEqual(1e-5);
    expect(
      Math.abs(pae.maxPredictedAlignedError - Number(o.max_predicted_aligned_error.data[0])),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('pTM from tm_logits (≤ 1e-4)', () => {
    const got = predictedTmScore(f32(o.tm_logits));
    const err = Math.abs(got - Number(o.ptm_score.data[0]));
    console.log(`${file} pTM ${got} vs ${o.ptm_score.data[0]}: abs err ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-4);
  });
});

describe('confidence formulas', () => {
  it('AF2 aligned-error bins: 64 bins to 31 Å give centres 0.25 … 31.75', () => {
    const c = binCentersFromBreaks(alignedErrorBreaks(64));
    expect(c.length).toBe(64);
    expect(c[0]).toBeCloseTo(0.5 * (31 / 62), 12);
    expect(c[63]).toBeCloseTo(31.75, 12);
  });

  it('d0 is clipped at 19 residues', () => {
    expect(tmScoreD0(5)).toBe(tmScoreD0(19));
    expect(tmScoreD0(19)).toBeCloseTo(1.24 * Math.cbrt(4) - 1.8, 12);
    expect(tmScoreD0(100)).toBeGreaterThan(tmScoreD0(50));
  });

  it('uniform pLDDT logits give 50; one-hot logits give the bin centre', () => {
    const bins = 50;
    const logits = float32([2, bins]);
    logits.data[bins + 49] = 1e4;
    const p = computePlddt(logits);
    expect(p[0]).toBeCloseTo(50, 4);
    expect(p[1]).toBeCloseTo(99, 4);
  });

  it('pTM is 1/(1 + (c0/d0)^2) when every pair is certain to be in bin 0; ipTM ignores same-chain pairs', () => {
    const n = 4;
    const bins = 64;
    const logits = float32([n, n, bins]);
    for (let ij = 0; ij < n * n; ij++) logits.data[ij * bins] = 1e4;
    const c0 = binCentersFromBreaks(alignedErrorBreaks(bins))[0];
    const d0 = tmScoreD0(n);
    expect(predictedTmScore(logits)).toBeCloseTo(1 / (1 + (c0 / d0) ** 2), 6);
    // make same-chain pairs uncertain (last bin): ipTM must not see them
    const asymId = [0, 0, 1, 1];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (asymId[i] === asymId[j]) {
          logits.data[(i * n + j) * bins] = 0;
          logits.data[(i * n + j) * bins + bins - 1] = 1e4;
        }
    const iptm = predictedTmScore(logits, { asymId, interface: true });
    expect(iptm).toBeCloseTo(1 / (1 + (c0 / d0) ** 2), 6);
    expect(predictedTmScore(logits)).toBeLessThan(iptm);
  });
});
