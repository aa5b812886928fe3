import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AF2Config, configFromDims, validateParams } from './config.ts';
import type { ParamsError } from './errors.ts';
import { inspectParams } from './load.ts';
import type { ArrayInfo } from './npz.ts';
import { PRESETS, presetLayout } from './presets.ts';
import { buildSchema, concreteShapes, type Dims, type SchemaLayout } from './schema.ts';
import { fileSource } from './source-node.ts';

const FIXTURES = 'test/fixtures/golden';

/** `key (a, b)` lines of full_model_1_ptm_keys.txt / `key\t(a, b)` rows of params_keys.tsv. */
function readKeyShapes(path: string, sep: RegExp): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('alphafold/')) continue;
    const [key, shape] = line.split(sep);
    out.set(
      key,
      shape
        .replace(/[()]/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number),
    );
  }
  return out;
}

function infosOf(shapes: Map<string, number[]>): ArrayInfo[] {
  return [...shapes].map(([key, shape]) => ({ key, shape, dtype: 'float32' }));
}

function presetInfos(dims: Dims, layout: SchemaLayout = presetLayout()): ArrayInfo[] {
  return infosOf(concreteShapes(buildSchema(layout), dims));
}

function errorOf(f: () => unknown): ParamsError {
  try {
    f();
  } catch (e) {
    return e as ParamsError;
  }
  throw new Error('expected an error');
}

/** The golden README table (and the real column) as config fields. */
function expectTable(
  c: AF2Config,
  t: Record<'c' | 'evo' | 'extra' | 'tpl' | 'sm', (number | boolean)[]>,
): void {
  expect([c.c_m, c.c_z, c.c_s, c.c_e, c.c_t]).toEqual(t.c);
  const e = c.evoformer;
  expect([
    e.blocks,
    e.msaRowAttentionWithPairBias.heads,
    e.msaRowAttentionWithPairBias.headDim,
    e.msaColumnAttention.heads,
    e.msaColumnAttention.headDim,
    e.triangleAttentionStartingNode.heads,
    e.triangleAttentionStartingNode.headDim,
    e.triangleAttentionEndingNode.heads,
    e.outerProductMeanHidden,
    e.triangleMultiplicationOutgoingHidden,
    e.triangleMultiplicationIncomingHidden,
    e.msaTransitionFactor,
    e.pairTransitionFactor,
  ]).toEqual(t.evo);
  const x = c.extraMsa;
  expect([
    x.blocks,
    x.msaRowAttentionWithPairBias.heads,
    x.msaRowAttentionWithPairBias.headDim,
    x.msaColumnAttention.heads,
    x.msaColumnAttention.headDim,
    x.msaColumnAttention.global,
    x.triangleAttentionEndingNode.heads,
    x.triangleAttentionEndingNode.headDim,
    x.outerProductMeanHidden,
    x.triangleMultiplicationOutgoingHidden,
  ]).toEqual(t.extra);
  const p = c.template?.pairStack;
  expect([
    p?.blocks,
    p?.triangleAttentionStartingNode.heads,
    p?.triangleAttentionStartingNode.headDim,
    p?.triangleMultiplicationOutgoingHidden,
    p?.pairTransitionFactor,
    c.template?.pointwiseAttention.heads,
    c.template?.pointwiseAttention.headDim,
  ]).toEqual(t.tpl);
  const s = c.structureModule;
  expect([
    s.layers,
    s.ipa.heads,
    s.ipa.scalarDim,
    s.ipa.queryPoints,
    s.ipa.valuePoints,
    s.transitionLayers,
    s.angleResnet.hidden,
    s.angleResnet.blocks,
    c.heads.plddtHidden,
    c.heads.ptm,
  ]).toEqual(t.sm);
}

const GOLDEN_TABLE = {
  c: [32, 16, 48, 16, 16],
  evo: [2, 4, 8, 4, 8, 2, 8, 2, 8, 16, 16, 4, 4],
  extra: [2, 4, 4, 4, 4, true, 2, 8, 8, 16],
  tpl: [2, 2, 8, 16, 2, 2, 8],
  sm: [8, 4, 8, 4, 8, 3, 16, 2, 16, true],
};
const FULL_TABLE = {
  c: [256, 128, 384, 64, 64],
  evo: [48, 8, 32, 8, 32, 4, 32, 4, 32, 128, 128, 4, 4],
  extra: [4, 8, 8, 8, 8, true, 4, 32, 32, 128],
  tpl: [2, 4, 16, 64, 2, 4, 16],
  sm: [8, 12, 16, 4, 8, 3, 128, 2, 128, true],
};

