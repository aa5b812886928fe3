/**
 * Fused gated attention core (shaders/attention.wgsl) as a descriptor, its launch configuration
 * and a helper that records one launch: one dispatch per attention core call. Reference and
 * addressing (strides, module layouts): attention.ref.ts.
 */

import attentionWgsl from '../../../shaders/attention.wgsl?raw';
import type { KernelDescriptor } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import {
  type AttentionDims,
  type AttentionFeatures,
  type ResolvedAttentionDims,
  resolveAttentionDims,
} from './attention.ref.ts';
import { unusedBinding } from './matmul.ts';

export {
  type AttentionDims,
  type AttentionFeatures,
  type AttentionLayout,
  attentionLayout,
  attentionRef,
  resolveAttentionDims,
} from './attention.ref.ts';

/** Workgroups per grid row: WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
const GRID_X = 65535;

/** Largest key tile accepted (workgroup memory grows with it). */
const MAX_TILE_KEYS = 64;

export type AttentionMode = 'tiled' | 'direct';

export interface AttentionConfig {
  /** `tiled`: shared K/V/bias tiles, one query per invocation; `direct`: one (b, i, h) row per invocation. */
  mode: AttentionMode;
  /** Invocations per workgroup (queries per tile when tiled). */
  queriesPerGroup: number;
  /** Keys per shared tile (tiled only), ≤ 64. */
  keysPerTile: number;
  /** Whole-vec4 loads of q, k, v, g. */
  vec4: boolean;
}

/** Queries below which the tiled kernel would leave most of a workgroup idle. */
export const DIRECT_MAX_QUERIES = 8;

/** Workgroup memory of the tiled kernel, bytes. */
export function tiledSharedBytes(headDim: number, qt: number, tk: number, bias: boolean): number {
  const d4 = Math.ceil(headDim / 4);
  return 4 * (2 * tk * d4 * 4 + (bias ? qt * (tk + 1) : 1) + tk);
}

/** Whether whole-vec4 loads are valid: head width, strides and offsets of q, k, v, g multiples of 4. */
export function attentionVec4(d: ResolvedAttentionDims, f: AttentionFeatures): boolean {
  const views = [d.q, d.k, d.v, ...(f.gate ? [d.gate] : [])];
  return (
    d.headDim % 4 === 0 &&
    views.every(
      (v) => v.offset % 4 === 0 && v.strideB % 4 === 0 && v.strideL % 4 === 0 && v.strideH % 4 === 0,
    )
  );
}

/**
 * Launch configuration: `direct` for tiny query counts (template attention's single query,
 * single-sequence MSA columns), else `tiled` with 64 queries (32 for ≤ 32 queries) per workgroup
 * and 32 keys per tile (16 if the workgroup memory limit requires it).
 */
export function attentionConfig(
  dims: AttentionDims,
  f: AttentionFeatures,
  maxWorkgroupStorage = 16384,
): AttentionConfig {
  const d = resolveAttentionDims(dims);
  const vec4 = attentionVec4(d, f);
  if (d.queries <= DIRECT_MAX_QUERIES) return { mode: 'direct', queriesPerGroup: 64, keysPerTile: 0, vec4 };
  const qt = d.queries <= 32 ? 32 : 64;
  let tk = 32;
  while (tk > 4 && tiledSharedBytes(d.headDim, qt, tk, f.bias) > maxWorkgroupStorage) tk /= 2;
  return { mode: 'tiled', queriesPerGroup: qt, keysPerTile: tk, vec4 };
}

function grid(groups: number): [number, number, number] {
  const x = Math.min(groups, GRID_X);
  return [x, x === 0 ? 0 : Math.ceil(groups / x), 1];
}

function groupCount(d: ResolvedAttentionDims, cfg: AttentionConfig): number {
  if (cfg.mode === 'direct') return Math.ceil((d.batch * d.queries * d.heads) / cfg.queriesPerGroup);
  return Math.ceil(d.queries / cfg.queriesPerGroup) * d.heads * d.batch;
}

