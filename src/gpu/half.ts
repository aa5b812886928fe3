/**
 * IEEE 754 binary16 on the host: conversion to and from f32 (round to nearest even, as the GPU's
 * f16 stores do), and upload/read-back of storage buffers in either storage type. Node 20 has no
 * Float16Array, so the bits are converted here.
 */
import { type BufferPool, readBuffer } from './buffers.ts';
import type { StorageType } from './kernel.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits nearest to `x` (ties to even; overflow to ±∞; NaN kept). */
export function halfBits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero): shift the full mantissa, round to nearest even
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let v = m >>> shift;
    if (rest > half || (rest === half && v & 1)) v++;
    return sign | v;
  }
  let v = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && v & 1)) v++; // may carry into the exponent: still right
  return sign | v;
}

/** The value of binary16 bits `h`. */
export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** `x` as binary16 bits. */
export function toHalf(x: ArrayLike<number>): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = halfBits(x[i]);
  return out;
}

/** binary16 bits as f32 values. */
export function fromHalf(h: ArrayLike<number>): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = halfValue(h[i]);
  return out;
}

/** `x` rounded through storage type `t` (the identity for f32 beyond f32 rounding). */
export function roundTo(t: StorageType, x: ArrayLike<number>): Float32Array {
  return t === 'f16' ? fromHalf(toHalf(x)) : Float32Array.from(x);
}

/** A storage buffer holding `data` stored as `t`. */
export function uploadAs(pool: BufferPool, t: StorageType, data: Float32Array, label: string): GPUBuffer {
  return pool.upload(t === 'f16' ? toHalf(data) : data, label);
}

/** The first `length` elements of a buffer stored as `t`, as f32. */
export async function readAs(
  device: GPUDevice,
  t: StorageType,
  src: GPUBuffer,
  length: number,
): Promise<Float32Array> {
  if (t === 'f32') return new Float32Array(await readBuffer(device, src, length * 4));
  return fromHalf(new Uint16Array(await readBuffer(device, src, length * 2)));
}
