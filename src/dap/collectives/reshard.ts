/**
 * Host-side packing of a row-major 3-D shard for the DAP all-to-all (src/dap/partition.ts):
 * a rank split along axis `from` becomes split along axis `to`. `packBlocks` cuts the local shard
 * along `to` into P blocks (block k for rank k); `unpackBlocks` concatenates the P received blocks
 * along `from`. Used by the tests and the benchmark, and the reference for the GPU packing the
 * engine will do.
 */

/** Copies the sub-box [lo, hi) of a row-major [d0, d1, d2] array of `el`-byte elements. */
function box(src: Uint8Array, shape: number[], el: number, lo: number[], hi: number[]): Uint8Array {
  const [, d1, d2] = shape;
  const n = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
  const out = new Uint8Array(n[0] * n[1] * n[2] * el);
  const run = n[2] * el;
  let o = 0;
  for (let i = lo[0]; i < hi[0]; i++) {
    for (let j = lo[1]; j < hi[1]; j++) {
      const s = ((i * d1 + j) * d2 + lo[2]) * el;
      out.set(src.subarray(s, s + run), o);
      o += run;
    }
  }
  return out;
}

/** Cuts a [d0, d1, d2] shard into P equal blocks along `axis` (d_axis divisible by P). */
export function packBlocks(
  shard: Uint8Array,
  shape: number[],
  el: number,
  axis: number,
  P: number,
): Uint8Array[] {
  if (shape[axis] % P !== 0)
    throw new RangeError(`DAP: axis ${axis} of [${shape}] is not a multiple of ${P}`);
  const step = shape[axis] / P;
  return Array.from({ length: P }, (_, k) => {
    const lo = [0, 0, 0];
    const hi = [...shape];
    lo[axis] = k * step;
    hi[axis] = (k + 1) * step;
    return box(shard, shape, el, lo, hi);
  });
}

/** Concatenates P blocks of shape `blockShape` along `axis`. */
export function unpackBlocks(
  blocks: Uint8Array[],
  blockShape: number[],
  el: number,
  axis: number,
): Uint8Array {
  const shape = [...blockShape];
  shape[axis] *= blocks.length;
  const out = new Uint8Array(shape[0] * shape[1] * shape[2] * el);
  const [b0, b1, b2] = blockShape;
  blocks.forEach((b, k) => {
    for (let i = 0; i < b0; i++) {
      for (let j = 0; j < b1; j++) {
        const idx = [i, j, 0];
        idx[axis] += k * blockShape[axis];
        const d = ((idx[0] * shape[1] + idx[1]) * shape[2] + idx[2]) * el;
        const s = (i * b1 + j) * b2 * el;
        out.set(b.subarray(s, s + b2 * el), d);
      }
    }
  });
  return out;
}

/** The shard of a full [d0, d1, d2] array that rank r holds when split along `axis` over P. */
export function shardOf(full: Uint8Array, shape: number[], el: number, axis: number, P: number, r: number) {
  return packBlocks(full, shape, el, axis, P)[r];
}

/** A [a, b, run-byte] block transposed to [b, a, run-byte] (the vectors of `runBytes` stay whole). */
export function transposeBlock(block: Uint8Array, a: number, b: number, runBytes: number): Uint8Array {
  if (block.length !== a * b * runBytes)
    throw new RangeError(`DAP: block of ${block.length} bytes is not [${a}, ${b}, ${runBytes} B]`);
  const out = new Uint8Array(block.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const s = (i * b + j) * runBytes;
      out.set(block.subarray(s, s + runBytes), (j * a + i) * runBytes);
    }
  }
  return out;
}
