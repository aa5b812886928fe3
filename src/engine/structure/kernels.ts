/**
 * Structure-module and head kernels as descriptors (shaders/ipa.wgsl, backbone_update.wgsl,
 * angle_resnet.wgsl, all_atom.wgsl, heads.wgsl). Compile-time sizes (heads, channels, bins) are
 * `override` constants, so one pipeline serves every N_res; N_res goes in the uniform `params`.
 *
 * Grids (src/engine/plan/workgroups.ts conventions):
 *   ipa, angle_resnet     one workgroup per residue                      → [N, 1, 1]
 *   backbone_update,      one invocation per residue ("elementwise" over residues)
 *   all_atom, plddt                                                      → [⌈N/WG⌉, 1, 1]
 *   pae_tm                16 pairs per workgroup, folded like `rows`     → [min(g, 65535), ⌈g/65535⌉, 1]
 *   ptm_reduce            one workgroup                                  → [1, 1, 1]
 */
import allAtomWgsl from '../../../shaders/all_atom.wgsl?raw';
import angleResnetWgsl from '../../../shaders/angle_resnet.wgsl?raw';
import backboneUpdateWgsl from '../../../shaders/backbone_update.wgsl?raw';
import headsWgsl from '../../../shaders/heads.wgsl?raw';
import ipaWgsl from '../../../shaders/ipa.wgsl?raw';
import type { KernelDescriptor, StorageType } from '../../gpu/kernel.ts';
import { GRID_FOLD } from '../plan/workgroups.ts';

/** Floats per residue frame record: quaternion (4) | translation (3) | rotation row-major (9). */
export const FRAME_STRIDE = 16;

export interface IpaShape {
  H: number;
  C: number;
  Cv: number;
  Pq: number;
  Pv: number;
  cZ: number;
}

/** Width of one row of the concatenated q/kv projections (ipa.wgsl `proj`). */
export function ipaProjWidth(d: IpaShape): number {
  return d.H * d.C + d.H * (d.C + d.Cv) + 3 * d.H * d.Pq + 3 * d.H * (d.Pq + d.Pv);
}

/** Width of the IPA output features (the output projection's input). */
export function ipaFeatureWidth(d: IpaShape): number {
  return d.H * d.Cv + 4 * d.H * d.Pv + d.H * d.cZ;
}

const u4 = (...xs: number[]) => Uint32Array.from([...xs, 0, 0, 0, 0].slice(0, 4));

function u32f32(a: number, b: number, c = 0, d = 0): Uint32Array {
  const u = new Uint32Array(4);
  const f = new Float32Array(u.buffer);
  u[0] = a;
  f[1] = b;
  f[2] = c;
  f[3] = d;
  return u;
}

export interface ResidueDims {
  N: number;
}

