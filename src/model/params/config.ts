/**
 * AF2 model configuration inferred from a parameter file's keys and shapes — never assumed.
 *
 * 1. Layout from the key set: template stack present, pTM (PAE) head present, number of
 *    structure-module transition layers and angle-resnet blocks.
 * 2. Every size symbol of `schema.ts` (c_m, heads, hidden sizes, block counts, …) is read from
 *    all keys that carry it as a plain axis; the most common value wins, so a single wrong
 *    array is reported as a wrong shape instead of poisoning the config. IPA sizes that only
 *    appear in products (C, Pq, Pv) are solved from the IPA linears the same way.
 * 3. `validateParams` compares the file against the schema evaluated with those sizes:
 *    missing keys (with expected shape), unexpected keys, wrong shapes, non-float dtypes.
 *
 * Not in the parameters (AF2 defaults, stated in the config): structure-module layer count (8,
 * weights shared across layers), recycling count, MSA sizes.
 */
import { formatShape, sizeOf } from '../ndarray.ts';
import { ParamsError } from './errors.ts';
import type { ArrayInfo } from './npz.ts';
import {
  AF2_CONSTANTS,
  buildSchema,
  concreteShapes,
  type Dims,
  FOLD,
  IPA,
  ROOT,
  type SchemaEntry,
  type SchemaLayout,
  symbolicShape,
} from './schema.ts';

export interface AttentionConfig {
  heads: number;
  headDim: number;
}

export interface PairStackConfig {
  blocks: number;
  triangleAttentionStartingNode: AttentionConfig;
  triangleAttentionEndingNode: AttentionConfig;
  triangleMultiplicationOutgoingHidden: number;
  triangleMultiplicationIncomingHidden: number;
  pairTransitionHidden: number;
  pairTransitionFactor: number;
}

export interface MsaStackConfig extends PairStackConfig {
  msaRowAttentionWithPairBias: AttentionConfig;
  msaColumnAttention: AttentionConfig & { global: boolean };
  outerProductMeanHidden: number;
  msaTransitionHidden: number;
  msaTransitionFactor: number;
}

export interface AF2Config {
  c_m: number;
  c_z: number;
  c_s: number;
  /** Extra-MSA channels. */
  c_e: number;
  /** Template pair channels; null without a template stack. */
  c_t: number | null;
  evoformer: MsaStackConfig;
  extraMsa: MsaStackConfig;
  template: null | {
    pairStack: PairStackConfig;
    pointwiseAttention: AttentionConfig;
  };
  structureModule: {
    /** Not stored in the parameters (the layer weights are shared): AF2's default. */
    layers: number;
    layersFrom: 'AF2 default (not in params)';
    ipa: { heads: number; scalarDim: number; queryPoints: number; valuePoints: number };
    transitionLayers: number;
    angleResnet: { hidden: number; blocks: number };
  };
  heads: {
    plddtHidden: number;
    plddtBins: number;
    distogramBins: number;
    maskedMsaClasses: number;
    experimentallyResolvedAtoms: number;
    /** predicted_aligned_error_head: PAE and pTM. */
    ptm: boolean;
    paeBins: number | null;
  };
  constants: typeof AF2_CONSTANTS;
  parameterCount: number;
  arrayCount: number;
}

/** AF2's default number of structure-module layers (not recorded in the weights). */
export const STRUCTURE_MODULE_LAYERS = 8;

const MULTIMER_MARKERS = [
  'multimer',
  '~_relative_encoding',
  'position_activations',
  'template_pair_embedding_',
  'template_embedding/output_linear',
  'query_embedding_norm',
  'quat_rigid',
  'q_scalar_projection',
  'k_scalar_projection',
  'point_projection',
];

export function detectMultimer(keys: Iterable<string>, file: string): void {
  for (const k of keys) {
    const marker = MULTIMER_MARKERS.find((m) => k.includes(m));
    if (marker) {
      throw new ParamsError(
        'multimer',
        `${file}: AlphaFold-Multimer parameters are not supported yet (key ${k} is multimer-only)`,
      );
    }
  }
}

function countIndexed(keys: string[], re: RegExp): number {
  const seen = new Set<string>();
  for (const k of keys) {
    const m = re.exec(k);
    if (m) seen.add(m[1] ?? '');
  }
  return seen.size;
}

export function inferLayout(keys: string[]): SchemaLayout {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    templates: keys.some(
      (k) =>
        k.includes('/template_embedding/') ||
        k.includes('/template_single_embedding/') ||
        k.includes('/template_projection/'),
    ),
    ptmHead: keys.some((k) => k.startsWith(`${ROOT}/predicted_aligned_error_head/`)),
    structureTransitionLayers:
      countIndexed(keys, new RegExp(`^${esc(FOLD)}/transition(_\\d+)?//weights$`)) || 3,
    angleResnetBlocks:
      countIndexed(keys, new RegExp(`^${esc(FOLD)}/rigid_sidechain/resblock1(_\\d+)?//weights$`)) || 2,
  };
}

