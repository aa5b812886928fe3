/**
 * MSA column global attention core (shaders/global_attention.wgsl, AF2 Alg. 19 lines 2–7) as a
 * descriptor and a helper that records one launch (one dispatch, one workgroup per column).
 * Reference and addressing: global-attention.ref.ts.
 */

import globalAttentionWgsl from '../../../shaders/global_attention.wgsl?raw';
import type { KernelDescriptor } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import {
  type GlobalAttentionDims,
  type ResolvedGlobalAttentionDims,
  resolveGlobalAttentionDims,
} from './global-attention.ref.ts';
import { unusedBinding } from './matmul.ts';

export {
  GLOBAL_ATTENTION_EPS,
  type GlobalAttentionDims,
  globalAttentionRef,
  msaColumnGlobalLayout,
  resolveGlobalAttentionDims,
} from './global-attention.ref.ts';

const GRID_X = 65535;

export interface GlobalAttentionConfig {
  /** Invocations per workgroup (≥ heads). */
  workgroupSize: number;
  /** Whole-vec4 loads of k and v (q is read once per column, by component). */
  vec4: boolean;
}

/** 64 invocations (more for > 64 heads); vec4 loads of k, v when head width, strides, offsets allow. */
export function globalAttentionConfig(dims: GlobalAttentionDims): GlobalAttentionConfig {
  const d = resolveGlobalAttentionDims(dims);
  const vec4 =
    d.headDim % 4 === 0 &&
    [d.k, d.v].every((v) => v.offset % 4 === 0 && v.strideB % 4 === 0 && v.strideL % 4 === 0);
  return { workgroupSize: Math.max(64, 2 ** Math.ceil(Math.log2(d.heads))), vec4 };
}

function grid(groups: number): [number, number, number] {
  const x = Math.min(groups, GRID_X);
  return [x, x === 0 ? 0 : Math.ceil(groups / x), 1];
}

function packParams(d: ResolvedGlobalAttentionDims): Uint32Array {
  const u = new Uint32Array(28);
  u.set([d.batch, d.seqs, grid(d.batch)[0], 0]);
  u.set([d.q.offset, d.q.strideB, d.q.strideL, d.q.strideH], 4);
  u.set([d.k.offset, d.k.strideB, d.k.strideL], 8);
  u.set([d.v.offset, d.v.strideB, d.v.strideL], 11);
  u.set([d.gate.offset, d.gate.strideB, d.gate.strideL, d.gate.strideH], 14);
  u.set([d.out.offset, d.out.strideB, d.out.strideL, d.out.strideH], 18);
  u.set([d.mask.offset, d.mask.strideB, d.mask.strideK], 22);
  const f = new Float32Array(u.buffer);
  f[25] = d.scale;
  f[26] = d.eps;
  return u;
}

export const GLOBAL_ATTENTION_BINDINGS = [
  { name: 'qBuf', kind: 'read-only-storage' },
  { name: 'kBuf', kind: 'read-only-storage' },
  { name: 'vBuf', kind: 'read-only-storage' },
  { name: 'gate', kind: 'read-only-storage' },
  { name: 'mask', kind: 'read-only-storage' },
  { name: 'out', kind: 'storage' },
  { name: 'params', kind: 'uniform' },
] as const;

export function globalAttentionKernel(
  heads: number,
  headDim: number,
  gated: boolean,
  cfg: GlobalAttentionConfig,
): KernelDescriptor<GlobalAttentionDims> {
  if (heads > cfg.workgroupSize)
    throw new RangeError(`global attention: ${heads} heads exceed the workgroup of ${cfg.workgroupSize}`);
  return {
    name: 'global_attention',
    source: globalAttentionWgsl,
    constants: {
      HEAD_DIM: headDim,
      HEADS: heads,
      WG: cfg.workgroupSize,
      HAS_GATE: gated ? 1 : 0,
      VEC4: cfg.vec4 ? 1 : 0,
    },
    bindings: GLOBAL_ATTENTION_BINDINGS,
    workgroups: (dims) => grid(resolveGlobalAttentionDims(dims).batch),
    uniforms: (dims) => packParams(resolveGlobalAttentionDims(dims)),
  };
}

export interface GlobalAttentionBuffers {
  /** Per-sequence query projection [b, s, h, c] (the kernel takes the masked mean). */
  q: GPUBuffer;
  /** Single-head keys and values [b, s, c]. */
  k: GPUBuffer;
  v: GPUBuffer;
  /** Gate pre-activations [b, s, h, c]; absent = ungated. */
  gate?: GPUBuffer;
  /** [b, s], 1 attend, 0 masked. */
  mask: GPUBuffer;
  /** [b, s, h, c]; must not alias an input. */
  out: GPUBuffer;
}

/** Records one global attention dispatch into `rec`. */
export async function recordGlobalAttention(
  rec: Recorder,
  dims: GlobalAttentionDims,
  bufs: GlobalAttentionBuffers,
  cfg?: GlobalAttentionConfig,
): Promise<void> {
  const d = resolveGlobalAttentionDims(dims);
  const gated = !!bufs.gate;
  const config = cfg ?? globalAttentionConfig(d);
  await rec.dispatch(globalAttentionKernel(d.heads, d.headDim, gated, config), d, {
    qBuf: bufs.q,
    kBuf: bufs.k,
    vBuf: bufs.v,
    gate: bufs.gate ?? unusedBinding(rec.ctx.device),
    mask: bufs.mask,
    out: bufs.out,
  });
}
