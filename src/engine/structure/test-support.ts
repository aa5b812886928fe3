/**
 * Test support for the structure-module GPU tests (Node only; never imported by non-test code):
 * a device, seeded inputs, uploads and readbacks.
 */
import { BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { type QuatAffines, quatAffinesFrom } from '../../model/geometry/quat-affine.ts';
import { seededArray } from '../kernels/check.ts';
import { FRAME_STRIDE } from './kernels.ts';

export interface Env {
  ctx: GpuContext;
  cache: PipelineCache;
  pool: BufferPool;
}

/** A real Dawn device; no device → the test fails with the driver help (never skips). */
export async function acquireEnv(label: string): Promise<Env> {
  const ctx = await acquireNodeDevice({ label });
  return { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
}

export function releaseEnv(env: Env | undefined): void {
  env?.pool.destroy();
  env?.ctx.device.destroy();
}

/** Seeded normalised frames, translations in [−tMax, tMax). */
export function randomQuatAffines(N: number, seed: number, tMax = 2): QuatAffines {
  const q = seededArray(N * 4, seed, -1, 1);
  for (let i = 0; i < N; i++) q[i * 4] += 1.5; // keep away from zero norm
  const t = seededArray(N * 3, seed + 1, -tMax, tMax);
  return quatAffinesFrom(q, t, N, true);
}

/** Frames in the GPU record layout [N, 16]: quaternion | translation | rotation. */
export function frameRecords(a: QuatAffines): Float32Array {
  const out = new Float32Array(Math.max(1, a.count) * FRAME_STRIDE);
  for (let i = 0; i < a.count; i++) {
    const o = i * FRAME_STRIDE;
    for (let c = 0; c < 4; c++) out[o + c] = a.quat[i * 4 + c];
    for (let c = 0; c < 3; c++) out[o + 4 + c] = a.trans[i * 3 + c];
    for (let c = 0; c < 9; c++) out[o + 7 + c] = a.rot[i * 9 + c];
  }
  return out;
}

/** Mask with some zeros (every third residue from 1, and never all of them for N > 1). */
export function testMask(N: number): Float32Array {
  const m = new Float32Array(N).fill(1);
  for (let i = 1; i < N; i += 3) m[i] = 0;
  if (N === 1) m[0] = 0;
  return m;
}

export async function read(env: Env, buf: GPUBuffer, length: number): Promise<Float32Array> {
  return readFloat32(env.ctx.device, buf, length);
}

/** max |got − want| over entries where `keep(index)` (all by default). */
export function maxAbsDiff(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  keep: (k: number) => boolean = () => true,
): { err: number; scale: number } {
  let err = 0;
  let scale = 0;
  for (let k = 0; k < want.length; k++) {
    if (!keep(k)) continue;
    const d = Math.abs(got[k] - want[k]);
    if (!(d <= err)) err = d;
    scale = Math.max(scale, Math.abs(want[k]));
  }
  return { err, scale };
}
