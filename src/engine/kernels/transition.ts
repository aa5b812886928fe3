/**
 * Algorithm 9 (MSATransition) and Algorithm 15 (PairTransition) on the GPU, lines 1–4 (AF2 uses
 * one `Transition` module for both; so do we). Reference: src/model/reference/msa-transition.ts.
 *
 *   x̂ = LayerNorm(x);   h = relu(x̂ · W1 + b1)  [rows, n·c];   x += h · W2 + b2
 *
 * Two ways, same result:
 *   fused (c ≤ 256: every AF2 transition)  shaders/transition.wgsl, one dispatch, the hidden
 *       activations stay in workgroup memory (no [rows, n·c] buffer at all);
 *   composed (any c)  per chunk of rows: layernorm.wgsl, matmul.wgsl (relu), matmul.wgsl
 *       (residual-in-place): 3 dispatches per chunk; chunks bound the hidden scratch and are
 *       bound as buffer windows, so their starts are multiples of the device's
 *       minStorageBufferOffsetAlignment in bytes.
 * Rows are MSA rows (N_seq·N_res of them) or pair rows (N_res²). AF2 ignores the mask here.
 */

import transitionWgsl from '../../../shaders/transition.wgsl?raw';
import { type KernelDescriptor, type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS, type Params, param } from '../../model/reference/ops.ts';
import { layerNormConfig, layerNormKernel } from './layernorm.ts';
import { type LineRange, linesOf } from './line-range.ts';
import {
  type MatmulDims,
  type MatmulOptions,
  matmulKernelFor,
  resolveMatmulDims,
  unusedBinding,
} from './matmul.ts';

export interface TransitionWeights {
  /** Channels of the transformed representation (c_m or c_z). */
  c: number;
  /** Hidden channels n·c (AF2: n = 4). */
  hidden: number;
  lnScale: Float32Array;
  lnOffset: Float32Array;
  /** [c, n·c] */
  w1: Float32Array;
  b1: Float32Array;
  /** [n·c, c] */
  w2: Float32Array;
  b2: Float32Array;
}

/** Reads one transition's AF2 parameters under `path` (input_layer_norm, transition1, transition2). */
export function packTransitionWeights(params: Params, path: string): TransitionWeights {
  const lnScale = param(params, `${path}/input_layer_norm`, 'scale');
  const lnOffset = param(params, `${path}/input_layer_norm`, 'offset');
  const w1 = param(params, `${path}/transition1`, 'weights');
  const b1 = param(params, `${path}/transition1`, 'bias');
  const w2 = param(params, `${path}/transition2`, 'weights');
  const b2 = param(params, `${path}/transition2`, 'bias');
  const c = lnScale.data.length;
  const hidden = w1.shape[1];
  if (w1.shape[0] !== c)
    throw new Error(`${path}/transition1//weights: shape [${w1.shape}], expected [${c}, n·${c}]`);
  if (w2.shape[0] !== hidden || w2.shape[1] !== c) {
    throw new Error(`${path}/transition2//weights: shape [${w2.shape}], expected [${hidden}, ${c}]`);
  }
  return {
    c,
    hidden,
    lnScale: lnScale.data,
    lnOffset: lnOffset.data,
    w1: w1.data,
    b1: b1.data,
    w2: w2.data,
    b2: b2.data,
  };
}

/** Element offsets of the parts of the packed weight buffer (each 64-element aligned). */
export interface TransitionWeightLayout {
  c: number;
  hidden: number;
  lnScale: number;
  lnOffset: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  length: number;
}

/**
 * Packs all weights into one buffer; every part starts on a 256-byte boundary, so the composed
 * path can bind the parts as windows of the same buffer.
 */
export function packTransitionBuffer(w: TransitionWeights): {
  layout: TransitionWeightLayout;
  data: Float32Array;
} {
  let at = 0;
  const take = (n: number) => {
    const o = at;
    at += Math.ceil(n / 64) * 64;
    return o;
  };
  const { c, hidden } = w;
  const layout: TransitionWeightLayout = {
    c,
    hidden,
    lnScale: take(c),
    lnOffset: take(c),
    w1: take(c * hidden),
    b1: take(hidden),
    w2: take(hidden * c),
    b2: take(c),
    length: 0,
  };
  layout.length = at;
  const data = new Float32Array(at);
  data.set(w.lnScale, layout.lnScale);
  data.set(w.lnOffset, layout.lnOffset);
  data.set(w.w1, layout.w1);
  data.set(w.b1, layout.b1);
  data.set(w.w2, layout.w2);
  data.set(w.b2, layout.b2);
  return { layout, data };
}

/** Largest c the fused kernel handles. */
export const FUSED_TRANSITION_MAX_C = 256;
/** Rows per workgroup of the fused kernel. */
const FUSED_ROWS = 32;

export interface FusedTransitionDims {
  r0: number;
  count: number;
  layout: TransitionWeightLayout;
  eps?: number;
}

export function fusedTransitionKernel(xType: StorageType = 'f32'): KernelDescriptor<FusedTransitionDims> {
  return {
    name: 'transition',
    source: transitionWgsl,
    constants: {},
    types: { x_t: xType },
    bindings: [
      { name: 'params', kind: 'uniform' },
      { name: 'weights', kind: 'read-only-storage' },
      { name: 'x', kind: 'storage' },
    ],
    workgroups: (d) => [Math.ceil(d.count / FUSED_ROWS), 1, 1],
    uniforms: (d) => {
      const L = d.layout;
      if (L.c > FUSED_TRANSITION_MAX_C) {
        throw new RangeError(
          `fused transition: c = ${L.c} > ${FUSED_TRANSITION_MAX_C}; use the composed path`,
        );
      }
      const u = new Uint32Array(12);
      u.set([d.r0, d.count, L.c, L.hidden]);
      new Float32Array(u.buffer)[4] = d.eps ?? LN_EPS;
      u.set([L.lnScale, L.lnOffset, L.w1, L.b1, L.w2, L.b2], 5);
      return u;
    },
  };
}

