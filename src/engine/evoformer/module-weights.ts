/**
 * Device weights of the Evoformer-block modules (Algorithm 6 lines 2–10; Algorithm 18 for the
 * extra-MSA stack), in the layouts the GPU modules read. Packed from one block's (unstacked)
 * parameters and cached in a `DeviceWeights` under the module instance's name.
 *
 * Attention projections are fused: the q, k, v and gate Linears of AF2's `Attention`
 * ([c, H, C] each) become one [c, 4·H·C] matrix (q | k | v | g along the output axis) with bias
 * [0 | 0 | 0 | gating_b], so one matmul projects everything. Triangle attention appends its
 * triangle-bias Linear (feat_2d_weights [c_z, H], padded to a multiple of 4 columns) to the same
 * matrix: one matmul gives q, k, v, g and the bias b_jk^h.
 */
import { type Params, param } from '../../model/reference/ops.ts';
import {
  type OuterProductMeanDeviceWeights,
  packOuterProductMeanWeights,
} from '../kernels/outer-product-mean.ts';
import {
  packTransitionBuffer,
  packTransitionWeights,
  type TransitionWeightLayout,
} from '../kernels/transition.ts';
import {
  packTriangleMultiplicationWeights,
  type TriangleWeightLayout,
} from '../kernels/triangle-multiplication.ts';
import type { DeviceWeights } from '../weights.ts';

/** Fused gated self-attention (row, column or triangle attention). */
export interface AttentionModuleWeights {
  heads: number;
  headDim: number;
  /** Input channels c (c_m, c_e or c_z). */
  c: number;
  /** Output channels (= c). */
  cOut: number;
  /** Columns of the fused projection: 4·H·C (q | k | v | g). */
  width: number;
  lnScale: GPUBuffer;
  lnOffset: GPUBuffer;
  /** [c, width] */
  projW: GPUBuffer;
  /** [width] */
  projB: GPUBuffer;
  /** [H·C, c_out] */
  outW: GPUBuffer;
  /** [c_out] */
  outB: GPUBuffer;
  /** Triangle attention: [c, H] feat_2d_weights, the bias b = LN(z) · W_b (no bias vector). */
  biasW?: GPUBuffer;
}

/** MSA row attention with pair bias (Algorithm 7): the attention plus the pair-bias branch. */
export interface RowAttentionWeights extends AttentionModuleWeights {
  cz: number;
  zLnScale: GPUBuffer;
  zLnOffset: GPUBuffer;
  /** [c_z, H] feat_2d_weights */
  pairBiasW: GPUBuffer;
}

/** MSA column global attention (Algorithm 19). */
export interface GlobalAttentionWeights {
  heads: number;
  /** C (key width) = C_v (value width). */
  headDim: number;
  c: number;
  cOut: number;
  /** Columns of the fused q | k | v | g projection: H·C + C + C_v + H·C_v. */
  width: number;
  lnScale: GPUBuffer;
  lnOffset: GPUBuffer;
  /** [c, width] query_w | key_w | value_w | gating_w */
  projW: GPUBuffer;
  /** [width] 0 | 0 | 0 | gating_b */
  projB: GPUBuffer;
  /** [H·C_v, c_out] */
  outW: GPUBuffer;
  outB: GPUBuffer;
}

/** A transition's weights packed into one buffer (transition.ts layout). */
export interface TransitionDeviceWeights {
  layout: TransitionWeightLayout;
  buffer: GPUBuffer;
}

export interface TriangleMultiplicationDeviceWeights {
  layout: TriangleWeightLayout;
  buffer: GPUBuffer;
}

/** The pair-stack modules of a block (Algorithms 11–15): an Evoformer or template pair block. */
export type PairStackWeights = Pick<
  EvoformerBlockWeights,
  | 'triangleMultiplicationOutgoing'
  | 'triangleMultiplicationIncoming'
  | 'triangleAttentionStarting'
  | 'triangleAttentionEnding'
  | 'pairTransition'
>;

export interface EvoformerBlockWeights {
  /** Which stack: the extra-MSA block uses global column attention. */
  extra: boolean;
  rowAttention: RowAttentionWeights;
  columnAttention?: AttentionModuleWeights;
  globalColumnAttention?: GlobalAttentionWeights;
  msaTransition: TransitionDeviceWeights;
  outerProductMean: OuterProductMeanDeviceWeights;
  triangleMultiplicationOutgoing: TriangleMultiplicationDeviceWeights;
  triangleMultiplicationIncoming: TriangleMultiplicationDeviceWeights;
  triangleAttentionStarting: AttentionModuleWeights;
  triangleAttentionEnding: AttentionModuleWeights;
  pairTransition: TransitionDeviceWeights;
}

