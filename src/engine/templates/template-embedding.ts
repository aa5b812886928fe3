/**
 * Algorithm 2, lines 9–12 on the GPU (AF2 `TemplateEmbedding`): for each template t
 *
 *   f_t  = template pair features                         [N_res, N_res, 88]   host (O(N²), cheap)
 *   t_t  = Linear(f_t)                                    [N_res, N_res, c_t]  matmul (embedding2d)
 *   t_t  = TemplatePairStack(t_t)                         Algorithm 16, block.ts recordTemplatePairBlock
 *   t_t  = LayerNorm(t_t)                                 output_layer_norm
 *
 * then update = TemplatePointwiseAttention(t, z) · (Σ template_mask > 0)  (Algorithm 17) and
 * z += update. Nothing is read back: the features are uploaded, z stays on the device.
 * Reference: src/model/reference/template-embedding.ts.
 */
import type { StorageType } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import type { FeatureDict } from '../../model/engine.ts';
import { TEMPLATE_PAIR_STACK, TEMPLATE_POINTWISE_ATTENTION } from '../../model/reference/af2-paths.ts';
import { featureF32 } from '../../model/reference/features-access.ts';
import { blockCount, blockParams, type Params, param } from '../../model/reference/ops.ts';
import {
  SINGLE_TEMPLATE_EMBEDDING,
  templateCount,
  templatePairFeatures,
} from '../../model/reference/template-embedding.ts';
import { recordAdd } from '../embedders/embedders.ts';
import { Transients } from '../evoformer/attention-modules.ts';
import { recordTemplatePairBlock } from '../evoformer/block.ts';
import { pairStackChunks } from '../evoformer/chunks.ts';
import { expectShape, type PairStackWeights, pairStackWeights } from '../evoformer/module-weights.ts';
import type { GpuEnv } from '../evoformer/stack.ts';
import { recordAttention } from '../kernels/attention.ts';
import { layerNormConfig, recordLayerNorm } from '../kernels/layernorm.ts';
import { recordMatmul } from '../kernels/matmul.ts';
import type { DeviceWeights } from '../weights.ts';

/** Algorithm 17's weights: one query per pair (z_ij, no LayerNorm), keys/values from t, ungated. */
export interface PointwiseAttentionWeights {
  heads: number;
  headDim: number;
  cz: number;
  ct: number;
  /** [c_z, H·C] */
  queryW: GPUBuffer;
  /** [c_t, 2·H·C] key | value */
  kvW: GPUBuffer;
  /** [H·C, c_z], [c_z] */
  outW: GPUBuffer;
  outB: GPUBuffer;
}

export function pointwiseAttentionWeights(
  dw: DeviceWeights,
  params: Params,
  path = TEMPLATE_POINTWISE_ATTENTION,
): PointwiseAttentionWeights {
  const qw = param(params, path, 'query_w'); // [c_z, H, C]
  const [cz, H, C] = qw.shape;
  const hc = H * C;
  const kw = param(params, path, 'key_w'); // [c_t, H, C]
  const ct = kw.shape[0];
  const vw = param(params, path, 'value_w');
  expectShape(`${path}//key_w`, kw.shape, [ct, H, C]);
  expectShape(`${path}//value_w`, vw.shape, [ct, H, C]);
  const ow = param(params, path, 'output_w'); // [H, C, c_z]
  expectShape(`${path}//output_w`, ow.shape, [H, C, cz]);
  // [c_t, 2·H·C] = key | value
  const kv = new Float32Array(ct * 2 * hc);
  for (let k = 0; k < ct; k++) {
    kv.set(kw.data.subarray(k * hc, (k + 1) * hc), k * 2 * hc);
    kv.set(vw.data.subarray(k * hc, (k + 1) * hc), k * 2 * hc + hc);
  }
  return {
    heads: H,
    headDim: C,
    cz,
    ct,
    queryW: dw.upload(`${path}//query_w`, qw.data),
    kvW: dw.upload(`${path} key|value`, kv),
    outW: dw.upload(`${path}//output_w`, ow.data),
    outB: dw.upload(`${path}//output_b`, param(params, path, 'output_b').data),
  };
}