export interface TransitionBuffers {
  /** [rows, c], updated in place (x += Transition(x)). */
  x: GPUBuffer;
  /** Composed path only: scratch [chunk, c], LayerNorm of the chunk. */
  xNorm?: GPUBuffer;
  /** Composed path only: scratch [chunk, n·c]. */
  hidden?: GPUBuffer;
}

export interface TransitionOptions {
  /** Default: fused where c ≤ 256. */
  fused?: boolean;
  /** Composed path: rows per chunk (rounded by transitionChunkRows). Default all rows. */
  chunkRows?: number;
  /** Fused path only: the rows to update (default all). */
  range?: LineRange;
  /** Element type of x (default f32); the scratch is f32. */
  xType?: StorageType;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Rows per chunk: `wanted` (default all rows) rounded up so that every chunk start,
 * r0 · c · elementBytes, is a multiple of `offsetAlignment`.
 */
export function transitionChunkRows(
  rows: number,
  c: number,
  offsetAlignment: number,
  wanted = rows,
  elementBytes = 4,
): number {
  const step = offsetAlignment / gcd(offsetAlignment, elementBytes * c);
  const r = Math.max(1, Math.min(wanted, rows));
  return r >= rows ? Math.max(rows, 1) : Math.ceil(r / step) * step;
}

/** Scratch bytes for a chunk of `chunkRows` rows. */
export function transitionScratchBytes(chunkRows: number, w: { c: number; hidden: number }) {
  return { xNorm: 4 * chunkRows * w.c, hidden: 4 * chunkRows * w.hidden };
}

/**
 * Records x += Transition(x) over `rows` rows with the packed weights `weights` (layout from
 * packTransitionBuffer). Fused: one dispatch per 65535·32 rows. Composed: 3 dispatches per chunk
 * (the scratch buffers must hold one chunk as rounded by transitionChunkRows). Returns the
 * number of dispatches.
 */
export async function recordTransition(
  rec: Recorder,
  rows: number,
  layout: TransitionWeightLayout,
  weights: GPUBuffer,
  bufs: TransitionBuffers,
  opts: TransitionOptions = {},
): Promise<number> {
  const before = rec.dispatches;
  const { device } = rec.ctx;
  const { c, hidden } = layout;
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  const xType = opts.xType ?? 'f32';
  if (opts.fused ?? c <= FUSED_TRANSITION_MAX_C) {
    const kernel = fusedTransitionKernel(xType);
    const window = maxGroups * FUSED_ROWS;
    const { start, end } = linesOf(rows, opts.range);
    for (let r0 = start; r0 < end; r0 += window) {
      await rec.dispatch(kernel, { r0, count: Math.min(window, end - r0), layout }, { weights, x: bufs.x });
    }
    return rec.dispatches - before;
  }
  if (!bufs.xNorm || !bufs.hidden) throw new Error('composed transition: needs xNorm and hidden scratch');
  if (opts.range) throw new Error('composed transition: a row range needs the fused path');
  // At most 64 rows per matmul workgroup row: keep the grid within the device's limit.
  const maxRows = maxGroups * 64;
  const chunk = transitionChunkRows(
    rows,
    c,
    device.limits.minStorageBufferOffsetAlignment,
    Math.min(opts.chunkRows ?? rows, maxRows),
    storageBytes(xType),
  );
  if (chunk > maxRows)
    throw new RangeError(`transition: no aligned chunk of at most ${maxRows} rows at c=${c}`);
  const unused = unusedBinding(device);
  // Windows of the packed buffer; sizes rounded to whole vec4s (matmul reads B as vec4), which
  // stays inside each 64-element-aligned part.
  const part = (offset: number, n: number) => ({
    buffer: weights,
    offset: 4 * offset,
    size: Math.ceil(n / 4) * 16,
  });
  const matmul = async (
    dims: MatmulDims,
    mo: MatmulOptions,
    bind: Record<string, GPUBufferBinding | GPUBuffer>,
  ) => {
    const d = resolveMatmulDims(dims);
    await rec.dispatch(matmulKernelFor(d, mo), d, { e: unused, ...bind });
  };
  const layerNorm = layerNormKernel(layerNormConfig(c, 128, xType));
  const rowBytes = storageBytes(xType) * c;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    // The chunk's rows of x, bound as a window.
    const x = { buffer: bufs.x, offset: r0 * rowBytes, size: n * rowBytes };
    // [n, c]  (line 1)
    await rec.dispatch(
      layerNorm,
      { rows: n, C: c, eps: LN_EPS },
      { x, scale: part(layout.lnScale, c), offset: part(layout.lnOffset, c), y: bufs.xNorm },
    );
    // [n, n·c]  (line 2)
    await matmul(
      { M: n, K: c, N: hidden },
      { bias: true, epilogue: 'relu' },
      { a: bufs.xNorm, b: part(layout.w1, c * hidden), bias: part(layout.b1, hidden), c: bufs.hidden },
    );
    // [n, c] x += h · W2 + b2  (lines 3–4)
    await matmul(
      { M: n, K: hidden, N: c },
      { bias: true, epilogue: 'residual-in-place', types: { c: xType } },
      { a: bufs.hidden, b: part(layout.w2, hidden * c), bias: part(layout.b2, c), c: x },
    );
  }
  return rec.dispatches - before;
}
