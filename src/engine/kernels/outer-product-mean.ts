/**
 * Algorithm 10 (OuterProductMean) on the GPU, lines 1–5, with the [N_res, N_res, C, C] outer
 * products never materialised. Reference: src/model/reference/outer-product-mean.ts.
 * Kernels: shaders/outer_product_mean.wgsl.
 *
 *   project  m [N_seq, N_res, c_m] → ab [N_seq, N_res, 2C] = LayerNorm(m) · [W_left | W_right] + b
 *            (LayerNorm fused: no normalised copy of m)                                (lines 1–2)
 *   main     z[i, j] += (Σ_s a_si ⊗ b_sj · W + bias) / (1e-3 + Σ_s mask_si mask_sj),
 *            in blocks of 8 × 8 pairs, for a window of rows i                          (lines 3–5)
 *
 * Deep MSAs can be taken in sequence chunks: each chunk is projected into chunk-sized `ab` and
 * its projected outer products summed in a [N, N, c_z] `partial` buffer; the last chunk applies
 * bias and mask count and adds into z.
 * Dispatches: (1 + ⌈N / rows⌉) · ⌈N_seq / seqChunk⌉; 2 with one window and one chunk.
 */

import opmWgsl from '../../../shaders/outer_product_mean.wgsl?raw';
import { DeviceLimitError } from '../../gpu/errors.ts';
import type { KernelDescriptor, StorageType } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS, type Params, param } from '../../model/reference/ops.ts';
import { OUTER_PRODUCT_MEAN_EPS } from '../../model/reference/outer-product-mean.ts';
import { type LineRange, linesOf } from './line-range.ts';
import { unusedBinding } from './matmul.ts';

/** Host-side weights of one outer product mean, packed for the two entry points. */
export interface OuterProductMeanWeights {
  /** c_m: MSA channels. */
  cm: number;
  /** C: channels of a and b (AF2: 32; a multiple of 4). */
  C: number;
  /** c_z: pair channels. */
  cz: number;
  lnScale: Float32Array;
  lnOffset: Float32Array;
  /** [c_m, 2C]: left_projection then right_projection along the output axis. */
  projW: Float32Array;
  /** [2C] */
  projB: Float32Array;
  /** main: output_w [C·C·c_z], then output_b [c_z]. */
  out: Float32Array;
}

/** Reads and packs one outer product mean's AF2 parameters under `path`. */
export function packOuterProductMeanWeights(params: Params, path: string): OuterProductMeanWeights {
  const lnScale = param(params, `${path}/layer_norm_input`, 'scale');
  const lnOffset = param(params, `${path}/layer_norm_input`, 'offset');
  const lw = param(params, `${path}/left_projection`, 'weights');
  const lb = param(params, `${path}/left_projection`, 'bias');
  const rw = param(params, `${path}/right_projection`, 'weights');
  const rb = param(params, `${path}/right_projection`, 'bias');
  const ow = param(params, path, 'output_w');
  const ob = param(params, path, 'output_b');
  const [cm, C] = lw.shape;
  const cz = ob.data.length;
  if (rw.shape[0] !== cm || rw.shape[1] !== C) {
    throw new Error(`${path}/right_projection//weights: shape [${rw.shape}], expected [${cm}, ${C}]`);
  }
  if (ow.shape.join() !== [C, C, cz].join()) {
    throw new Error(`${path}//output_w: shape [${ow.shape}], expected [${C}, ${C}, ${cz}]`);
  }
  if (C % 4 !== 0) {
    throw new Error(
      `${path}/left_projection//weights: C = ${C} channels; the GPU kernel needs a multiple of 4`,
    );
  }
  const projW = new Float32Array(cm * 2 * C);
  for (let k = 0; k < cm; k++) {
    projW.set(lw.data.subarray(k * C, (k + 1) * C), k * 2 * C);
    projW.set(rw.data.subarray(k * C, (k + 1) * C), k * 2 * C + C);
  }
  const projB = new Float32Array(2 * C);
  projB.set(lb.data, 0);
  projB.set(rb.data, C);
  const out = new Float32Array(C * C * cz + cz);
  out.set(ow.data, 0);
  out.set(ob.data, C * C * cz);
  return { cm, C, cz, lnScale: lnScale.data, lnOffset: lnOffset.data, projW, projB, out };
}

