/** Synthetic data for the results demo page and tests: no parameters, no GPU, no React. */
import type { EnginePrediction } from '../../model/engine.ts';
import { examplePrediction } from '../../model/output/example-structure.ts';

export const DEMO_SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQ';
export const DEMO_SEED = 1;
export const DEMO_NAME = 'results-demo';
export const DEMO_MODEL = 'model_1_ptm';

/** `examplePrediction` dressed as an engine result: 3 recycles and stage timings (made up). */
export function demoPrediction(sequence = DEMO_SEQUENCE, seed = DEMO_SEED): EnginePrediction {
  const p = examplePrediction(sequence, seed);
  let sum = 0;
  for (const v of p.plddt) sum += v;
  const meanPlddt = sum / p.plddt.length;
  const recycles = [0, 1, 2, 3].map((r) => ({
    recycle: r,
    meanPlddt: meanPlddt - 6 / (r + 1) + 1.5,
    // converging to the final pTM at the last recycle, as an engine reports it
    ...(p.ptm !== undefined ? { ptm: p.ptm - 0.1 / (r + 1) + 0.025 } : {}),
    ...(r > 0 ? { caDistanceRmsChange: 2.4 / r ** 2 } : {}),
    ms: 410 + 7 * r,
  }));
  const timings = [
    { stage: 'input_embedding' as const, ms: 24 },
    { stage: 'recycling' as const, ms: 12 },
    { stage: 'extra_msa_stack' as const, ms: 180 },
    { stage: 'evoformer' as const, ms: 1290 },
    { stage: 'structure_module' as const, ms: 140 },
    { stage: 'heads' as const, ms: 18 },
  ];
  return {
    ...p,
    meanPlddt,
    iterations: 4,
    recycles,
    timings,
    totalMs: timings.reduce((s, t) => s + t.ms, 0),
    engine: 'demo (synthetic)',
    outputs: {},
  };
}

export function demoA3m(sequence = DEMO_SEQUENCE): string {
  return `>query\n${sequence}\n`;
}