/**
 * Algorithm 17 lines 1–6: out [N_res², c_z] = Attention(q = z_ij · W_q, keys/values = the
 * templates' t_sij) · W_o + b_o. `t` is [N_templ, N_res², c_t] f32, z stored as `zType`.
 */
export async function recordTemplatePointwiseAttention(
  rec: Recorder,
  t: Transients,
  w: PointwiseAttentionWeights,
  sizes: { nRes: number; nTempl: number },
  bufs: { z: GPUBuffer; zType: StorageType; templates: GPUBuffer; mask: GPUBuffer; out: GPUBuffer },
): Promise<void> {
  const P = sizes.nRes * sizes.nRes;
  const nT = sizes.nTempl;
  const { heads: H, headDim: C } = w;
  const hc = H * C;
  const q = t.get(P * hc, 'q [N_res², H·C]');
  const kv = t.get(nT * P * 2 * hc, 'k|v [N_templ, N_res², 2·H·C]');
  const o = t.get(P * hc, 'attention output [N_res², H·C]');
  await recordMatmul(
    rec,
    { M: P, K: w.cz, N: hc },
    { a: bufs.z, b: w.queryW, c: q },
    { types: { a: bufs.zType } },
  );
  await recordMatmul(rec, { M: nT * P, K: w.ct, N: 2 * hc }, { a: bufs.templates, b: w.kvW, c: kv });
  // batch = pair ij (1 query), keys = templates s at stride N_res²·2HC
  await recordAttention(
    rec,
    {
      batch: P,
      queries: 1,
      keys: nT,
      heads: H,
      headDim: C,
      q: { offset: 0, strideB: hc, strideL: hc, strideH: C },
      k: { offset: 0, strideB: 2 * hc, strideL: P * 2 * hc, strideH: C },
      v: { offset: hc, strideB: 2 * hc, strideL: P * 2 * hc, strideH: C },
      out: { offset: 0, strideB: hc, strideL: hc, strideH: C },
      mask: { offset: 0, strideB: 0, strideK: 1 },
    },
    { q, k: kv, v: kv, mask: bufs.mask, out: o },
  );
  await recordMatmul(
    rec,
    { M: P, K: hc, N: w.cz },
    { a: o, b: w.outW, bias: w.outB, c: bufs.out },
    { bias: true },
  );
}

interface TemplateWeights {
  /** embedding2d: [88, c_t], [c_t] */
  embedW: GPUBuffer;
  embedB: GPUBuffer;
  cFeat: number;
  ct: number;
  blocks: PairStackWeights[];
  outScale: GPUBuffer;
  outOffset: GPUBuffer;
  pointwise: PointwiseAttentionWeights;
}

function templateWeights(dw: DeviceWeights): TemplateWeights {
  return dw.module('template embedding', () => {
    const p = dw.params;
    const embed = param(p, `${SINGLE_TEMPLATE_EMBEDDING}/embedding2d`, 'weights'); // [88, c_t]
    const [cFeat, ct] = embed.shape;
    const n = blockCount(p, TEMPLATE_PAIR_STACK);
    const norm = `${SINGLE_TEMPLATE_EMBEDDING}/output_layer_norm`;
    return {
      embedW: dw.array(`${SINGLE_TEMPLATE_EMBEDDING}/embedding2d//weights`),
      embedB: dw.array(`${SINGLE_TEMPLATE_EMBEDDING}/embedding2d//bias`),
      cFeat,
      ct,
      blocks: Array.from({ length: n }, (_, b) =>
        pairStackWeights(
          dw,
          blockParams(p, TEMPLATE_PAIR_STACK, b),
          TEMPLATE_PAIR_STACK,
          `template_pair_stack[${b}]`,
        ),
      ),
      outScale: dw.array(`${norm}//scale`),
      outOffset: dw.array(`${norm}//offset`),
      pointwise: pointwiseAttentionWeights(dw, p),
    };
  });
}

/** What the template embedding holds whole: count, c_t and the pointwise attention's H·C. */
export function templateShape(params: Params, count: number): { count: number; ct: number; hc: number } {
  const embed = param(params, `${SINGLE_TEMPLATE_EMBEDDING}/embedding2d`, 'weights'); // [88, c_t]
  const qw = param(params, TEMPLATE_POINTWISE_ATTENTION, 'query_w'); // [c_z, H, C]
  return { count, ct: embed.shape[1], hc: qw.shape[1] * qw.shape[2] };
}

