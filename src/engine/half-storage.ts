/**
 * Storage buffers in either storage type (f32, or f16 bits for activations stored in half
 * precision): upload, read-back and host rounding. The binary16 conversion is the parameter
 * packer's (src/model/params/f16.ts, round to nearest even as the GPU's f16 stores do).
 */
import { type BufferPool, readBuffer } from '../gpu/buffers.ts';
import type { StorageType } from '../gpu/kernel.ts';
import { fromHalf, toHalf } from '../model/params/f16.ts';

/** `x` as binary16 bits in a buffer of its own (writeBuffer needs an ArrayBuffer view). */
export function halfBits(x: ArrayLike<number>): Uint16Array<ArrayBuffer> {
  return toHalf(x, new Uint16Array(x.length)) as Uint16Array<ArrayBuffer>;
}

/** `x` rounded through storage type `t` (only f32 rounding for f32). */
export function roundTo(t: StorageType, x: ArrayLike<number>): Float32Array {
  return t === 'f16' ? Float32Array.from(fromHalf(halfBits(x))) : Float32Array.from(x);
}

/** A storage buffer holding `data` stored as `t`. */
export function uploadAs(pool: BufferPool, t: StorageType, data: Float32Array, label: string): GPUBuffer {
  return pool.upload(t === 'f16' ? halfBits(data) : data, label);
}

/** The first `length` elements of a buffer stored as `t`, as f32. */
export async function readAs(
  device: GPUDevice,
  t: StorageType,
  src: GPUBuffer,
  length: number,
): Promise<Float32Array> {
  if (t === 'f32') return new Float32Array(await readBuffer(device, src, length * 4));
  return Float32Array.from(fromHalf(new Uint16Array(await readBuffer(device, src, length * 2))));
}
