/**
 * LayerNorm kernel (shaders/layernorm.wgsl) as a descriptor, its launch configuration and a
 * helper that records one launch. Reference: layernorm.ref.ts.
 */

import layernormWgsl from '../../../shaders/layernorm.wgsl?raw';
import type { KernelDescriptor, StorageType } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { type LayerNormDims, resolveLayerNormDims } from './layernorm.ref.ts';

export { AF2_LAYERNORM_EPS, type LayerNormDims } from './layernorm.ref.ts';

export interface LayerNormConfig {
  /** Invocations per workgroup. */
  workgroupSize: number;
  /** Invocations per row, a power of two ≤ workgroupSize. */
  threadsPerRow: number;
  /** Element type of x (default f32). */
  xType?: StorageType;
  /** Element type of y (default f32). */
  yType?: StorageType;
}

/** Workgroups per grid row: WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
const GRID_X = 65535;

/**
 * At least 8 channels per invocation and at most 32 invocations (one warp on most GPUs) per row,
 * so AF2's C = 128 / 256 / 384 (c_z / c_m / c_s) each get 16–32 lanes and a 128-wide workgroup
 * normalises 4–8 rows; tiny C packs up to 128 rows per workgroup.
 */
export function layerNormConfig(
  C: number,
  workgroupSize = 128,
  xType: StorageType = 'f32',
  yType: StorageType = 'f32',
): LayerNormConfig {
  let t = 1;
  while (t < Math.min(32, workgroupSize) && t * 8 < C) t *= 2;
  return { workgroupSize, threadsPerRow: t, xType, yType };
}

export function layerNormKernel(cfg: LayerNormConfig): KernelDescriptor<LayerNormDims> {
  const { workgroupSize: wg, threadsPerRow: tpr } = cfg;
  if (tpr < 1 || (tpr & (tpr - 1)) !== 0 || tpr > wg || wg % tpr !== 0) {
    throw new RangeError(
      `layernorm: threadsPerRow ${tpr} must be a power of two dividing workgroupSize ${wg}`,
    );
  }
  const groups = (dims: LayerNormDims) => Math.ceil(resolveLayerNormDims(dims).rows / (wg / tpr));
  return {
    name: 'layernorm',
    source: layernormWgsl,
    constants: { WG: wg, THREADS_PER_ROW: tpr },
    types: { x_t: cfg.xType ?? 'f32', y_t: cfg.yType ?? 'f32' },
    bindings: [
      { name: 'x', kind: 'read-only-storage' },
      { name: 'scale', kind: 'read-only-storage' },
      { name: 'offset', kind: 'read-only-storage' },
      { name: 'y', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: (dims) => {
      const g = groups(dims);
      const x = Math.min(g, GRID_X);
      return [x, x === 0 ? 0 : Math.ceil(g / x), 1];
    },
    uniforms: (dims) => {
      const d = resolveLayerNormDims(dims);
      const g = groups(d);
      const u = new Uint32Array(8);
      u[0] = d.rows;
      u[1] = d.C;
      new Float32Array(u.buffer)[2] = d.eps;
      u.set([Math.min(g, GRID_X), d.groupRows, d.groupStride, d.offset], 3);
      return u;
    },
  };
}

export interface LayerNormBuffers {
  /** [rows, C] */
  x: GPUBuffer;
  /** [C] */
  scale: GPUBuffer;
  /** [C] */
  offset: GPUBuffer;
  /** [rows, C]; must not be x. */
  y: GPUBuffer;
}

/** Records y = LayerNorm(x) · scale + offset into `rec` (x stored as `xType`, y f32). */
export async function recordLayerNorm(
  rec: Recorder,
  dims: LayerNormDims,
  bufs: LayerNormBuffers,
  cfg: LayerNormConfig = layerNormConfig(dims.C),
): Promise<void> {
  await rec.dispatch(layerNormKernel(cfg), resolveLayerNormDims(dims), { ...bufs });
}
