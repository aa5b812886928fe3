/**
 * The CPU reference engine (Engine interface): end to end on the golden run (atoms ≤ 1e-3 Å,
 * pLDDT ≤ 1e-2, pTM ≤ 1e-4), per-recycle metrics, timings and progress, per-iteration feature
 * lists, cancellation, and the refusal of NaN results.
 */
import { describe, expect, it } from 'vitest';
import { predictedTmScore } from '../confidence/index.ts';
import { NonFiniteOutputError, type ParamsHandle } from '../engine.ts';
import type { NdArray } from '../ndarray.ts';
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { CpuReferenceEngine } from './cpu-engine.ts';
import { compare, loadGoldenNpz } from './golden-test-support.ts';
import { asF32, blockCount } from './ops.ts';
import { predictedAlignedErrorHead } from './output-heads.ts';

const [paramsArrays, inputs, outputs] = await Promise.all([
  loadGoldenNpz('params.npz'),
  loadGoldenNpz('inputs.npz'),
  loadGoldenNpz('outputs.npz'),
]);
const params: ParamsHandle = { name: 'golden params.npz', arrays: paramsArrays };
const iterations = Number(outputs.num_recycles.data[0]);
const numRecycles = iterations - 1;
const structureLayers = outputs['r0/sm_frames'].shape[0];
const engine = new CpuReferenceEngine();

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('CpuReferenceEngine', () => {
  it('folds the golden input end to end within the stated tolerances', async () => {
    const progress: string[] = [];
    const p = await engine.fold({
      features: inputs,
      params,
      options: { numRecycles, structureLayers, onProgress: (x) => progress.push(`${x.recycle}:${x.stage}`) },
    });
    const posErr = maxAbs(p.positions, outputs.final_atom_positions.data as Float32Array);
    const plddtErr = maxAbs(p.plddt, outputs.plddt.data as Float32Array);
    const ptmErr = Math.abs((p.ptm ?? Number.NaN) - Number(outputs.ptm_score.data[0]));
    const paeErr = maxAbs(p.pae ?? [], outputs.predicted_aligned_error.data as Float32Array);
    console.log(
      `engine: atoms ${posErr.toExponential(2)} Å, pLDDT ${plddtErr.toExponential(2)}, pTM ${ptmErr.toExponential(2)}, PAE ${paeErr.toExponential(2)}`,
    );
    expect(posErr).toBeLessThanOrEqual(1e-3);
    expect(plddtErr).toBeLessThanOrEqual(1e-2);
    expect(ptmErr).toBeLessThanOrEqual(1e-4);
    expect(paeErr).toBeLessThanOrEqual(1e-3);
    expect(p.maxPae).toBeCloseTo(Number(outputs.max_predicted_aligned_error.data[0]), 5);
    expect(Array.from(p.atomMask)).toEqual(Array.from(outputs.final_atom_mask.data as Float32Array));
    expect(Array.from(p.aatype)).toEqual(Array.from(inputs.aatype.data as Int32Array));
    expect(Array.from(p.residueIndex)).toEqual(Array.from(inputs.residue_index.data as Int32Array));

    // per-recycle metrics
    expect(p.iterations).toBe(iterations);
    expect(p.recycles.map((r) => r.recycle)).toEqual([...Array(iterations).keys()]);
    expect(p.recycles[0].caDistanceRmsChange).toBeUndefined();
    for (const r of p.recycles.slice(1)) expect(r.caDistanceRmsChange).toBeGreaterThan(0);
    for (const r of p.recycles) expect(r.meanPlddt).toBeGreaterThan(0);
    expect(p.recycles.at(-1)?.meanPlddt).toBeCloseTo(p.meanPlddt ?? Number.NaN, 4);
    // per-recycle pTM: the last equals the final pTM; each equals the PAE head + pTM on that
    // recycle's golden Evoformer pair output (the golden set has no per-recycle pTM of its own)
    // (the final pTM is stored as an f32 scalar, as in the golden outputs)
    expect(Math.fround(p.recycles.at(-1)?.ptm ?? Number.NaN)).toBe(p.ptm);
    const lastBlock = blockCount(paramsArrays, EVOFORMER_ITERATION) - 1;
    const ptmErrs = p.recycles.map((r) => {
      const z = asF32(outputs[`r${r.recycle}/evoformer_block${lastBlock}_pair`]);
      return Math.abs((r.ptm ?? Number.NaN) - predictedTmScore(predictedAlignedErrorHead(z, paramsArrays)));
    });
    console.log(
      `per-recycle pTM ${p.recycles.map((r) => r.ptm?.toFixed(5)).join(' → ')}; max |err| ${Math.max(...ptmErrs).toExponential(2)}`,
    );
    for (const e of ptmErrs) expect(e).toBeLessThanOrEqual(1e-4);
    // timings and progress
    expect(p.timings.map((t) => t.stage)).toContain('evoformer');
    expect(p.timings.every((t) => t.ms >= 0)).toBe(true);
    expect(p.engine).toBe('cpu-reference');
    expect(progress[0]).toBe('0:input_embedding');
    expect(progress.at(-1)).toBe(`${numRecycles}:done`);
    expect(p.outputs.distogram_logits).toBeDefined();
  });

  it('accepts one feature dict per iteration (numRecycles defaults to list length − 1)', async () => {
    const stages: string[] = [];
    const p = await engine.fold({
      features: Array.from({ length: iterations }, () => inputs),
      params,
      options: { structureLayers, onStage: (k) => stages.push(k) },
    });
    expect(p.iterations).toBe(iterations);
    expect(stages).toContain(`r${numRecycles}/final_atom_positions`);
    expect(
      compare(
        asF32({ ...outputs.final_atom_positions, data: p.positions }),
        asF32(outputs.final_atom_positions),
      ).maxAbsErr,
    ).toBeLessThanOrEqual(1e-3);
  });

  it('stops with an AbortError when cancelled between blocks', async () => {
    const ctl = new AbortController();
    const seen: string[] = [];
    const run = engine.fold({
      features: inputs,
      params,
      options: {
        numRecycles,
        signal: ctl.signal,
        onProgress: (x) => {
          seen.push(x.stage);
          if (x.stage === 'evoformer' && x.block === 1) ctl.abort();
        },
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).not.toContain('structure_module');

    const pre = new AbortController();
    pre.abort();
    await expect(
      engine.fold({ features: inputs, params, options: { signal: pre.signal } }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('cancels from a timer while the fold runs (the reference yields between blocks)', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 5);
    await expect(
      engine.fold({ features: inputs, params, options: { numRecycles: 20, signal: ctl.signal } }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a NaN result with an error naming the first non-finite stage', async () => {
    const key = 'alphafold/alphafold_iteration/evoformer/single_activations//bias';
    const bias = paramsArrays[key] as NdArray<Float32Array>;
    const poisoned = {
      ...paramsArrays,
      [key]: { ...bias, data: bias.data.map((v, i) => (i === 0 ? Number.NaN : v)) },
    };
    const run = engine.fold({
      features: inputs,
      params: { name: 'poisoned', arrays: poisoned },
      options: { numRecycles: 0 },
    });
    await expect(run).rejects.toBeInstanceOf(NonFiniteOutputError);
    await expect(run).rejects.toThrow(/r0\/single/);
  });
});
