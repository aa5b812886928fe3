/**
 * End-to-end check of the fused attention core against the golden module vectors: LayerNorms and
 * projections with the CPU reference ops, the attention core (one dispatch) on the GPU, the output
 * projection on the CPU; module output vs golden ≤ 1e-4 · max |expected| (DESIGN.md, per stage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { type AttentionWeights, attentionWeights } from '../../model/reference/attention.ts';
import {
  compare,
  hasMaskedEntries,
  loadGoldenModule,
  REL_TOL,
} from '../../model/reference/golden-test-support.ts';
import { asF32, layerNormByKey, linear, param, type Tensor, tensor } from '../../model/reference/ops.ts';
import {
  type AttentionDims,
  type AttentionLayout,
  attentionLayout,
  resolveAttentionDims,
  viewLengths,
} from './attention.ref.ts';
import { recordAttention } from './attention.ts';
import type { KernelEnv } from './cases.ts';

let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'attention-golden-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const T = 300_000;

interface CoreInputs {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  gate?: Tensor;
  bias?: Tensor;
  mask?: Tensor;
}

/** The attention core on the GPU (one dispatch); returns out in the layout's out view. */
async function gpuCore(
  dims: AttentionDims,
  x: CoreInputs,
): Promise<{ out: Float32Array; dispatches: number }> {
  const { ctx, cache, pool } = env;
  const d = resolveAttentionDims(dims);
  const n = viewLengths(d).out;
  const label = `golden attention ${d.batch}x${d.queries}x${d.keys}`;
  const up = (t: Tensor | undefined, name: string) =>
    t ? pool.upload(t.data, `${label} ${name}`) : undefined;
  const bufs = {
    q: up(x.q, 'q')!,
    k: up(x.k, 'k')!,
    v: up(x.v, 'v')!,
    gate: up(x.gate, 'gate'),
    bias: up(x.bias, 'bias'),
    mask: up(x.mask, 'mask'),
    out: pool.acquire(n * 4, `${label} out`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    await recordAttention(rec, d, bufs);
    rec.submit();
    return { out: await readFloat32(ctx.device, bufs.out, n), dispatches: rec.dispatches };
  } finally {
    for (const b of Object.values(bufs)) if (b) pool.release(b);
  }
}

/** Projections of AF2 `Attention` (CPU), core on the GPU, output projection (CPU). */
async function attentionModule(
  layout: AttentionLayout,
  w: AttentionWeights,
  qData: Tensor,
  kvData: Tensor,
  mask: Tensor | undefined,
  bias: Tensor | undefined,
): Promise<Tensor> {
  // q, k, v (and gate pre-activations): [..., H, C] in the activations' own layout
  const q = linear(qData, w.queryW);
  const k = linear(kvData, w.keyW);
  const v = linear(kvData, w.valueW);
  const gate = w.gatingW ? linear(qData, w.gatingW, w.gatingB) : undefined;
  const { out, dispatches } = await gpuCore(attentionLayout(layout), { q, k, v, gate, bias, mask });
  expect(dispatches).toBe(1);
  // [..., H, C] → [..., c_out]
  const [H, C] = w.queryW.shape.slice(1);
  const lead = qData.shape.slice(0, -1);
  return linear(tensor([...lead, H, C], out), w.outputW, w.outputB, 2);
}

function report(name: string, got: Tensor, want: Tensor): void {
  const err = compare(got, want);
  console.log(
    `${name}: GPU attention core, module max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
  );
  expect(err.rel).toBeLessThanOrEqual(REL_TOL);
}

describe('fused attention core in the AF2 modules vs golden (real Dawn device)', () => {
  for (const name of ['msa_row_attention_with_pair_bias', 'extra_msa_row_attention_with_pair_bias']) {
    it(
      `Alg. 7 ${name}`,
      async () => {
        const g = await loadGoldenModule(name);
        const { msa_act, msa_mask, pair_act } = g.inputs;
        expect(hasMaskedEntries(msa_mask)).toBe(true);
        const w = attentionWeights(g.params, `${g.path}/attention`);
        // [N_seq, N_res, c_m], [N_res, N_res, c_z] → pair bias [N_res, N_res, H]
        const m = layerNormByKey(msa_act, g.params, `${g.path}/query_norm`);
        const z = layerNormByKey(pair_act, g.params, `${g.path}/feat_2d_norm`);
        const bias = linear(z, param(g.params, g.path, 'feat_2d_weights'));
        const [nSeq, nRes] = msa_act.shape;
        const [, H, C] = w.queryW.shape;
        const layout: AttentionLayout = { kind: 'msa-row', nSeq, nRes, heads: H, headDim: C };
        report(name, await attentionModule(layout, w, m, m, asF32(msa_mask), bias), g.outputs.update);
      },
      T,
    );
  }

  it(
    'Alg. 8 msa_column_attention (no transpose: batch = residues through strides)',
    async () => {
      const g = await loadGoldenModule('msa_column_attention');
      const { msa_act, msa_mask } = g.inputs;
      const w = attentionWeights(g.params, `${g.path}/attention`);
      const m = layerNormByKey(msa_act, g.params, `${g.path}/query_norm`);
      const [nSeq, nRes] = msa_act.shape;
      const [, H, C] = w.queryW.shape;
      const layout: AttentionLayout = { kind: 'msa-column', nSeq, nRes, heads: H, headDim: C };
      report(
        'msa_column_attention',
        await attentionModule(layout, w, m, m, asF32(msa_mask), undefined),
        g.outputs.update,
      );
    },
    T,
  );

  for (const orientation of ['starting', 'ending'] as const) {
    const name = `triangle_attention_${orientation}_node`;
    it(
      `Alg. ${orientation === 'starting' ? 13 : 14} ${name} (z in its own layout, orientation by strides)`,
      async () => {
        const g = await loadGoldenModule(name);
        const { pair_act, pair_mask } = g.inputs;
        const w = attentionWeights(g.params, `${g.path}/attention`);
        // [N_res, N_res, c_z] and triangle bias [N_res, N_res, H], both untransposed
        const z = layerNormByKey(pair_act, g.params, `${g.path}/query_norm`);
        const bias = linear(z, param(g.params, g.path, 'feat_2d_weights'));
        const [nRes] = pair_act.shape;
        const [, H, C] = w.queryW.shape;
        const layout: AttentionLayout = { kind: 'triangle', orientation, nRes, heads: H, headDim: C };
        report(name, await attentionModule(layout, w, z, z, asF32(pair_mask), bias), g.outputs.update);
      },
      T,
    );
  }

  it(
    'Alg. 17 template_pointwise_attention (ungated; keys = templates through strides)',
    async () => {
      const g = await loadGoldenModule('template_pointwise_attention');
      const { template_pair_act, pair_act, template_mask } = g.inputs;
      const w = attentionWeights(g.params, g.path);
      const [nTempl, nRes, nRes2] = template_pair_act.shape;
      const [, H, C] = w.queryW.shape;
      const layout: AttentionLayout = {
        kind: 'template-pointwise',
        nTempl,
        pairs: nRes * nRes2,
        heads: H,
        headDim: C,
      };
      // q from z [N_res, N_res, c_z], k/v from t [N_templ, N_res, N_res, c_t]
      const out = await attentionModule(
        layout,
        w,
        pair_act,
        template_pair_act,
        asF32(template_mask),
        undefined,
      );
      // (Σ_s mask_s > 0): no templates → no update
      const any = template_mask.data.some((x) => x > 0);
      if (!any) out.data.fill(0);
      report('template_pointwise_attention', out, g.outputs.update);
    },
    T,
  );
});