/** The same weights on the device. */
export interface OuterProductMeanDeviceWeights {
  cm: number;
  C: number;
  cz: number;
  lnScale: GPUBuffer;
  lnOffset: GPUBuffer;
  projW: GPUBuffer;
  projB: GPUBuffer;
  out: GPUBuffer;
}

/** Runtime sizes of one dispatch (project reads the p* fields, main the others). */
export interface OuterProductMeanDims {
  N: number;
  /** Sequences in ab (the chunk). */
  S: number;
  cz: number;
  cm: number;
  /** main: first output row i of the window and rows in it. */
  r0: number;
  rows: number;
  /** main: first sequence of the chunk (default 0) and all sequences (default S). */
  s0?: number;
  sTotal?: number;
  /** main: add the earlier chunks' sums from `partial`. */
  readPartial?: boolean;
  /** main: last chunk: bias, mask count, z +=; otherwise the sum goes to `partial`. Default true. */
  final?: boolean;
  eps?: number;
}

export interface OuterProductMeanConfig {
  /** Channels of a and b (multiple of 4). */
  C: number;
  /** Sequences staged in workgroup memory per step. */
  sb?: number;
  /** Element type of m and z (default f32); the scratch and arithmetic are f32. */
  act?: StorageType;
}

export type OuterProductMeanStage = 'project' | 'main';

/** Workgroup memory of `main`, bytes (`project` needs 9 KiB). */
export function outerProductMeanSharedBytes(cfg: OuterProductMeanConfig): number {
  const sb = cfg.sb ?? 2;
  return 4 * (sb * 8 * cfg.C + sb * 8 * cfg.C + 32 * 64 + 64);
}

export function outerProductMeanKernel(
  cfg: OuterProductMeanConfig,
  stage: OuterProductMeanStage = 'main',
): KernelDescriptor<OuterProductMeanDims> {
  if (cfg.C % 4 !== 0 || cfg.C < 4)
    throw new RangeError(`outer product mean: C = ${cfg.C} is not a multiple of 4`);
  const sb = cfg.sb ?? 2;
  return {
    name: 'outer_product_mean',
    source: opmWgsl,
    entryPoint: stage,
    constants: { C: cfg.C, SB: sb },
    types: { m_t: cfg.act ?? 'f32', z_t: cfg.act ?? 'f32' },
    bindings:
      stage === 'project'
        ? [
            { name: 'params', kind: 'uniform' },
            { name: 'm', kind: 'read-only-storage' },
            { name: 'lnScale', kind: 'read-only-storage' },
            { name: 'lnOffset', kind: 'read-only-storage' },
            { name: 'projW', kind: 'read-only-storage' },
            { name: 'projB', kind: 'read-only-storage' },
            { name: 'ab', kind: 'storage' },
          ]
        : [
            { name: 'params', kind: 'uniform' },
            { name: 'ab', kind: 'read-only-storage' },
            { name: 'mask', kind: 'read-only-storage' },
            { name: 'weights', kind: 'read-only-storage' },
            { name: 'z', kind: 'storage' },
            { name: 'partial', kind: 'storage' },
          ],
    workgroups: (d) =>
      stage === 'project'
        ? [Math.ceil((2 * cfg.C) / 64), Math.ceil((d.S * d.N) / 64), 1]
        : [Math.ceil(d.N / 8), Math.ceil(d.rows / 8), d.rows > 0 ? Math.ceil(d.cz / 128) : 0],
    uniforms: (d) => {
      if (d.r0 + d.rows > d.N) throw new RangeError(`outer product mean: rows ${d.r0}+${d.rows} > N=${d.N}`);
      const s0 = d.s0 ?? 0;
      const u = new Uint32Array(20);
      const f = new Float32Array(u.buffer);
      const flags = (d.readPartial ? 1 : 0) | (d.final === false ? 0 : 2);
      u.set([d.N, d.S, d.r0, d.rows, d.cz, cfg.C * cfg.C * d.cz]);
      f[6] = d.eps ?? OUTER_PRODUCT_MEAN_EPS;
      u.set([s0, d.sTotal ?? d.S, flags, s0 * d.N, d.S * d.N, d.cm], 7);
      f[13] = LN_EPS;
      return u;
    },
  };
}

