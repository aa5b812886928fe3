/**
 * Algorithm 9 (MSATransition) and Algorithm 15 (PairTransition) on the GPU, lines 1–4, composed
 * from the layer norm and matmul kernels (AF2 uses one `Transition` module for both; so do we).
 * Reference: src/model/reference/msa-transition.ts (`transition`).
 *
 *   per chunk of rows:  x̂ = LayerNorm(x)                    layernorm.wgsl          (line 1)
 *                       h = relu(x̂ · W1 + b1)   [rows, n·c]  matmul.wgsl, relu       (line 2)
 *                       x += h · W2 + b2                      matmul.wgsl, residual-in-place (line 3–4)
 *
 * Rows are MSA rows (N_seq·N_res of them) or pair rows (N_res²). A chunk bounds the hidden
 * [rows, n·c] scratch; chunks are bound as buffer windows (binding offsets), so their starts are
 * multiples of the device's minStorageBufferOffsetAlignment in bytes. 3 dispatches per chunk.
 * AF2 ignores the mask in transitions.
 */

import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS, type Params, param } from '../../model/reference/ops.ts';
import { layerNormConfig, layerNormKernel } from './layernorm.ts';
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

export interface TransitionDeviceWeights {
  c: number;
  hidden: number;
  lnScale: GPUBuffer;
  lnOffset: GPUBuffer;
  w1: GPUBuffer;
  b1: GPUBuffer;
  w2: GPUBuffer;
  b2: GPUBuffer;
}

export interface TransitionBuffers {
  /** [rows, c], updated in place (x += Transition(x)). */
  x: GPUBuffer;
  /** Scratch [chunk, c]: LayerNorm of the chunk. */
  xNorm: GPUBuffer;
  /** Scratch [chunk, n·c]. */
  hidden: GPUBuffer;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Rows per chunk: `wanted` (default all rows) rounded up so that every chunk start,
 * r0 · c · 4 bytes, is a multiple of `offsetAlignment`.
 */
export function transitionChunkRows(rows: number, c: number, offsetAlignment: number, wanted = rows): number {
  const step = offsetAlignment / gcd(offsetAlignment, 4 * c);
  const r = Math.max(1, Math.min(wanted, rows));
  return r >= rows ? Math.max(rows, 1) : Math.ceil(r / step) * step;
}

/** Scratch bytes for a chunk of `chunkRows` rows. */
export function transitionScratchBytes(chunkRows: number, w: { c: number; hidden: number }) {
  return { xNorm: 4 * chunkRows * w.c, hidden: 4 * chunkRows * w.hidden };
}

/**
 * Records x += Transition(x) over `rows` rows, in chunks of `chunkRows` rounded up by
 * transitionChunkRows (the scratch buffers must hold one rounded chunk). Returns the number of
 * dispatches.
 */
export async function recordTransition(
  rec: Recorder,
  rows: number,
  w: TransitionDeviceWeights,
  bufs: TransitionBuffers,
  chunkRows = rows,
): Promise<number> {
  const before = rec.dispatches;
  const { device } = rec.ctx;
  // At most 64 rows per matmul workgroup row: keep the grid within the device's limit.
  const maxRows = device.limits.maxComputeWorkgroupsPerDimension * 64;
  const chunk = transitionChunkRows(
    rows,
    w.c,
    device.limits.minStorageBufferOffsetAlignment,
    Math.min(chunkRows, maxRows),
  );
  if (chunk > maxRows) {
    throw new RangeError(`transition: no aligned chunk of at most ${maxRows} rows at c=${w.c}`);
  }
  const unused = unusedBinding(device);
  const matmul = async (
    dims: MatmulDims,
    opts: MatmulOptions,
    bind: Record<string, GPUBufferBinding | GPUBuffer>,
  ) => {
    const d = resolveMatmulDims(dims);
    await rec.dispatch(matmulKernelFor(d, opts), d, { e: unused, ...bind });
  };
  const layerNorm = layerNormKernel(layerNormConfig(w.c));
  const rowBytes = 4 * w.c;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    // The chunk's rows of x, bound as a window.
    const x = { buffer: bufs.x, offset: r0 * rowBytes, size: n * rowBytes };
    // [n, c]  (line 1)
    await rec.dispatch(
      layerNorm,
      { rows: n, C: w.c, eps: LN_EPS },
      { x, scale: w.lnScale, offset: w.lnOffset, y: bufs.xNorm },
    );
    // [n, n·c]  (line 2)
    await matmul(
      { M: n, K: w.c, N: w.hidden },
      { bias: true, epilogue: 'relu' },
      { a: bufs.xNorm, b: w.w1, bias: w.b1, c: bufs.hidden },
    );
    // [n, c] x += h · W2 + b2  (lines 3–4)
    await matmul(
      { M: n, K: w.hidden, N: w.c },
      { bias: true, epilogue: 'residual-in-place' },
      { a: bufs.hidden, b: w.w2, bias: w.b2, c: x },
    );
  }
  return rec.dispatches - before;
}
