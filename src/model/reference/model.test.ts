/**
 * The whole forward pass (Algorithm 2) on the golden full-model runs, without and (where present)
 * with templates: the number of iterations, progress, and that exactly the golden stages are
 * emitted. Their values are compared by the golden-check library (src/model/golden/check.test.ts,
 * the same code as `webfold check-golden`), not here. `WEBFOLD_GOLDEN_DIR` selects another set.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { GOLDEN_DIR, loadGoldenNpz } from './golden-test-support.ts';
import { referenceForward } from './model.ts';

const runs = [
  { name: 'no templates', inputs: 'inputs.npz', outputs: 'outputs.npz' },
  { name: 'templates', inputs: 'inputs_templates.npz', outputs: 'outputs_templates.npz' },
].filter((r) => existsSync(`${GOLDEN_DIR}/${r.inputs}`) && existsSync(`${GOLDEN_DIR}/${r.outputs}`));

const params = await loadGoldenNpz('params.npz');

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
  });
}
