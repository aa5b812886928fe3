/**
 * Nothing in the forward pass assumes the golden sizes: random parameters with other channel
 * counts, heads and block counts (and with / without the template and pTM parts) run on the
 * golden features, with every output shaped from the data and finite.
 */
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { PRESETS, presetLayout } from '../params/presets.ts';
import { randomParams } from '../params/random-params.ts';
import { buildSchema, type Dims } from '../params/schema.ts';
import { loadGoldenNpz } from './golden-test-support.ts';
import { referenceForward } from './model.ts';

const inputs = await loadGoldenNpz('inputs.npz');
const tInputs = await loadGoldenNpz('inputs_templates.npz');

const ODD: Dims = {
  ...PRESETS.golden,
  c_m: 24,
  c_z: 12,
  c_s: 20,
  c_e: 8,
  c_t: 10,
  N_evoformer_blocks: 3,
  N_extra_blocks: 1,
  N_template_blocks: 1,
  'evoformer/msa_row/H': 3,
  'evoformer/msa_row/C': 5,
  'evoformer/tri_att_start/H': 3,
  'template/pointwise/H': 1,
  'ipa/H': 3,
};

function make(templates: boolean, ptm: boolean): Record<string, NdArray> {
  const schema = buildSchema({ ...presetLayout({ templates, ptm }) });
  return Object.fromEntries(randomParams(schema, ODD, 7));
}

function allFinite(a: NdArray): boolean {
  return Array.from(a.data as Float32Array).every(Number.isFinite);
}

describe('forward pass with other sizes (random parameters)', () => {
  const n = inputs.aatype.shape[0];
  it('templates + pTM head: shapes from the data, finite', async () => {
    const params = make(true, true);
    const stages = new Map<string, number[]>();
    const out = await referenceForward(tInputs, params, {
      numRecycles: 1,
      structureLayers: 3,
      onStage: (k, v) => stages.set(k, v.shape),
    });
    const nSeq = tInputs.msa_feat.shape[0];
    const nTempl = tInputs.template_aatype.shape[0];
    expect(out.msa.shape).toEqual([nSeq, n, 24]);
    expect(out.pair.shape).toEqual([n, n, 12]);
    expect(out.single.shape).toEqual([n, 20]);
    expect(stages.get('r1/evoformer_block2_msa')).toEqual([nSeq + nTempl, n, 24]);
    expect(stages.get('r1/template_single_embedding')).toEqual([nTempl, n, 24]);
    expect(stages.get('r0/sm_frames')).toEqual([3, n, 7]);
    expect(stages.has('r0/extra_block1_pair')).toBe(false);
    for (const [k, a] of Object.entries(out)) expect(allFinite(a), k).toBe(true);
    expect(out.ptm_score.shape).toEqual([]);
  });

  it('no template parameters, no pTM head: template features are ignored, no PAE/pTM outputs', async () => {
    const params = make(false, false);
    const stages: string[] = [];
    const out = await referenceForward(tInputs, params, { numRecycles: 0, onStage: (k) => stages.push(k) });
    expect(stages.some((k) => k.includes('template'))).toBe(false);
    expect(out.ptm_score).toBeUndefined();
    expect(out.predicted_aligned_error).toBeUndefined();
    expect(out.plddt.shape).toEqual([n]);
    expect(Array.from(out.num_recycles.data as Int32Array)).toEqual([1]);
    for (const [k, a] of Object.entries(out)) expect(allFinite(a), k).toBe(true);
  });
});