/** Template pair stack blocks in this model (for progress). */
export function templateBlocks(params: Params): number {
  return blockCount(params, TEMPLATE_PAIR_STACK);
}

/**
 * Records and submits the template embedding of `features` and adds it to z (one command buffer
 * per template pair stack block). Returns the update buffer [N_res², c_z] f32 (the caller reads
 * it as a stage if asked, then releases it), or null when every template is masked out.
 */
export async function runTemplateEmbeddingGpu(
  env: GpuEnv,
  dw: DeviceWeights,
  features: FeatureDict,
  bufs: { z: GPUBuffer; zType: StorageType; pairMask: GPUBuffer },
  nRes: number,
  chunkTargetBytes: number,
  onBlock: (template: number, block: number, blocks: number) => Promise<void>,
): Promise<GPUBuffer | null> {
  const { pool } = env;
  const w = templateWeights(dw);
  const N = nRes;
  const chunks = w.blocks.length ? pairStackChunks(w.blocks[0], N, chunkTargetBytes) : {};
  const P = N * N;
  const nT = templateCount(features);
  const maskData = featureF32(features, 'template_mask', [nT]).data as Float32Array<ArrayBuffer>;
  const t = new Transients(pool, 'template embedding');
  try {
    const all = t.get(nT * P * w.ct, 'templates [N_templ, N_res², c_t]');
    const act = t.get(P * w.ct, 'template pair act [N_res², c_t]');
    const normed = t.get(P * w.ct, 'LayerNorm(t) [N_res², c_t]');
    for (let k = 0; k < nT; k++) {
      // line 9: [N_res², c_t] = Linear(f_k)
      const feat = pool.upload(
        templatePairFeatures(features, k, N).data,
        `template ${k} pair features [N_res², 88]`,
      );
      let rec = new Recorder(env.ctx, env.cache, `template ${k} embedding2d`);
      await recordMatmul(
        rec,
        { M: P, K: w.cFeat, N: w.ct },
        { a: feat, b: w.embedW, bias: w.embedB, c: act },
        { bias: true },
      );
      rec.submit();
      pool.release(feat);
      // line 10: TemplatePairStack, one command buffer per block
      for (const [b, bw] of w.blocks.entries()) {
        rec = new Recorder(env.ctx, env.cache, `template ${k} pair stack[${b}]`);
        await recordTemplatePairBlock(
          rec,
          pool,
          bw,
          N,
          { t: act, pairMask: bufs.pairMask },
          `template_pair_stack[${b}]`,
          chunks,
        );
        rec.submit();
        await onBlock(k, b + 1, w.blocks.length);
      }
      // output LayerNorm into slot k of [N_templ, N_res², c_t]
      rec = new Recorder(env.ctx, env.cache, `template ${k} output norm`);
      await recordLayerNorm(
        rec,
        { rows: P, C: w.ct },
        { x: act, scale: w.outScale, offset: w.outOffset, y: normed },
        layerNormConfig(w.ct),
      );
      rec.commandEncoder.copyBufferToBuffer(normed, 0, all, k * P * w.ct * 4, P * w.ct * 4);
      rec.submit();
    }
    // (Σ_s mask_s > 0): no templates → no update (Algorithm 17 / AF2)
    if (!maskData.some((x) => x > 0)) return null;
    const update = pool.acquire(4 * P * w.pointwise.cz, 'template pair embedding [N_res², c_z]');
    const mask = t.get(nT, 'template_mask [N_templ]');
    env.ctx.device.queue.writeBuffer(mask, 0, maskData);
    // lines 11–12: update = TemplatePointwiseAttention(t, z); z += update
    const rec = new Recorder(env.ctx, env.cache, 'template pointwise attention');
    await recordTemplatePointwiseAttention(
      rec,
      t,
      w.pointwise,
      { nRes: N, nTempl: nT },
      { z: bufs.z, zType: bufs.zType, templates: all, mask, out: update },
    );
    await recordAdd(rec, P * w.pointwise.cz, update, bufs.z, bufs.zType);
    rec.submit();
    return update;
  } finally {
    t.release();
  }
}
