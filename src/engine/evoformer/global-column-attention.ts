/**
 * Kernel descriptor of shaders/global_column_attention.wgsl: the core of MSA column global
 * attention (Algorithm 19, lines 2–3, 5–7), one workgroup per residue column. The LayerNorm
 * before, the fused k | v | g projection and the output projection after are layernorm.wgsl and
 * matmul.wgsl launches (see modules.ts).
 */
import globalWgsl from '../../../shaders/global_column_attention.wgsl?raw';
import type { KernelDescriptor } from '../../gpu/kernel.ts';
import { GLOBAL_ATTENTION_MEAN_EPS } from '../../model/reference/msa-column-global-attention.ts';

export interface GlobalColumnAttentionDims {
  nSeq: number;
  nRes: number;
  /** Floats per projected row (C + C_v + H·C_v). */
  width: number;
  eps?: number;
}

export interface GlobalColumnAttentionShape {
  /** Input channels (c_e). */
  cIn: number;
  heads: number;
  headDim: number;
}

/** Invocations per head: 64 invocations per workgroup where the head count divides 64. */
function lanesFor(heads: number): number {
  return Math.max(1, Math.floor(64 / heads));
}

export function globalColumnAttentionKernel(
  s: GlobalColumnAttentionShape,
): KernelDescriptor<GlobalColumnAttentionDims> {
  if (s.headDim > 32) throw new RangeError(`global column attention: head width ${s.headDim} > 32`);
  const lanes = lanesFor(s.heads);
  return {
    name: 'global_column_attention',
    source: globalWgsl,
    constants: { C_IN: s.cIn, HEADS: s.heads, HEAD_DIM: s.headDim, LANES: lanes },
    bindings: [
      { name: 'params', kind: 'uniform' },
      { name: 'x', kind: 'read-only-storage' },
      { name: 'proj', kind: 'read-only-storage' },
      { name: 'mask', kind: 'read-only-storage' },
      { name: 'queryW', kind: 'read-only-storage' },
      { name: 'out', kind: 'storage' },
    ],
    workgroups: (d) => [d.nRes, 1, 1],
    uniforms: (d) => {
      const u = new Uint32Array(8);
      const f = new Float32Array(u.buffer);
      u[0] = d.nSeq;
      u[1] = d.nRes;
      u[2] = d.width;
      f[3] = d.eps ?? GLOBAL_ATTENTION_MEAN_EPS;
      f[4] = 1 / Math.sqrt(s.headDim);
      return u;
    },
  };
}
