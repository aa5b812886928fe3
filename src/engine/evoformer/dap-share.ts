/**
 * Dynamic Axial Parallelism in the engine (issue 7), first stage: one Evoformer or extra-MSA
 * block split over the P ranks of a Collective. Every module's output lines — rows of m or z, or
 * columns for MSA column attention and the ending-node triangle attention — are divided into P
 * contiguous shares (src/dap/axis-split.ts blocks); each rank computes its share with the
 * modules' line ranges, then the ranks all-gather the updated lines, so that every rank holds the
 * whole m and z for the next module. Every rank runs the same program (SPMD) on its own device.
 *
 * DISCREPANCY with FastFold's DAP (src/dap/partition.ts): here m and z stay whole on every rank
 * (the compute is split, the memory is not), and each module's update is gathered in place of
 * the partition's all-to-alls. Shards of m and z are the next stage.
 */
import { splitAxis } from '../../dap/axis-split.ts';
import type { Collective } from '../../dap/collectives/collective.ts';
import { CollectiveError } from '../../dap/collectives/collective.ts';
import { own, ReadbackStaging } from '../../dap/collectives/gpu-exchange.ts';
import { type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { BufferUsage } from '../../gpu/usage.ts';
import type { LineRange } from '../kernels/line-range.ts';

/** What a rank's exchanges cost over a fold (benchmarks: bench/dap.ts). */
export interface DapExchangeStats {
  /** All-gathers started. */
  gathers: number;
  /** Bytes this rank sent (each share × (P − 1)). */
  bytesSent: number;
  /** Wall time from the start of each module's first gather to the end of its last, summed. */
  spanMs: number;
  /** Of spanMs, the time the host waited for gathers with no compute of this rank queued. */
  exposedMs: number;
}

/** A rank's part in a partitioned block: its collective, its device's readback buffers, stats. */
export interface BlockShare {
  collective: Collective;
  staging: ReadbackStaging;
  stats: DapExchangeStats;
}

export function blockShare(collective: Collective, device: GPUDevice): BlockShare {
  return {
    collective,
    staging: new ReadbackStaging(device),
    stats: { gathers: 0, bytesSent: 0, spanMs: 0, exposedMs: 0 },
  };
}

/** Rank `rank`'s share of `total` lines out of P: [start, end), possibly empty. */
export function shareOfRank(total: number, P: number, rank: number): LineRange {
  const s = splitAxis(total, P).slices[rank];
  const start = Math.min(s.start, total);
  return { start, end: Math.max(start, s.validEnd) };
}

/** This rank's share of `total` lines. */
export function shareOf(total: number, share: BlockShare): LineRange {
  return shareOfRank(total, share.collective.size, share.collective.rank);
}

/** x [A, B, c] stored as `type`, whose lines are rows (index a) or columns (index b). */
export interface SharedLines {
  buffer: GPUBuffer;
  A: number;
  B: number;
  c: number;
  type: StorageType;
  orientation: 'rows' | 'columns';
  label: string;
}

/**
 * Submits what `rec` holds, then all-gathers x's lines: each rank's share goes to every other
 * rank and is written into place there. Returns when this rank's x is whole again.
 */
export async function gatherLines(rec: Recorder, share: BlockShare, x: SharedLines): Promise<void> {
  const t0 = performance.now();
  rec.submit();
  const { collective: coll, staging } = share;
  const device = staging.device;
  const run = x.c * storageBytes(x.type); // bytes of one position's channels
  const rows = x.orientation === 'rows';
  const lines = rows ? x.A : x.B;
  const ranges = Array.from({ length: coll.size }, (_, k) => shareOfRank(lines, coll.size, k));
  const { start, end } = ranges[coll.rank];
  const width = (end - start) * run; // bytes of one column segment
  let mine: Uint8Array;
  if (rows) {
    mine = await staging.read(x.buffer, start * x.B * run, (end - start) * x.B * run);
  } else {
    // the share's A column segments, packed on the device, then read back at once
    const packed = device.createBuffer({
      label: `dap pack of ${x.label}`,
      size: Math.max(4, x.A * width),
      usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    });
    const enc = rec.commandEncoder;
    if (width > 0) {
      for (let a = 0; a < x.A; a++)
        enc.copyBufferToBuffer(x.buffer, (a * x.B + start) * run, packed, a * width, width);
    }
    rec.submit();
    mine = await staging.read(packed, 0, x.A * width);
    packed.destroy();
  }
  share.stats.gathers++;
  share.stats.bytesSent += mine.byteLength * (coll.size - 1);
  const parts = await coll.allGatherStart(mine).wait();
  const queue = device.queue;
  for (let k = 0; k < coll.size; k++) {
    if (k === coll.rank) continue;
    const r = ranges[k];
    const expected = (r.end - r.start) * run * (rows ? x.B : x.A);
    if (parts[k].byteLength !== expected) {
      throw new CollectiveError(
        `DAP: rank ${k} sent ${parts[k].byteLength} bytes of ${x.label}, expected ${expected} (are the ranks folding the same input?)`,
        k,
        'usage',
      );
    }
    if (expected === 0) continue;
    if (rows) {
      queue.writeBuffer(x.buffer, r.start * x.B * run, own(parts[k]));
    } else {
      const w = (r.end - r.start) * run;
      for (let a = 0; a < x.A; a++)
        queue.writeBuffer(x.buffer, (a * x.B + r.start) * run, own(parts[k].subarray(a * w, (a + 1) * w)));
    }
  }
  const ms = performance.now() - t0;
  share.stats.spanMs += ms;
  share.stats.exposedMs += ms;
}