/** zType: the element type of LN(z) (f32, or f16 storage). */
export function ipaKernel(
  d: IpaShape,
  wg = 128,
  tileKeys = 32,
  zType: StorageType = 'f32',
): KernelDescriptor<ResidueDims> {
  return {
    name: 'ipa',
    types: { z_t: zType },
    source: ipaWgsl,
    constants: { WG: wg, TJ: tileKeys, H: d.H, C: d.C, CV: d.Cv, PQ: d.Pq, PV: d.Pv, CZ: d.cZ },
    bindings: [
      { name: 'proj', kind: 'read-only-storage' },
      { name: 'frames', kind: 'read-only-storage' },
      { name: 'bias', kind: 'read-only-storage' },
      { name: 'z', kind: 'read-only-storage' },
      { name: 'mask', kind: 'read-only-storage' },
      { name: 'tpw', kind: 'read-only-storage' },
      { name: 'out', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => [N, 1, 1],
    uniforms: ({ N }) => u4(N),
  };
}

export interface ScaledResidueDims {
  N: number;
  /** AF2 position_scale (internal units → Å). */
  positionScale: number;
}

export function backboneUpdateKernel(cS: number, wg = 64): KernelDescriptor<ScaledResidueDims> {
  return {
    name: 'backbone_update',
    source: backboneUpdateWgsl,
    constants: { WG: wg, CS: cS },
    bindings: [
      { name: 's', kind: 'read-only-storage' },
      { name: 'w', kind: 'read-only-storage' },
      { name: 'b', kind: 'read-only-storage' },
      { name: 'frames', kind: 'storage' },
      { name: 'update', kind: 'storage' },
      { name: 'affine', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => [Math.ceil(N / wg), 1, 1],
    uniforms: ({ N, positionScale }) => u32f32(N, positionScale),
  };
}

export interface AngleResnetShape {
  cS: number;
  /** hidden channels */
  c: number;
  blocks: number;
  /** 2 × number of torsions (14) */
  outputs: number;
}

export function angleResnetKernel(d: AngleResnetShape, wg = 128): KernelDescriptor<ResidueDims> {
  return {
    name: 'angle_resnet',
    source: angleResnetWgsl,
    constants: { WG: wg, CS: d.cS, CH: d.c, NB: d.blocks, NA: d.outputs },
    bindings: [
      { name: 's', kind: 'read-only-storage' },
      { name: 'sInit', kind: 'read-only-storage' },
      { name: 'w', kind: 'read-only-storage' },
      { name: 'unnorm', kind: 'storage' },
      { name: 'angles', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => [N, 1, 1],
    uniforms: ({ N }) => u4(N),
  };
}

export function allAtomKernel(wg = 64): KernelDescriptor<ScaledResidueDims> {
  return {
    name: 'all_atom',
    source: allAtomWgsl,
    constants: { WG: wg },
    bindings: [
      { name: 'aatype', kind: 'read-only-storage' },
      { name: 'frames', kind: 'read-only-storage' },
      { name: 'angles', kind: 'read-only-storage' },
      { name: 'tables', kind: 'read-only-storage' },
      { name: 'groupFrames', kind: 'storage' },
      { name: 'atom14', kind: 'storage' },
      { name: 'atom37', kind: 'storage' },
      { name: 'mask37', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => [Math.ceil(N / wg), 1, 1],
    uniforms: ({ N, positionScale }) => u32f32(N, positionScale),
  };
}

export function plddtKernel(bins: number, wg = 64): KernelDescriptor<ResidueDims> {
  return {
    name: 'heads',
    source: headsWgsl,
    entryPoint: 'plddt_expectation',
    constants: { WG: wg, NBINS: bins },
    types: { z_t: 'f32' },
    bindings: [
      { name: 'lddtLogits', kind: 'read-only-storage' },
      { name: 'plddt', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => [Math.ceil(N / wg), 1, 1],
    uniforms: ({ N }) => u4(N),
  };
}

/** pairs per pae_tm workgroup (heads.wgsl `PAIRS`). */
export const PAE_PAIRS_PER_WORKGROUP = 16;

export interface PaeDims {
  N: number;
  /** Å, AF2 max_error_bin (31) */
  maxErrorBin: number;
  /** TM-score d0 for N */
  d0: number;
}

function paeGroups(N: number): [number, number, number] {
  const g = Math.ceil((N * N) / PAE_PAIRS_PER_WORKGROUP);
  if (g === 0) return [0, 0, 1];
  const x = Math.min(g, GRID_FOLD);
  return [x, Math.ceil(g / x), 1];
}

/** zType: the element type of z (f32, or f16 storage). */
export function paeTmKernel(cZ: number, bins: number, zType: StorageType = 'f32'): KernelDescriptor<PaeDims> {
  if (bins > 256) throw new RangeError(`pae_tm: ${bins} bins > 256 invocations per workgroup`);
  return {
    name: 'heads',
    source: headsWgsl,
    entryPoint: 'pae_tm',
    constants: { NBINS: bins, CZ: cZ },
    types: { z_t: zType },
    bindings: [
      { name: 'zPair', kind: 'read-only-storage' },
      { name: 'paeW', kind: 'read-only-storage' },
      { name: 'paeB', kind: 'read-only-storage' },
      { name: 'pae', kind: 'storage' },
      { name: 'tmPair', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ N }) => paeGroups(N),
    uniforms: ({ N, maxErrorBin, d0 }) => {
      const u = new Uint32Array(4);
      const f = new Float32Array(u.buffer);
      u[0] = N * N;
      u[1] = paeGroups(N)[0];
      f[2] = maxErrorBin;
      f[3] = d0;
      return u;
    },
  };
}

export function ptmReduceKernel(bins: number, wg = 64): KernelDescriptor<PaeDims> {
  if ((wg & (wg - 1)) !== 0) throw new RangeError(`ptm_reduce: WG ${wg} is not a power of two`);
  return {
    name: 'heads',
    source: headsWgsl,
    entryPoint: 'ptm_reduce',
    constants: { WG: wg, NBINS: bins },
    types: { z_t: 'f32' },
    bindings: [
      { name: 'tmIn', kind: 'read-only-storage' },
      { name: 'ptmOut', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: () => [1, 1, 1],
    uniforms: ({ N, maxErrorBin }) => {
      const u = new Uint32Array(4);
      u[0] = N;
      new Float32Array(u.buffer)[2] = maxErrorBin;
      u[3] = bins;
      return u;
    },
  };
}