export interface OuterProductMeanBuffers {
  /** [N_seq, N_res, c_m] */
  m: GPUBuffer;
  /** [N_seq, N_res] */
  mask: GPUBuffer;
  /** [N_res, N_res, c_z], updated in place. */
  z: GPUBuffer;
  /** Scratch [seqChunk, N_res, 2C]. */
  ab: GPUBuffer;
  /** Scratch [N_res, N_res, c_z]; needed only with more than one sequence chunk. */
  partial?: GPUBuffer;
}

export interface OuterProductMeanOptions {
  /** Output rows i per window (default N). */
  rows?: number;
  /** Sequences staged per step (default 2). */
  sb?: number;
  /** Sequences per chunk (default all, capped so the project grid fits the device). */
  seqChunk?: number;
  /** Element type of m and z (default f32). */
  act?: StorageType;
  /** Output rows i to update (default all). */
  range?: LineRange;
  /** Called after each final output window with one past its last row. */
  onRows?: (end: number) => void;
}

/** Sequences per chunk: `wanted` (default all), at most what keeps project's grid ≤ the limit. */
export function outerProductMeanSeqChunk(
  S: number,
  N: number,
  maxWorkgroupsPerDimension: number,
  wanted = S,
): number {
  const cap = Math.max(1, Math.floor((maxWorkgroupsPerDimension * 64) / Math.max(N, 1)));
  return Math.max(1, Math.min(wanted, S, cap));
}

/**
 * Records z += OuterProductMean(m, mask) (Algorithm 10). Returns the number of dispatches.
 * The kernel's workgroup memory is checked against the device before anything is recorded.
 */
export async function recordOuterProductMean(
  rec: Recorder,
  N: number,
  S: number,
  w: OuterProductMeanDeviceWeights,
  bufs: OuterProductMeanBuffers,
  opts: OuterProductMeanOptions = {},
): Promise<number> {
  const before = rec.dispatches;
  const cfg = { C: w.C, sb: opts.sb, act: opts.act };
  const shared = outerProductMeanSharedBytes(cfg);
  const { device } = rec.ctx;
  const limit = device.limits.maxComputeWorkgroupStorageSize;
  if (shared > limit) {
    throw new DeviceLimitError(
      'maxComputeWorkgroupStorageSize',
      shared,
      limit,
      `outer product mean (C=${w.C})`,
    );
  }
  const chunk = outerProductMeanSeqChunk(S, N, device.limits.maxComputeWorkgroupsPerDimension, opts.seqChunk);
  if (chunk < S && !bufs.partial)
    throw new Error('outer product mean: sequence chunks need a partial buffer');
  const project = outerProductMeanKernel(cfg, 'project');
  const main = outerProductMeanKernel(cfg, 'main');
  const unused = unusedBinding(device);
  const rows = Math.max(1, Math.min(opts.rows ?? N, N));
  const base = { N, cz: w.cz, cm: w.cm, sTotal: S };
  const range = linesOf(N, opts.range);
  for (let s0 = 0; s0 < S; s0 += chunk) {
    const sc = Math.min(chunk, S - s0);
    // [sc, N_res, 2C] = LayerNorm(m) · [W_left | W_right] + [b_left | b_right]  (lines 1–2, unmasked)
    await rec.dispatch(
      project,
      { ...base, S: sc, s0, r0: 0, rows: 0 },
      { m: bufs.m, lnScale: w.lnScale, lnOffset: w.lnOffset, projW: w.projW, projB: w.projB, ab: bufs.ab },
    );
    // [rows, N_res, c_z] z += outer product mean, or partial sums  (lines 3–5)
    const last = s0 + sc >= S;
    for (let r0 = range.start; r0 < range.end; r0 += rows) {
      await rec.dispatch(
        main,
        { ...base, S: sc, s0, readPartial: s0 > 0, final: last, r0, rows: Math.min(rows, range.end - r0) },
        { ab: bufs.ab, mask: bufs.mask, weights: w.out, z: bufs.z, partial: bufs.partial ?? unused },
      );
      if (last) opts.onRows?.(Math.min(r0 + rows, range.end));
    }
  }
  return rec.dispatches - before;
}
