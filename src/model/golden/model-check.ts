/**
 * Section (c): the full model on the golden features and parameters, stage by stage for every
 * recycling iteration (every `rK/...` key of the golden outputs, compared as the backend emits
 * it through `onStage`; a golden stage never emitted is a failure row) and the final outputs
 * (end-to-end tolerances). Runs without templates (`inputs.npz` → `outputs.npz`) and, when
 * asked, with them (`inputs_templates.npz` → `outputs_templates.npz`, rows prefixed 'templates:').
 */
import type { NdArray } from '../ndarray.ts';
import { compareArrays, failedRow } from './compare.ts';
import { GOLDEN_FILES, type GoldenSet } from './golden-set.ts';
import { EXACT, finalTolerance, stageTolerance } from './tolerances.ts';
import type { CheckRow, ForwardProgress, GoldenBackend, Precision } from './types.ts';

const STAGE_KEY = /^r(\d+)\//;

export interface ModelCheckOptions {
  templates?: boolean;
  /** storage precision of the run (default f32); f16 applies the f16 tolerances */
  precision?: Precision;
  onProgress?: (run: string, p: ForwardProgress) => void;
  signal?: AbortSignal;
}

/** Recycles and structure-module layers as the golden outputs show them (nothing assumed). */
export function runShape(outputs: Record<string, NdArray>): {
  numRecycles: number;
  structureLayers?: number;
} {
  let last = -1;
  for (const k of Object.keys(outputs)) {
    const m = STAGE_KEY.exec(k);
    if (m) last = Math.max(last, Number(m[1]));
  }
  const frames = outputs[`r${Math.max(last, 0)}/sm_frames`];
  return { numRecycles: Math.max(last, 0), structureLayers: frames?.shape[0] };
}

interface RunSpec {
  label: string;
  prefix: string;
  inputs: string;
  outputs: string;
}

async function checkRun(
  set: GoldenSet,
  backend: GoldenBackend,
  run: RunSpec,
  opts: ModelCheckOptions,
): Promise<CheckRow[]> {
  const params = await set.npz(GOLDEN_FILES.params);
  const features = await set.npz(run.inputs);
  const golden = await set.npz(run.outputs);
  const keys = Object.keys(golden);
  const stageKeys = keys.filter((k) => STAGE_KEY.test(k));
  const finalKeys = keys.filter((k) => !STAGE_KEY.test(k));
  const stageRows = new Map<string, CheckRow>();
  const name = (k: string) => `${run.prefix}${k}`;
  const { numRecycles, structureLayers } = runShape(golden);
  let result: Record<string, NdArray> | undefined;
  let thrown: string | undefined;
  try {
    result = await backend.forward(features, params, {
      numRecycles,
      structureLayers,
      signal: opts.signal,
      precision: opts.precision,
      onProgress: opts.onProgress && ((p) => opts.onProgress?.(run.label, p)),
      onStage: (key, value) => {
        const want = golden[key];
        if (!want || !STAGE_KEY.test(key)) return;
        stageRows.set(
          key,
          compareArrays(
            'model',
            name(key),
            value,
            want,
            want.dtype.startsWith('float') ? stageTolerance(opts.precision) : EXACT,
          ),
        );
      },
    });
  } catch (err) {
    thrown = (err as Error).message;
  }
  const missing = thrown ? 'not reached (forward pass failed)' : 'not emitted by the forward pass';
  const rows: CheckRow[] = [];
  if (thrown) rows.push(failedRow('model', name('forward'), `forward pass threw: ${thrown}`));
  for (const k of stageKeys) rows.push(stageRows.get(k) ?? failedRow('model', name(k), missing));
  for (const k of finalKeys) {
    if (!result) rows.push(failedRow('model', name(k), missing));
    else {
      const tol = finalTolerance(k, golden[k].dtype, opts.precision);
      rows.push(compareArrays('model', name(k), result[k], golden[k], tol));
    }
  }
  set.forget(run.outputs);
  set.forget(run.inputs);
  return rows;
}

export async function checkModel(
  set: GoldenSet,
  backend: GoldenBackend,
  opts: ModelCheckOptions = {},
): Promise<CheckRow[]> {
  const runs: RunSpec[] = [
    { label: 'no templates', prefix: '', inputs: GOLDEN_FILES.inputs, outputs: GOLDEN_FILES.outputs },
  ];
  if (opts.templates) {
    runs.push({
      label: 'templates',
      prefix: 'templates:',
      inputs: GOLDEN_FILES.inputsTemplates,
      outputs: GOLDEN_FILES.outputsTemplates,
    });
  }
  const rows: CheckRow[] = [];
  for (const run of runs) {
    try {
      rows.push(...(await checkRun(set, backend, run, opts)));
    } catch (err) {
      rows.push(failedRow('model', `${run.prefix}load`, (err as Error).message));
    }
  }
  return rows;
}
