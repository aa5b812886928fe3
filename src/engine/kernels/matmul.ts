/**
 * Matrix multiply kernels (shaders/matmul.wgsl, shaders/matmul_naive.wgsl) as descriptors, and a
 * helper that records one launch.
 *
 *   C[b, m, n] = epilogue(sum_k A[b, m, k] · B[b, k, n] (+ bias[n]))   — see matmul.ref.ts
 *
 * The tiled kernel is the one the engine uses; the naive one (one output per invocation, no shared
 * memory) is the correctness and speed baseline of `npm run bench`.
 */

import matmulWgsl from '../../../shaders/matmul.wgsl?raw';
import matmulNaiveWgsl from '../../../shaders/matmul_naive.wgsl?raw';
import { type KernelDescriptor, type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { BufferUsage } from '../../gpu/usage.ts';
import {
  EPILOGUE_CODE,
  type Epilogue,
  epilogueReadsE,
  type MatmulDims,
  type ResolvedMatmulDims,
  resolveMatmulDims,
} from './matmul.ref.ts';

export { EPILOGUES, type Epilogue, type MatmulDims, resolveMatmulDims } from './matmul.ref.ts';

/** Tile shape of the tiled kernel: WG_X × WG_Y invocations, 4 × 4 outputs each, K step TILE_K. */
export interface MatmulTile {
  wgX: number;
  wgY: number;
  /** Multiple of 4. */
  tileK: number;
}

/** 16 × 16 invocations → 64 × 64 outputs per workgroup, K in steps of 16 (8 KiB shared memory). */
export const DEFAULT_TILE: MatmulTile = { wgX: 16, wgY: 16, tileK: 16 };

export interface MatmulOptions {
  epilogue?: Epilogue;
  /** Adds bias[n] before the epilogue. */
  bias?: boolean;
  /** Tiled kernel only: whole-vec4 loads of A (lda, strideA, K multiples of 4). See `vec4Flags`. */
  vec4A?: boolean;
  /** Tiled kernel only: whole-vec4 loads of B (ldb, strideB, N multiples of 4). */
  vec4B?: boolean;
  tile?: MatmulTile;
  /** Tiled kernel only: storage types of A, E and C (default f32); B and bias are f32. */
  types?: MatmulTypes;
}

/** Element types of the activation operands (f16: stored in half precision, f32 arithmetic). */
export interface MatmulTypes {
  a?: StorageType;
  e?: StorageType;
  c?: StorageType;
}

export const MATMUL_BINDINGS = [
  { name: 'a', kind: 'read-only-storage' },
  { name: 'b', kind: 'read-only-storage' },
  { name: 'bias', kind: 'read-only-storage' },
  { name: 'e', kind: 'read-only-storage' },
  { name: 'c', kind: 'storage' },
  { name: 'params', kind: 'uniform' },
] as const;

function packParams(dims: MatmulDims): Uint32Array {
  const d = resolveMatmulDims(dims);
  return Uint32Array.of(
    d.M,
    d.N,
    d.K,
    d.batch,
    d.lda,
    d.ldb,
    d.ldc,
    d.lde,
    d.strideA,
    d.strideB,
    d.strideC,
    d.strideE,
    d.offsetC,
    0,
    0,
    0,
  );
}

/** Which operands can use whole-vec4 loads for these sizes. */
export function vec4Flags(dims: MatmulDims): { vec4A: boolean; vec4B: boolean } {
  const d = resolveMatmulDims(dims);
  const q = (...xs: number[]) => xs.every((x) => x % 4 === 0);
  return {
    vec4A: q(d.K, d.lda) && (d.batch === 1 || q(d.strideA)),
    vec4B: q(d.N, d.ldb) && (d.batch === 1 || q(d.strideB)),
  };
}

/** The tiled kernel for one epilogue / bias / alignment variant. */
export function matmulKernel(opts: MatmulOptions = {}): KernelDescriptor<MatmulDims> {
  const epilogue = opts.epilogue ?? 'none';
  const tile = opts.tile ?? DEFAULT_TILE;
  if (tile.tileK % 4 !== 0 || tile.tileK <= 0)
    throw new RangeError(`matmul: tileK ${tile.tileK} is not a multiple of 4`);
  return {
    name: 'matmul',
    source: matmulWgsl,
    constants: {
      WG_X: tile.wgX,
      WG_Y: tile.wgY,
      TILE_K: tile.tileK,
      EPILOGUE: EPILOGUE_CODE[epilogue],
      HAS_BIAS: opts.bias ? 1 : 0,
      VEC4_A: opts.vec4A ? 1 : 0,
      VEC4_B: opts.vec4B ? 1 : 0,
    },
    types: { a_t: opts.types?.a ?? 'f32', e_t: opts.types?.e ?? 'f32', c_t: opts.types?.c ?? 'f32' },
    bindings: MATMUL_BINDINGS,
    workgroups: (dims) => {
      const d = resolveMatmulDims(dims);
      return [Math.ceil(d.N / (4 * tile.wgX)), Math.ceil(d.M / (4 * tile.wgY)), d.batch];
    },
    uniforms: packParams,
  };
}

/** The baseline: one output per invocation, WG × WG invocations per workgroup. */
export function matmulNaiveKernel(
  opts: Pick<MatmulOptions, 'epilogue' | 'bias'> = {},
  wg = 16,
): KernelDescriptor<MatmulDims> {
  return {
    name: 'matmul_naive',
    source: matmulNaiveWgsl,
    constants: {
      WG_X: wg,
      WG_Y: wg,
      EPILOGUE: EPILOGUE_CODE[opts.epilogue ?? 'none'],
      HAS_BIAS: opts.bias ? 1 : 0,
    },
    bindings: MATMUL_BINDINGS,
    workgroups: (dims) => {
      const d = resolveMatmulDims(dims);
      return [Math.ceil(d.N / wg), Math.ceil(d.M / wg), d.batch];
    },
    uniforms: packParams,
  };
}

export interface MatmulBuffers {
  a: GPUBuffer;
  b: GPUBuffer;
  bias?: GPUBuffer;
  /** Gate values (`gate`) or residual (`residual`). */
  e?: GPUBuffer;
  /** Output; also the residual for `residual-in-place`. Must not be `a`, `b`, `bias` or `e`. */
  c: GPUBuffer;
}

const unused = new WeakMap<GPUDevice, GPUBuffer>();

/** A 16-byte storage buffer bound where a variant does not read a binding (bias off, no E). */
export function unusedBinding(device: GPUDevice): GPUBuffer {
  let buf = unused.get(device);
  if (!buf) {
    buf = device.createBuffer({ label: 'matmul unused binding', size: 16, usage: BufferUsage.STORAGE });
    unused.set(device, buf);
  }
  return buf;
}

/** The bind-group buffers for `bufs`, with the dummy where the variant reads nothing. */
export function matmulBindings(
  device: GPUDevice,
  bufs: MatmulBuffers,
  opts: MatmulOptions,
): Record<string, GPUBuffer> {
  const epilogue = opts.epilogue ?? 'none';
  if (opts.bias && !bufs.bias) throw new Error('matmul: bias enabled but no bias buffer given');
  if (epilogueReadsE(epilogue) && !bufs.e) throw new Error(`matmul: epilogue '${epilogue}' needs buffer e`);
  const dummy = unusedBinding(device);
  return {
    a: bufs.a,
    b: bufs.b,
    bias: opts.bias ? bufs.bias! : dummy,
    e: epilogueReadsE(epilogue) ? bufs.e! : dummy,
    c: bufs.c,
  };
}

/** Tiled kernel with vec4 loads wherever `dims` allow them. */
export function matmulKernelFor(dims: MatmulDims, opts: MatmulOptions = {}): KernelDescriptor<MatmulDims> {
  return matmulKernel({ ...vec4Flags(dims), ...opts });
}

/**
 * Records C = epilogue(A·B + bias) into `rec` (tiled kernel unless `naive`). A single matrix
 * whose rows need more workgroups than one grid dimension allows (N_res² pair rows at
 * N_res = 2048) goes in several dispatches of row blocks: A and E bound at the block's offset,
 * C through offsetC.
 */
export async function recordMatmul(
  rec: Recorder,
  dims: MatmulDims,
  bufs: MatmulBuffers,
  opts: MatmulOptions & { naive?: boolean } = {},
): Promise<void> {
  const d: ResolvedMatmulDims = resolveMatmulDims(dims);
  const kernel = opts.naive ? matmulNaiveKernel(opts) : matmulKernelFor(d, opts);
  const bindings = matmulBindings(rec.ctx.device, bufs, opts);
  const maxGroups = rec.ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (d.batch !== 1 || kernel.workgroups(d)[1] <= maxGroups) {
    await rec.dispatch(kernel, d, bindings);
    return;
  }
  const probe = 1 << 20;
  const rowsPerGroup = probe / kernel.workgroups({ ...d, M: probe })[1];
  // row blocks of a multiple of 256 rows: every A and E offset is then 256-byte aligned
  const block = Math.floor((maxGroups * rowsPerGroup) / 256) * 256;
  const bytes = (t: StorageType | undefined) => storageBytes(t ?? 'f32');
  const aBytes = opts.naive ? 4 : bytes(opts.types?.a);
  const eBytes = opts.naive ? 4 : bytes(opts.types?.e);
  const readsE = epilogueReadsE(opts.epilogue ?? 'none');
  for (let r0 = 0; r0 < d.M; r0 += block) {
    const part = { ...d, M: Math.min(block, d.M - r0), offsetC: d.offsetC + r0 * d.ldc };
    await rec.dispatch(kernel, part, {
      ...bindings,
      a: { buffer: bufs.a, offset: r0 * d.lda * aBytes },
      ...(readsE ? { e: { buffer: bindings.e, offset: r0 * d.lde * eBytes } } : {}),
    });
  }
}