function packParams(dims: AttentionDims, cfg: AttentionConfig): Uint32Array {
  const d = resolveAttentionDims(dims);
  const u = new Uint32Array(36);
  const rows = [d.q, d.k, d.v, d.gate, d.out];
  u.set([d.batch, d.queries, d.keys, d.heads]);
  for (const [n, r] of rows.entries()) u.set([r.offset, r.strideB, r.strideL, r.strideH], 4 + 4 * n);
  u.set([d.bias.offset, d.bias.strideQ, d.bias.strideK, d.bias.strideH], 24);
  u.set([d.mask.offset, d.mask.strideB, d.mask.strideK, grid(groupCount(d, cfg))[0]], 28);
  new Float32Array(u.buffer)[32] = d.scale;
  u[33] = Math.ceil(d.queries / Math.max(1, cfg.queriesPerGroup));
  return u;
}

export const ATTENTION_BINDINGS = [
  { name: 'qBuf', kind: 'read-only-storage' },
  { name: 'kBuf', kind: 'read-only-storage' },
  { name: 'vBuf', kind: 'read-only-storage' },
  { name: 'gBuf', kind: 'read-only-storage' },
  { name: 'bias', kind: 'read-only-storage' },
  { name: 'mask', kind: 'read-only-storage' },
  { name: 'out', kind: 'storage' },
  { name: 'params', kind: 'uniform' },
] as const;

/** The kernel for one head width, feature set and configuration. */
export function attentionKernel(
  headDim: number,
  f: AttentionFeatures,
  cfg: AttentionConfig,
): KernelDescriptor<AttentionDims> {
  const qt = cfg.queriesPerGroup;
  if (!Number.isInteger(qt) || qt < 1 || qt > 256) throw new RangeError(`attention: queriesPerGroup ${qt}`);
  const constants: Record<string, number> = {
    HEAD_DIM: headDim,
    QT: qt,
    HAS_BIAS: f.bias ? 1 : 0,
    HAS_MASK: f.mask ? 1 : 0,
    HAS_GATE: f.gate ? 1 : 0,
    VEC4: cfg.vec4 ? 1 : 0,
  };
  if (cfg.mode === 'tiled') {
    const tk = cfg.keysPerTile;
    if (!Number.isInteger(tk) || tk < 1 || tk > MAX_TILE_KEYS)
      throw new RangeError(`attention: keysPerTile ${tk} not in 1…${MAX_TILE_KEYS}`);
    constants.TK = tk;
  }
  return {
    name: 'attention',
    source: attentionWgsl,
    entryPoint: cfg.mode === 'tiled' ? 'main' : 'direct',
    constants,
    bindings: ATTENTION_BINDINGS,
    workgroups: (dims) => grid(groupCount(resolveAttentionDims(dims), cfg)),
    uniforms: (dims) => packParams(dims, cfg),
  };
}

export interface AttentionBuffers {
  /** Projected queries, keys, values (see the views of AttentionDims). */
  q: GPUBuffer;
  k: GPUBuffer;
  v: GPUBuffer;
  /** Gate pre-activations; sigmoid is applied in the kernel. Absent = ungated. */
  gate?: GPUBuffer;
  /** Additive per-head bias [L_q, L_k, H] (pair / triangle bias). Absent = none. */
  bias?: GPUBuffer;
  /** Key mask (1 attend, 0 masked). Absent = all keys attended. */
  mask?: GPUBuffer;
  /** Output; must not alias an input. */
  out: GPUBuffer;
}

export function attentionFeatures(bufs: Omit<AttentionBuffers, 'q' | 'k' | 'v' | 'out'>): AttentionFeatures {
  return { bias: !!bufs.bias, mask: !!bufs.mask, gate: !!bufs.gate };
}

/** Records one fused attention dispatch into `rec`. Which inputs are present picks the variant. */
export async function recordAttention(
  rec: Recorder,
  dims: AttentionDims,
  bufs: AttentionBuffers,
  cfg?: AttentionConfig,
): Promise<void> {
  const d = resolveAttentionDims(dims);
  const f = attentionFeatures(bufs);
  const config = cfg ?? attentionConfig(d, f, rec.ctx.device.limits.maxComputeWorkgroupStorageSize);
  const dummy = unusedBinding(rec.ctx.device);
  await rec.dispatch(attentionKernel(d.headDim, f, config), d, {
    qBuf: bufs.q,
    kBuf: bufs.k,
    vBuf: bufs.v,
    gBuf: bufs.gate ?? dummy,
    bias: bufs.bias ?? dummy,
    mask: bufs.mask ?? dummy,
    out: bufs.out,
  });
}
