/**
 * The whole forward pass (Algorithm 2) vs the golden full-model runs: every intermediate stage
 * of every recycling iteration (`r<k>/…`) and the final outputs, without and (where present)
 * with templates. Each stage must be within 1e-4 × its max |value|; end to end, atom positions
 * within 1e-3 Å, pLDDT within 1e-2 and pTM within 1e-4. Sizes and the number of iterations are
 * read from the golden files (`WEBFOLD_GOLDEN_DIR` selects another set).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { compare, GOLDEN_DIR, loadGoldenNpz, REL_TOL } from './golden-test-support.ts';
import { referenceForward } from './model.ts';
import { asF32, type Tensor } from './ops.ts';

/** Error relative to the stage's max |value|; a stage that is all zeros (r0 recycling inputs) must match exactly. */
function relErr(got: Tensor, want: Tensor): { maxAbsErr: number; rel: number } {
  const err = compare(got, want);
  return {
    maxAbsErr: err.maxAbsErr,
    rel: err.maxAbsRef === 0 ? (err.maxAbsErr === 0 ? 0 : Infinity) : err.rel,
  };
}

const runs = [
  { name: 'no templates', inputs: 'inputs.npz', outputs: 'outputs.npz' },
  { name: 'templates', inputs: 'inputs_templates.npz', outputs: 'outputs_templates.npz' },
].filter((r) => existsSync(`${GOLDEN_DIR}/${r.inputs}`) && existsSync(`${GOLDEN_DIR}/${r.outputs}`));

const params = await loadGoldenNpz('params.npz');

/** Keys whose values are compared with absolute tolerances instead of the per-stage relative one. */
const ABS_TOL: Record<string, number> = { plddt: 1e-2, ptm_score: 1e-4, final_atom_positions: 1e-3 };
/** Outputs that are not tensors of the forward pass. */
const SKIP = new Set(['num_recycles']);

for (const run of runs) {
  const [inputs, outputs] = await Promise.all([loadGoldenNpz(run.inputs), loadGoldenNpz(run.outputs)]);
  // iterations run: the golden `num_recycles`, else the number of r<k>/ prefixes
  const iterations = outputs.num_recycles
    ? Number(outputs.num_recycles.data[0])
    : new Set(
        Object.keys(outputs)
          .map((k) => /^r(\d+)\//.exec(k)?.[1])
          .filter(Boolean),
      ).size;
  const stages = new Map<string, NdArray>();
  const progress: string[] = [];
  const t0 = performance.now();
  const final = await referenceForward(inputs, params, {
    numRecycles: iterations - 1,
    structureLayers: outputs['r0/sm_frames']?.shape[0],
    onStage: (k, v) => stages.set(k, v),
    onProgress: (p) => progress.push(`${p.recycle}/${p.stage}`),
  });
  const ms = performance.now() - t0;

  describe(`Algorithm 2: full forward pass vs golden (${run.name})`, () => {
    it('runs as many iterations as the golden run', () => {
      expect(iterations).toBeGreaterThan(0);
      console.log(`${run.name}: ${iterations} iterations in ${(ms / 1000).toFixed(1)} s`);
      expect(Number(final.num_recycles.data[0])).toBe(iterations);
      expect(progress.at(-1)).toBe(`${iterations - 1}/done`);
    });

    const stageKeys = Object.keys(outputs).filter((k) => /^r\d+\//.test(k));
    it('emits every golden stage of every iteration, and no stage the golden run lacks', () => {
      const missing = stageKeys.filter((k) => !stages.has(k));
      expect(missing).toEqual([]);
      const extra = [...stages.keys()].filter((k) => !(k in outputs));
      expect(extra).toEqual([]);
    });

    for (const k of stageKeys) {
      it(`stage ${k} ≤ 1e-4 × max|ref|`, () => {
        const got = stages.get(k);
        if (!got) throw new Error(`stage ${k} was not emitted`);
        const err = relErr(asF32(got), asF32(outputs[k]));
        console.log(
          `${run.name} ${k}: max abs err ${err.maxAbsErr.toExponential(2)} rel ${err.rel.toExponential(2)}`,
        );
        expect(err.rel).toBeLessThanOrEqual(REL_TOL);
        if (k.endsWith('final_atom_positions')) expect(err.maxAbsErr).toBeLessThanOrEqual(1e-3);
      });
    }

    const finalKeys = Object.keys(outputs).filter((k) => !k.includes('/') && !SKIP.has(k));
    for (const k of finalKeys) {
      it(`final ${k}`, () => {
        const got = final[k];
        if (!got) throw new Error(`final output ${k} is missing`);
        const err = relErr(asF32(got), asF32(outputs[k]));
        console.log(
          `${run.name} final ${k}: max abs err ${err.maxAbsErr.toExponential(2)} rel ${err.rel.toExponential(2)}`,
        );
        if (k in ABS_TOL) expect(err.maxAbsErr).toBeLessThanOrEqual(ABS_TOL[k]);
        if (k !== 'ptm_score') expect(err.rel).toBeLessThanOrEqual(REL_TOL);
      });
    }
  });
}