/** Most common value; ties go to the earliest vote (schema order). */
function mode(votes: number[]): number {
  const counts = new Map<number, number>();
  for (const v of votes) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = votes[0];
  for (const v of votes) if ((counts.get(v) ?? 0) > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** Solve the IPA per-head sizes from the linears (needs ipa/H and c_z). */
function solveIpa(shapes: Map<string, number[]>, dims: Dims, votes: Map<string, number[]>): void {
  const H = dims['ipa/H'];
  const out = (key: string) => {
    const s = shapes.get(`${IPA}/${key}//weights`);
    return s && s.length === 2 ? s[1] : undefined;
  };
  const push = (sym: string, v: number | undefined) => {
    if (v !== undefined && Number.isInteger(v) && v > 0) votes.set(sym, [...(votes.get(sym) ?? []), v]);
  };
  if (!H) return;
  const q = out('q_scalar');
  const kv = out('kv_scalar');
  push('ipa/C', q !== undefined ? q / H : undefined);
  push('ipa/C', kv !== undefined ? kv / (2 * H) : undefined);
  const qp = out('q_point_local');
  push('ipa/Pq', qp !== undefined ? qp / (3 * H) : undefined);
  const kvp = out('kv_point_local');
  const proj = shapes.get(`${IPA}/output_projection//weights`);
  if (votes.get('ipa/C') && dims.c_z) {
    const C = mode(votes.get('ipa/C') as number[]);
    if (proj && proj.length === 2) push('ipa/Pv', (proj[0] / H - C - dims.c_z) / 4);
  }
  if (votes.get('ipa/Pq') && kvp !== undefined) {
    push('ipa/Pv', kvp / (3 * H) - mode(votes.get('ipa/Pq') as number[]));
  }
  for (const sym of ['ipa/C', 'ipa/Pq', 'ipa/Pv']) {
    const v = votes.get(sym);
    if (v?.length) dims[sym] = mode(v);
  }
}

export interface Inference {
  layout: SchemaLayout;
  dims: Dims;
  schema: SchemaEntry[];
}

/** Read every size symbol from the file's shapes. Throws only if a symbol has no source at all. */
export function inferDims(infos: ArrayInfo[], file = '<params>'): Inference {
  const keys = infos.map((i) => i.key);
  detectMultimer(keys, file);
  const layout = inferLayout(keys);
  const schema = buildSchema(layout);
  const shapes = new Map(infos.map((i) => [i.key, i.shape]));
  const votes = new Map<string, number[]>();
  const firstUse = new Map<string, SchemaEntry>();
  for (const e of schema) {
    for (const d of e.shape) if (typeof d === 'string' && !firstUse.has(d)) firstUse.set(d, e);
    const actual = shapes.get(e.key);
    if (!actual || actual.length !== e.shape.length) continue;
    e.shape.forEach((d, axis) => {
      if (typeof d === 'string') votes.set(d, [...(votes.get(d) ?? []), actual[axis]]);
    });
  }
  const dims: Dims = {};
  for (const [sym, v] of votes) dims[sym] = mode(v);
  solveIpa(shapes, dims, votes);
  for (const [sym, e] of firstUse) {
    if (dims[sym] === undefined) {
      throw new ParamsError(
        'missing-key',
        `${file}: cannot infer ${sym}: missing key ${e.key} (expected shape ${symbolicShape(e)})`,
      );
    }
  }
  for (const sym of ['ipa/C', 'ipa/Pq', 'ipa/Pv']) {
    if (dims[sym] === undefined) {
      throw new ParamsError(
        'wrong-shape',
        `${file}: cannot infer IPA size ${sym} from ${IPA}/{q_scalar,q_point_local,kv_point_local,output_projection}//weights`,
      );
    }
  }
  return { layout, dims, schema };
}

export interface Problem {
  code: 'missing-key' | 'unexpected-key' | 'wrong-shape' | 'unsupported-dtype';
  key: string;
  message: string;
}

/** Every disagreement between the file and the schema evaluated with the inferred sizes. */
export function checkAgainstSchema(infos: ArrayInfo[], inf: Inference): Problem[] {
  const expected = concreteShapes(inf.schema, inf.dims);
  const problems: Problem[] = [];
  const present = new Map(infos.map((i) => [i.key, i]));
  for (const [key, shape] of expected) {
    const got = present.get(key);
    if (!got) {
      problems.push({
        code: 'missing-key',
        key,
        message: `missing key ${key} (expected shape ${formatShape(shape)})`,
      });
    } else if (got.shape.length !== shape.length || got.shape.some((v, i) => v !== shape[i])) {
      problems.push({
        code: 'wrong-shape',
        key,
        message: `wrong shape for ${key}: expected ${formatShape(shape)}, got ${formatShape(got.shape)}`,
      });
    } else if (got.dtype !== 'float32' && got.dtype !== 'float16' && got.dtype !== 'float64') {
      problems.push({
        code: 'unsupported-dtype',
        key,
        message: `unsupported dtype for ${key}: ${got.dtype} (parameters must be float32, float16 or float64)`,
      });
    }
  }
  for (const i of infos) {
    if (!expected.has(i.key)) {
      problems.push({
        code: 'unexpected-key',
        key: i.key,
        message: `unexpected key ${i.key} ${formatShape(i.shape)} (not part of an AF2 monomer model)`,
      });
    }
  }
  return problems;
}

function attn(d: Dims, scope: string): AttentionConfig {
  return { heads: d[`${scope}/H`], headDim: d[`${scope}/C`] };
}

function pairStackConfig(d: Dims, scope: string, blocks: string, c: number): PairStackConfig {
  const hidden = d[`${scope}/pair_transition/hidden`];
  return {
    blocks: d[blocks],
    triangleAttentionStartingNode: attn(d, `${scope}/tri_att_start`),
    triangleAttentionEndingNode: attn(d, `${scope}/tri_att_end`),
    triangleMultiplicationOutgoingHidden: d[`${scope}/tri_mul_out/hidden`],
    triangleMultiplicationIncomingHidden: d[`${scope}/tri_mul_in/hidden`],
    pairTransitionHidden: hidden,
    pairTransitionFactor: hidden / c,
  };
}

function msaStackConfig(
  d: Dims,
  scope: string,
  blocks: string,
  cMsa: number,
  global: boolean,
): MsaStackConfig {
  const hidden = d[`${scope}/msa_transition/hidden`];
  return {
    ...pairStackConfig(d, scope, blocks, d.c_z),
    msaRowAttentionWithPairBias: attn(d, `${scope}/msa_row`),
    msaColumnAttention: { ...attn(d, `${scope}/msa_col`), global },
    outerProductMeanHidden: d[`${scope}/opm/hidden`],
    msaTransitionHidden: hidden,
    msaTransitionFactor: hidden / cMsa,
  };
}

/** The config for given sizes and layout (used for inferred dims and for make-params presets). */
export function configFromDims(dims: Dims, layout: SchemaLayout, schema = buildSchema(layout)): AF2Config {
  const d = dims;
  const shapes = concreteShapes(schema, d);
  let parameterCount = 0;
  for (const s of shapes.values()) parameterCount += sizeOf(s);
  return {
    c_m: d.c_m,
    c_z: d.c_z,
    c_s: d.c_s,
    c_e: d.c_e,
    c_t: layout.templates ? d.c_t : null,
    evoformer: msaStackConfig(d, 'evoformer', 'N_evoformer_blocks', d.c_m, false),
    extraMsa: msaStackConfig(d, 'extra', 'N_extra_blocks', d.c_e, true),
    template: layout.templates
      ? {
          pairStack: pairStackConfig(d, 'template', 'N_template_blocks', d.c_t),
          pointwiseAttention: attn(d, 'template/pointwise'),
        }
      : null,
    structureModule: {
      layers: STRUCTURE_MODULE_LAYERS,
      layersFrom: 'AF2 default (not in params)',
      ipa: { heads: d['ipa/H'], scalarDim: d['ipa/C'], queryPoints: d['ipa/Pq'], valuePoints: d['ipa/Pv'] },
      transitionLayers: layout.structureTransitionLayers,
      angleResnet: { hidden: d['angle_resnet/hidden'], blocks: layout.angleResnetBlocks },
    },
    heads: {
      plddtHidden: d['plddt/hidden'],
      plddtBins: AF2_CONSTANTS.plddtBins,
      distogramBins: AF2_CONSTANTS.distogramBins,
      maskedMsaClasses: AF2_CONSTANTS.maskedMsaClasses,
      experimentallyResolvedAtoms: AF2_CONSTANTS.atom37,
      ptm: layout.ptmHead,
      paeBins: layout.ptmHead ? AF2_CONSTANTS.paeBins : null,
    },
    constants: AF2_CONSTANTS,
    parameterCount,
    arrayCount: shapes.size,
  };
}

export interface ValidatedParams {
  config: AF2Config;
  dims: Dims;
  layout: SchemaLayout;
  /** Expected shape of every key (all present in the file). */
  shapes: Map<string, number[]>;
}

const MAX_LISTED = 12;

/** Infer the config and validate the whole key set; throws a ParamsError naming every problem. */
export function validateParams(infos: ArrayInfo[], file = '<params>'): ValidatedParams {
  const inf = inferDims(infos, file);
  const problems = checkAgainstSchema(infos, inf);
  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p.message}`);
    if (problems.length > MAX_LISTED) listed.push(`  … and ${problems.length - MAX_LISTED} more`);
    throw new ParamsError(
      problems[0].code,
      `${file}: invalid AlphaFold parameters (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${listed.join('\n')}`,
    );
  }
  return {
    config: configFromDims(inf.dims, inf.layout, inf.schema),
    dims: inf.dims,
    layout: inf.layout,
    shapes: concreteShapes(inf.schema, inf.dims),
  };
}
