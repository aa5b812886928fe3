/**
 * Section (a): features. Builds the AF2 feature dict from `DIR/query.a3m` with deterministic
 * sampling ('none') and the cluster/extra counts of `DIR/inputs.npz`, and compares every key
 * (integers exact, floats ≤ 1e-6; dtype and shape must match). With templates, the template
 * keys of `DIR/inputs_templates.npz` are rebuilt from the template structures it holds
 * (aligned sequence, atom37 positions and mask, sum_probs).
 */
import { buildFeatures, type FeatureDict } from '../features/build-features.ts';
import { rawFeaturesFromInputs } from '../features/input.ts';
import { atomTypeNum, idToHhblitsAa } from '../features/residue-constants.ts';
import { buildTemplateFeatures, type TemplateInput } from '../features/template-features.ts';
import type { NdArray } from '../ndarray.ts';
import { compareArrays, failedRow } from './compare.ts';
import { GOLDEN_FILES, type GoldenSet } from './golden-set.ts';
import { EXACT, FEATURE_FLOAT_TOL } from './tolerances.ts';
import type { CheckRow } from './types.ts';

export const TEMPLATES_PREFIX = 'templates:';

function compareKeys(
  got: FeatureDict,
  want: Record<string, NdArray>,
  keys: readonly string[],
  prefix: string,
): CheckRow[] {
  return keys.map((k) =>
    compareArrays(
      'features',
      `${prefix}${k}`,
      got[k],
      want[k],
      want[k].dtype.startsWith('float') ? FEATURE_FLOAT_TOL : EXACT,
      { checkDtype: true },
    ),
  );
}

/** Keys built but absent from the golden set: the key sets must agree. */
function extraKeys(want: Record<string, NdArray>, keys: string[], prefix: string): CheckRow[] {
  return keys
    .filter((k) => !(k in want))
    .map((k) => failedRow('features', `${prefix}${k}`, 'built, but not in the golden set'));
}

function need(arrays: Record<string, NdArray>, key: string, file: string): NdArray {
  const a = arrays[key];
  if (!a) throw new Error(`${file} has no '${key}'`);
  return a;
}

function slice(a: NdArray['data'], from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = Number(a[i]);
  return out;
}

/** The template structures of inputs_templates.npz as a template search would hand them over. */
export function goldenTemplateInputs(t: Record<string, NdArray>): {
  templates: TemplateInput[];
  numRes: number;
} {
  const file = GOLDEN_FILES.inputsTemplates;
  const onehot = need(t, 'raw_template_aatype_onehot_hhblits', file);
  const pos = need(t, 'template_all_atom_positions', file).data;
  const mask = need(t, 'template_all_atom_mask', file).data;
  const probs = t.template_sum_probs?.data;
  const [T, N, A] = onehot.shape;
  const templates: TemplateInput[] = [];
  for (let k = 0; k < T; k++) {
    let sequence = '';
    for (let i = 0; i < N; i++) {
      let best = 0;
      for (let a = 1; a < A; a++)
        if (onehot.data[(k * N + i) * A + a] > onehot.data[(k * N + i) * A + best]) best = a;
      sequence += idToHhblitsAa[best];
    }
    templates.push({
      sequence,
      atomPositions: slice(pos, k * N * atomTypeNum * 3, (k + 1) * N * atomTypeNum * 3),
      atomMask: slice(mask, k * N * atomTypeNum, (k + 1) * N * atomTypeNum),
      sumProbs: probs ? Number(probs[k]) : undefined,
    });
  }
  return { templates, numRes: N };
}

export async function checkFeatures(set: GoldenSet, opts: { templates?: boolean } = {}): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  let features: FeatureDict;
  try {
    const golden = await set.npz(GOLDEN_FILES.inputs);
    const a3m = await set.source.readText(GOLDEN_FILES.query);
    const raw = rawFeaturesFromInputs({ a3m });
    features = buildFeatures(raw, {
      clusters: need(golden, 'msa', GOLDEN_FILES.inputs).shape[0],
      extra: need(golden, 'extra_msa', GOLDEN_FILES.inputs).shape[0],
      msaSampling: 'none',
    });
    const keys = Object.keys(golden);
    rows.push(...compareKeys(features, golden, keys, ''));
    rows.push(...extraKeys(golden, Object.keys(features), ''));
  } catch (err) {
    return [failedRow('features', 'build features', (err as Error).message)];
  }
  if (!opts.templates) return rows;
  try {
    const t = await set.npz(GOLDEN_FILES.inputsTemplates);
    const isTemplateKey = (k: string) => k.includes('template');
    const plain = Object.keys(t).filter((k) => !isTemplateKey(k));
    rows.push(...compareKeys(features, t, plain, TEMPLATES_PREFIX));
    const { templates, numRes } = goldenTemplateInputs(t);
    const tf = buildTemplateFeatures(templates, numRes);
    rows.push(...compareKeys(tf, t, Object.keys(t).filter(isTemplateKey), TEMPLATES_PREFIX));
    rows.push(...extraKeys(t, Object.keys(tf), TEMPLATES_PREFIX));
  } catch (err) {
    rows.push(failedRow('features', `${TEMPLATES_PREFIX}build template features`, (err as Error).message));
  }
  return rows;
}
