/**
 * Chunk-size search. A module describes what one chunk of `n` rows (or channels, columns…)
 * allocates and dispatches; the search takes the largest `n` whose transients fit the chunk cap
 * and whose grids fit the workgroup limit, then evens the chunks out (⌈total/k⌉ for k chunks),
 * so that e.g. 1000 rows under a 400-row cap run as 3 × 334, not 400 + 400 + 200.
 */
import { PlanError } from './errors.ts';
import { tensorBytes } from './tensor-bytes.ts';
import type { TensorDecl } from './types.ts';
import { type Grid, gridMax } from './workgroups.ts';

export interface ChunkShape {
  /** Buffers one chunk needs (each one buffer, never segmented). */
  transients: TensorDecl[];
  /** Every dispatch of one chunk. */
  grids: { kernel: string; grid: Grid }[];
}

export interface ChunkLimits {
  /** Preferred largest chunk transient (the chunk target). */
  chunkBytes: number;
  /** Hard cap of one buffer. */
  bufferBytes: number;
  maxWorkgroups: number;
}

interface Violation {
  needed: number;
  limit: number;
  limitName: string;
  what: string;
}

function violation(shape: ChunkShape, bytesCap: number, lim: ChunkLimits): Violation | undefined {
  for (const t of shape.transients) {
    const b = tensorBytes(t);
    if (b > bytesCap) {
      const hard = bytesCap === lim.bufferBytes;
      return {
        needed: b,
        limit: bytesCap,
        limitName: hard ? 'maxBufferBytes' : 'chunkTargetBytes',
        what: `transient ${t.name} ${t.layout}`,
      };
    }
  }
  for (const g of shape.grids) {
    const m = gridMax(g.grid);
    if (m > lim.maxWorkgroups) {
      return {
        needed: m,
        limit: lim.maxWorkgroups,
        limitName: 'maxComputeWorkgroupsPerDimension',
        what: `${g.kernel} grid [${g.grid.join(', ')}]`,
      };
    }
  }
  return undefined;
}

/**
 * Largest balanced n in [1, max] that fits. n = 1 is accepted over the chunk target (never over
 * the buffer cap or the workgroup limit), so a tight budget shrinks chunks rather than failing here.
 */
export function fitChunk(
  where: string,
  max: number,
  shapeOf: (n: number) => ChunkShape,
  lim: ChunkLimits,
): number {
  if (max <= 1) {
    const v = violation(shapeOf(1), lim.bufferBytes, lim);
    if (v) throw new PlanError(where, v.needed, v.limit, v.limitName, v.what);
    return 1;
  }
  const soft = Math.min(lim.chunkBytes, lim.bufferBytes);
  const ok = (n: number) => violation(shapeOf(n), soft, lim) === undefined;
  let best = 0;
  if (ok(1)) {
    let lo = 1;
    let hi = max;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    best = lo;
  } else {
    const v = violation(shapeOf(1), lim.bufferBytes, lim);
    if (v) throw new PlanError(where, v.needed, v.limit, v.limitName, v.what);
    best = 1;
  }
  const k = Math.ceil(max / best);
  return Math.ceil(max / k);
}

/** Number of chunks of size n over `total` (each loop restarts at segment boundaries). */
export function chunkCount(total: number, n: number, segmentRows = total): number {
  let count = 0;
  for (let r = 0; r < total; r += segmentRows) count += Math.ceil(Math.min(segmentRows, total - r) / n);
  return count;
}