describe('config inference', () => {
  it('golden params.npz reports the golden README table', async () => {
    const src = await fileSource(`${FIXTURES}/params.npz`);
    const { config } = await inspectParams(src);
    await src.close?.();
    expectTable(config, GOLDEN_TABLE);
    expect(config.parameterCount).toBe(157338);
    expect(config.arrayCount).toBe(338);
  });

  it('the golden preset schema equals params_keys.tsv key for key', () => {
    const ref = readKeyShapes(`${FIXTURES}/params_keys.tsv`, /\t/);
    const ours = concreteShapes(buildSchema(presetLayout()), PRESETS.golden);
    expect(new Map([...ours].sort())).toEqual(new Map([...ref].sort()));
  });

  it('the full preset schema equals full_model_1_ptm_keys.txt and has 93.2 M parameters', () => {
    const ref = readKeyShapes(`${FIXTURES}/full_model_1_ptm_keys.txt`, / (?=\()/);
    const ours = concreteShapes(buildSchema(presetLayout()), PRESETS.full);
    expect(new Map([...ours].sort())).toEqual(new Map([...ref].sort()));
    const { config } = validateParams(infosOf(ref), 'full');
    expectTable(config, FULL_TABLE);
    expect(config.parameterCount).toBe(93_237_338);
    expect((config.parameterCount / 1e6).toFixed(1)).toBe('93.2');
  });

  it('model_1 without pTM and model_3 without templates', () => {
    const m1 = validateParams(presetInfos(PRESETS.full, presetLayout({ ptm: false })), 'm1').config;
    expect(m1.heads.ptm).toBe(false);
    expect(m1.parameterCount).toBe(93_229_082);
    const m3 = validateParams(
      presetInfos(PRESETS.full, presetLayout({ ptm: false, templates: false })),
      'm3',
    ).config;
    expect(m3.template).toBeNull();
    expect(m3.c_t).toBeNull();
    expect(m3.evoformer.blocks).toBe(48);
  });

  it('a consistent file with other sizes validates and reports them', () => {
    const dims: Dims = {
      ...PRESETS.golden,
      c_m: 40,
      c_z: 24,
      c_s: 56,
      N_evoformer_blocks: 3,
      'evoformer/msa_row/H': 5,
      'evoformer/msa_row/C': 6,
      'ipa/H': 3,
      'ipa/C': 10,
      'ipa/Pq': 5,
      'ipa/Pv': 7,
      'extra/tri_mul_in/hidden': 20,
      'plddt/hidden': 12,
    };
    const { config } = validateParams(presetInfos(dims), 'odd');
    expect(config).toEqual(configFromDims(dims, presetLayout()));
    expect(config.evoformer.msaRowAttentionWithPairBias).toEqual({ heads: 5, headDim: 6 });
    expect(config.structureModule.ipa).toEqual({ heads: 3, scalarDim: 10, queryPoints: 5, valuePoints: 7 });
    expect(config.extraMsa.triangleMultiplicationIncomingHidden).toBe(20);
  });
});

describe('validation errors name the problem', () => {
  const base = () => presetInfos(PRESETS.golden);
  const KEY = 'alphafold/alphafold_iteration/evoformer/evoformer_iteration/outer_product_mean//output_w';

  it('missing key: name and expected shape', () => {
    const e = errorOf(() =>
      validateParams(
        base().filter((i) => i.key !== KEY),
        'p.npz',
      ),
    );
    expect(e.code).toBe('missing-key');
    expect(e.message).toContain(`missing key ${KEY} (expected shape [2, 8, 8, 16])`);
    expect(e.message).toContain('p.npz');
  });

  it('unexpected key', () => {
    const extra = {
      key: 'alphafold/alphafold_iteration/evoformer/bogus//weights',
      shape: [3, 3],
      dtype: 'float32' as const,
    };
    const e = errorOf(() => validateParams([...base(), extra], 'p.npz'));
    expect(e.code).toBe('unexpected-key');
    expect(e.message).toContain(
      'unexpected key alphafold/alphafold_iteration/evoformer/bogus//weights [3, 3]',
    );
  });

  it('wrong shape: key, expected and actual; the odd one out is blamed', () => {
    const infos = base().map((i) => (i.key === KEY ? { ...i, shape: [2, 8, 9, 16] } : i));
    const e = errorOf(() => validateParams(infos, 'p.npz'));
    expect(e.code).toBe('wrong-shape');
    expect(e.message).toContain(`wrong shape for ${KEY}: expected [2, 8, 8, 16], got [2, 8, 9, 16]`);
    expect(e.message).toMatch(/\(1 problem\)/);
    // A channel-count key: c_m is voted from dozens of keys, so only this one is reported.
    const k2 = 'alphafold/alphafold_iteration/evoformer/preprocess_1d//weights';
    const e2 = errorOf(() =>
      validateParams(
        base().map((i) => (i.key === k2 ? { ...i, shape: [22, 33] } : i)),
        'p.npz',
      ),
    );
    expect(e2.message).toContain(`wrong shape for ${k2}: expected [22, 32], got [22, 33]`);
    expect(e2.message).toMatch(/\(1 problem\)/);
    // Wrong rank.
    const e3 = errorOf(() =>
      validateParams(
        base().map((i) => (i.key === KEY ? { ...i, shape: [2, 64, 16] } : i)),
        'p.npz',
      ),
    );
    expect(e3.message).toContain(`expected [2, 8, 8, 16], got [2, 64, 16]`);
  });

  it('a missing whole module names a key with its symbolic shape', () => {
    const infos = base().filter((i) => !i.key.includes('/predicted_lddt_head/'));
    const e = errorOf(() => validateParams(infos, 'p.npz'));
    expect(e.code).toBe('missing-key');
    expect(e.message).toMatch(
      /cannot infer plddt\/hidden: missing key .*predicted_lddt_head\/act_0\/\/weights \(expected shape \[c_s, plddt\/hidden\]\)/,
    );
  });

  it('multimer parameters are refused by name', () => {
    const infos = [
      ...base(),
      {
        key: 'alphafold/alphafold_iteration/evoformer/~_relative_encoding/position_activations//weights',
        shape: [73, 16],
        dtype: 'float32' as const,
      },
    ];
    const e = errorOf(() => validateParams(infos, 'params_model_1_multimer_v3.npz'));
    expect(e.code).toBe('multimer');
    expect(e.message).toContain('AlphaFold-Multimer parameters are not supported yet');
    expect(e.message).toContain('params_model_1_multimer_v3.npz');
  });

  it('integer parameter arrays are rejected with the key', () => {
    const infos = base().map((i) => (i.key === KEY ? { ...i, dtype: 'int32' as const } : i));
    const e = errorOf(() => validateParams(infos, 'p.npz'));
    expect(e.code).toBe('unsupported-dtype');
    expect(e.message).toContain(`unsupported dtype for ${KEY}: int32`);
  });
});