export function expectShape(key: string, got: number[], want: number[]): void {
  if (got.join() !== want.join()) throw new Error(`${key}: shape [${got}], expected [${want}]`);
}

/**
 * Packs an AF2 `Attention` module at `${path}/attention` (+ LayerNorm `${path}/query_norm`) as
 * one [c, q | k | v | g] projection, and with `withBias` the triangle-bias Linear
 * `${path}//feat_2d_weights` [c, H] (computed for all pairs before any row is updated).
 */
export function packAttention(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
  withBias: boolean,
): AttentionModuleWeights {
  const attn = `${path}/attention`;
  const qw = param(params, attn, 'query_w'); // [c, H, C]
  const [c, H, C] = qw.shape;
  const hc = H * C;
  const kw = param(params, attn, 'key_w');
  const vw = param(params, attn, 'value_w');
  expectShape(`${attn}//key_w`, kw.shape, [c, H, C]);
  expectShape(`${attn}//value_w`, vw.shape, [c, H, C]);
  if (!params[`${attn}//gating_w`])
    throw new Error(`missing parameter ${attn}//gating_w (ungated attention)`);
  const gw = param(params, attn, 'gating_w');
  const gb = param(params, attn, 'gating_b');
  expectShape(`${attn}//gating_w`, gw.shape, [c, H, C]);
  const ow = param(params, attn, 'output_w'); // [H, C, c_out]
  const ob = param(params, attn, 'output_b');
  const cOut = ob.data.length;
  expectShape(`${attn}//output_w`, ow.shape, [H, C, cOut]);
  const bw = withBias ? param(params, path, 'feat_2d_weights') : undefined; // [c, H]
  if (bw) expectShape(`${path}//feat_2d_weights`, bw.shape, [c, H]);
  const width = 4 * hc;
  // [c, width]: q | k | v | g
  const w = new Float32Array(c * width);
  const parts = [qw, kw, vw, gw];
  for (let k = 0; k < c; k++) {
    for (const [n, p] of parts.entries()) w.set(p.data.subarray(k * hc, (k + 1) * hc), k * width + n * hc);
  }
  const b = new Float32Array(width);
  b.set(gb.data, 3 * hc);
  return {
    heads: H,
    headDim: C,
    c,
    cOut,
    width,
    lnScale: dw.upload(`${label}/query_norm//scale`, param(params, `${path}/query_norm`, 'scale').data),
    lnOffset: dw.upload(`${label}/query_norm//offset`, param(params, `${path}/query_norm`, 'offset').data),
    projW: dw.upload(`${label} q|k|v|g weights`, w),
    projB: dw.upload(`${label} q|k|v|g bias`, b),
    outW: dw.upload(`${attn}//output_w`, ow.data),
    outB: dw.upload(`${attn}//output_b`, ob.data),
    biasW: bw ? dw.upload(`${label}//feat_2d_weights`, bw.data) : undefined,
  };
}

export function packRowAttention(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): RowAttentionWeights {
  const base = packAttention(dw, params, path, label, false);
  const zs = param(params, `${path}/feat_2d_norm`, 'scale');
  const zo = param(params, `${path}/feat_2d_norm`, 'offset');
  const bw = param(params, path, 'feat_2d_weights'); // [c_z, H]
  const cz = zs.data.length;
  expectShape(`${path}//feat_2d_weights`, bw.shape, [cz, base.heads]);
  return {
    ...base,
    cz,
    zLnScale: dw.upload(`${label}/feat_2d_norm//scale`, zs.data),
    zLnOffset: dw.upload(`${label}/feat_2d_norm//offset`, zo.data),
    pairBiasW: dw.upload(`${label}//feat_2d_weights`, bw.data),
  };
}

