/**
 * The CPU reference as an `Engine`: `referenceForwardPerIteration` (Algorithm 2) wrapped with
 * progress in `FoldProgress` form, stage timings, per-recycle metrics (mean pLDDT and pTM from
 * the pLDDT and PAE heads on that iteration's structure-module single and pair representation,
 * as the final heads compute them on the last one, and the Cα distance change between
 * iterations) and a hard stop on NaN/Inf: the first non-finite intermediate aborts the fold
 * with a `NonFiniteOutputError` naming it, so no NaN structure is ever returned.
 */
import { computePlddt, predictedTmScore } from '../confidence/index.ts';
import {
  assertFiniteOutputs,
  caDistanceRmsChange,
  type Engine,
  type EnginePrediction,
  type FeatureDict,
  type FoldInput,
  type FoldStage,
  firstNonFinite,
  mean,
  NonFiniteOutputError,
  predictionFromOutputs,
  type RecycleMetrics,
  StageTimer,
} from '../engine.ts';
import type { NdArray } from '../ndarray.ts';
import { referenceForwardPerIteration } from './model.ts';
import { hasPredictedAlignedErrorHead, predictedAlignedErrorHead } from './output-heads.ts';
import { predictedLddtHead } from './predicted-lddt-head.ts';
import { PREDICTED_LDDT_HEAD } from './structure-paths.ts';

const STAGES: ReadonlySet<string> = new Set<FoldStage>([
  'input_embedding',
  'recycling',
  'template_embedding',
  'extra_msa_stack',
  'evoformer',
  'structure_module',
  'heads',
  'done',
]);

function asStage(s: string): FoldStage {
  if (!STAGES.has(s)) throw new Error(`reference forward pass reported an unknown stage '${s}'`);
  return s as FoldStage;
}

export class CpuReferenceEngine implements Engine {
  readonly name = 'cpu-reference';

  async fold(input: FoldInput): Promise<EnginePrediction> {
    const opts = input.options ?? {};
    const list: FeatureDict[] = Array.isArray(input.features) ? input.features : [input.features];
    if (list.length === 0) throw new Error('fold: no features');
    if (opts.signal?.aborted) throw new DOMException('The fold was cancelled', 'AbortError');
    const params = input.params.arrays as Record<string, NdArray>;
    const hasPlddtHead = `${PREDICTED_LDDT_HEAD}/logits//weights` in params;
    const hasPtmHead = hasPredictedAlignedErrorHead(params);
    const numRes = list[0].aatype?.data.length ?? 0;

    const timer = new StageTimer();
    const recycles: RecycleMetrics[] = [];
    let recycleStart = timer.elapsed();
    let prevAtoms: Float32Array | null = null;

    const outputs = await referenceForwardPerIteration(list, params, {
      numRecycles: opts.numRecycles,
      structureLayers: opts.structureLayers,
      signal: opts.signal,
      onProgress: (p) => {
        const stage = asStage(p.stage);
        timer.enter(stage);
        opts.onProgress?.({ ...p, stage, elapsedMs: timer.elapsed() });
      },
      onStage: (key, value) => {
        const bad = firstNonFinite(value);
        if (bad >= 0) throw new NonFiniteOutputError(key, bad, Number(value.data[bad]), key);
        opts.onStage?.(key, value);
      },
      onIteration: ({ recycle, smSingle, z, atom37 }) => {
        const metrics: RecycleMetrics = { recycle, ms: 0 };
        if (hasPlddtHead) metrics.meanPlddt = mean(computePlddt(predictedLddtHead(smSingle, params)));
        if (hasPtmHead) metrics.ptm = predictedTmScore(predictedAlignedErrorHead(z, params));
        if (prevAtoms) metrics.caDistanceRmsChange = caDistanceRmsChange(prevAtoms, atom37.data, numRes);
        prevAtoms = atom37.data;
        const now = timer.elapsed();
        metrics.ms = now - recycleStart;
        recycleStart = now;
        recycles.push(metrics);
      },
    });
    const timings = timer.finish();
    assertFiniteOutputs(outputs);

    const prediction = predictionFromOutputs(outputs, list[list.length - 1]);
    return {
      ...prediction,
      meanPlddt: outputs.plddt ? mean(prediction.plddt) : undefined,
      iterations: Number(outputs.num_recycles?.data[0] ?? recycles.length),
      recycles,
      timings,
      totalMs: timer.elapsed(),
      engine: this.name,
      outputs,
    };
  }
}

/** The CPU reference engine (stateless; one instance can serve any number of folds). */
export function createCpuEngine(): Engine {
  return new CpuReferenceEngine();
}
