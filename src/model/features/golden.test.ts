import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNpz } from '../../../test/helpers/golden-npz.ts';
import type { NdArray } from '../ndarray.ts';
import { buildFeatures } from './build-features.ts';
import { rawFeaturesFromInputs } from './input.ts';

const dir = 'test/fixtures/golden';

function compare(key: string, got: NdArray | undefined, want: NdArray): void {
  expect(got, `missing key ${key}`).toBeDefined();
  if (!got) return;
  expect(got.dtype, `${key} dtype`).toBe(want.dtype);
  expect(got.shape, `${key} shape`).toEqual(want.shape);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(Number(got.data[i]) - Number(want.data[i]));
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  const tol = want.dtype.startsWith('float') ? 1e-6 : 0;
  expect(worst, `${key}: max |diff| ${worst} at flat index ${at}`).toBeLessThanOrEqual(tol);
}

describe('features vs golden inputs.npz (sampling none)', () => {
  const golden = loadNpz(`${dir}/inputs.npz`);
  const raw = rawFeaturesFromInputs({ a3m: readFileSync(`${dir}/query.a3m`, 'utf8') });
  const features = buildFeatures(raw, {
    clusters: golden.msa.shape[0],
    extra: golden.extra_msa.shape[0],
    msaSampling: 'none',
  });

  it('has exactly the golden keys', () => {
    expect(Object.keys(features).sort()).toEqual(Object.keys(golden).sort());
  });

  for (const key of Object.keys(golden)) {
    it(`matches ${key}`, () => compare(key, features[key], golden[key]));
  }

  it('matches the non-template keys of inputs_templates.npz too', () => {
    const t = loadNpz(`${dir}/inputs_templates.npz`);
    for (const key of Object.keys(golden)) compare(key, features[key], t[key]);
  });
});
