import { describe, expect, it } from 'vitest';
import { examplePrediction } from './example-structure.ts';
import { scoresOf, toScoresJson } from './scores-json.ts';

describe('scores JSON', () => {
  const p = examplePrediction('MKTAYIAK', 3);
  const run = { modelName: 'model_1_ptm', seed: 42, recycles: 3, timings: { features: 12.5, model: 3400 } };

  it('summarises pLDDT, pTM, PAE and the run', () => {
    const s = scoresOf(p, run);
    const mean = Array.from(p.plddt).reduce((a, b) => a + b, 0) / p.plddt.length;
    expect(s.mean_plddt).toBeCloseTo(mean, 2);
    expect(s.plddt.length).toBe(8);
    for (let i = 0; i < 8; i++) expect(s.plddt[i]).toBeCloseTo(p.plddt[i], 2);
    expect(s.ptm).toBe(0.4321);
    expect(s.max_pae).toBeCloseTo(Math.max(...p.pae!), 2);
    expect(s.max_predicted_aligned_error).toBe(31.75);
    expect(s).toMatchObject({ model_name: 'model_1_ptm', seed: 42, num_recycles: 3, num_residues: 8 });
    expect(s.timings_ms).toEqual({ features: 12.5, model: 3400 });
    expect(JSON.parse(toScoresJson(p, run))).toEqual(s);
  });

  it('writes null for what a model did not predict', () => {
    const s = scoresOf({ ...p, ptm: undefined, pae: undefined }, { ...run, seed: null });
    expect(s.ptm).toBeNull();
    expect(s.max_pae).toBeNull();
    expect(s.max_predicted_aligned_error).toBeNull();
    expect(s.seed).toBeNull();
  });

  it('errors name the bad input', () => {
    expect(() => scoresOf({ ...p, pae: new Float32Array(3) }, run)).toThrow(/pae has length 3, expected 64/);
    expect(() => scoresOf(p, { ...run, timings: { model: Number.NaN } })).toThrow(/timing "model" = NaN/);
  });
});
