/** Byte sizes of planned tensors, with BufferPool's rounding (src/gpu/buffers.ts). */
import { alignedSize } from '../../gpu/buffers.ts';
import type { DType, TensorDecl } from './types.ts';

export { alignedSize };

export function dtypeBytes(d: DType): number {
  return d === 'f16' ? 2 : 4;
}

export function elements(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Unrounded bytes of the whole tensor. */
export function tensorBytes(t: Pick<TensorDecl, 'dtype' | 'shape'>): number {
  return elements(t.shape) * dtypeBytes(t.dtype);
}

/** Bytes of one row (axis 0) of the tensor. */
export function rowBytes(t: Pick<TensorDecl, 'dtype' | 'shape'>): number {
  return elements(t.shape.slice(1)) * dtypeBytes(t.dtype);
}

/** The aligned sizes of the buffers holding `rows` rows split in segments of `rowsPerSegment`. */
export function segmentSizes(rows: number, rowsPerSegment: number, bytesPerRow: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r += rowsPerSegment) {
    out.push(alignedSize(Math.min(rowsPerSegment, rows - r) * bytesPerRow));
  }
  if (rows === 0) out.push(alignedSize(0));
  return out;
}