export function packGlobalAttention(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): GlobalAttentionWeights {
  const attn = `${path}/attention`;
  const qw = param(params, attn, 'query_w'); // [c, H, C]
  const [c, H, C] = qw.shape;
  const kw = param(params, attn, 'key_w'); // [c, C]
  const vw = param(params, attn, 'value_w'); // [c, C_v]
  expectShape(`${attn}//key_w`, kw.shape, [c, C]);
  expectShape(`${attn}//value_w`, vw.shape, [c, C]);
  if (!params[`${attn}//gating_w`])
    throw new Error(`missing parameter ${attn}//gating_w (ungated attention)`);
  const gw = param(params, attn, 'gating_w'); // [c, H, C_v]
  const gb = param(params, attn, 'gating_b');
  expectShape(`${attn}//gating_w`, gw.shape, [c, H, C]);
  const ow = param(params, attn, 'output_w');
  const ob = param(params, attn, 'output_b');
  const cOut = ob.data.length;
  expectShape(`${attn}//output_w`, ow.shape, [H, C, cOut]);
  const hc = H * C;
  const width = 2 * hc + 2 * C;
  const w = new Float32Array(c * width);
  for (let k = 0; k < c; k++) {
    w.set(qw.data.subarray(k * hc, (k + 1) * hc), k * width);
    w.set(kw.data.subarray(k * C, (k + 1) * C), k * width + hc);
    w.set(vw.data.subarray(k * C, (k + 1) * C), k * width + hc + C);
    w.set(gw.data.subarray(k * hc, (k + 1) * hc), k * width + hc + 2 * C);
  }
  const b = new Float32Array(width);
  b.set(gb.data, hc + 2 * C);
  return {
    heads: H,
    headDim: C,
    c,
    cOut,
    width,
    lnScale: dw.upload(`${label}/query_norm//scale`, param(params, `${path}/query_norm`, 'scale').data),
    lnOffset: dw.upload(`${label}/query_norm//offset`, param(params, `${path}/query_norm`, 'offset').data),
    projW: dw.upload(`${label} q|k|v|g weights`, w),
    projB: dw.upload(`${label} q|k|v|g bias`, b),
    outW: dw.upload(`${attn}//output_w`, ow.data),
    outB: dw.upload(`${attn}//output_b`, ob.data),
  };
}

export function uploadTransition(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): TransitionDeviceWeights {
  const p = packTransitionBuffer(packTransitionWeights(params, path));
  return { layout: p.layout, buffer: dw.upload(`${label} packed`, p.data) };
}

function uploadOpm(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): OuterProductMeanDeviceWeights {
  const o = packOuterProductMeanWeights(params, path);
  return {
    cm: o.cm,
    C: o.C,
    cz: o.cz,
    lnScale: dw.upload(`${label}/layer_norm_input//scale`, o.lnScale),
    lnOffset: dw.upload(`${label}/layer_norm_input//offset`, o.lnOffset),
    projW: dw.upload(`${label} left|right projection weights`, o.projW),
    projB: dw.upload(`${label} left|right projection bias`, o.projB),
    out: dw.upload(`${label} output_w|output_b`, o.out),
  };
}

export function uploadTriangle(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): TriangleMultiplicationDeviceWeights {
  const p = packTriangleMultiplicationWeights(params, path);
  return { layout: p.layout, buffer: dw.upload(`${label} packed`, p.data) };
}

/** A template pair stack block's weights (Algorithm 16), `params` unstacked under `path`. */
export function pairStackWeights(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
): PairStackWeights {
  const at = (m: string) => [`${path}/${m}`, `${label}/${m}`] as const;
  return {
    triangleAttentionStarting: packAttention(dw, params, ...at('triangle_attention_starting_node'), true),
    triangleAttentionEnding: packAttention(dw, params, ...at('triangle_attention_ending_node'), true),
    triangleMultiplicationOutgoing: uploadTriangle(dw, params, ...at('triangle_multiplication_outgoing')),
    triangleMultiplicationIncoming: uploadTriangle(dw, params, ...at('triangle_multiplication_incoming')),
    pairTransition: uploadTransition(dw, params, ...at('pair_transition')),
  };
}

/**
 * One block's module weights. `params` holds the block's unstacked parameters under `path`
 * (`blockParams(params, stackPath, b)`); `label` names the instance (e.g.
 * `evoformer_iteration[3]`) in buffer labels. Not cached here (see stack.ts).
 */
export function evoformerBlockWeights(
  dw: DeviceWeights,
  params: Params,
  path: string,
  label: string,
  extra: boolean,
): EvoformerBlockWeights {
  const at = (m: string) => [`${path}/${m}`, `${label}/${m}`] as const;
  const w: EvoformerBlockWeights = {
    extra,
    rowAttention: packRowAttention(dw, params, ...at('msa_row_attention_with_pair_bias')),
    msaTransition: uploadTransition(dw, params, ...at('msa_transition')),
    outerProductMean: uploadOpm(dw, params, ...at('outer_product_mean')),
    triangleMultiplicationOutgoing: uploadTriangle(dw, params, ...at('triangle_multiplication_outgoing')),
    triangleMultiplicationIncoming: uploadTriangle(dw, params, ...at('triangle_multiplication_incoming')),
    triangleAttentionStarting: packAttention(dw, params, ...at('triangle_attention_starting_node'), true),
    triangleAttentionEnding: packAttention(dw, params, ...at('triangle_attention_ending_node'), true),
    pairTransition: uploadTransition(dw, params, ...at('pair_transition')),
  };
  if (extra) w.globalColumnAttention = packGlobalAttention(dw, params, ...at('msa_column_global_attention'));
  else w.columnAttention = packAttention(dw, params, ...at('msa_column_attention'), false);
  return w;
}
