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
import { type Collective, CollectiveError } from '../../dap/collectives/collective.ts';
import { own, ReadbackStaging } from '../../dap/collectives/gpu-exchange.ts';
import { type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { BufferUsage } from '../../gpu/usage.ts';
import type { LineRange } from '../kernels/line-range.ts';

/** Pieces per module gather: the first is exchanged while the second is computed. */
export const DEFAULT_PIECES = 2;

/** What a rank's exchanges cost over a fold (benchmarks: bench/dap.ts). */
export interface DapExchangeStats {
  /** All-gathers started. */
  gathers: number;
  /** Bytes this rank sent (each share × (P − 1)). */
  bytesSent: number;
  /** Host-side exchange time (readback done → every part received), summed over gathers. */
  spanMs: number;
  /** Time spent waiting for gathers after this rank's GPU work was done: exchange not hidden. */
  exposedMs: number;
}

/** A rank's part in a partitioned block: its collective, its device's readback buffers, stats. */
export interface BlockShare {
  collective: Collective;
  staging: ReadbackStaging;
  /** Pieces each module's share is gathered in (≥ 1; more pieces, more overlap). */
  pieces: number;
  stats: DapExchangeStats;
}

export function blockShare(collective: Collective, device: GPUDevice, pieces = DEFAULT_PIECES): BlockShare {
  return {
    collective,
    staging: new ReadbackStaging(device),
    pieces,
    stats: { gathers: 0, bytesSent: 0, spanMs: 0, exposedMs: 0 },
  };
}

/** Rank `rank`'s share of `total` lines out of P: [start, end), possibly empty. */
export function shareOfRank(total: number, P: number, rank: number): LineRange {
  const s = splitAxis(total, P).slices[rank];
  // ranks past the end (total < P) get an empty share at the end
  const start = Math.min(s.start, total);
  return { start, end: Math.max(start, Math.min(s.validEnd, total)) };
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

/** Piece `p` of `K` of a share (pieces as even as the share allows; some may be empty). */
export function pieceOf(share: LineRange, K: number, p: number): LineRange {
  const n = share.end - share.start;
  const size = Math.ceil(n / K);
  const start = Math.min(share.end, share.start + p * size);
  return { start, end: Math.min(share.end, start + size) };
}

/**
 * The all-gather of one module's updated lines, in `share.pieces` pieces started as the module
 * records its chunks (`linesDone`), so that a piece's readback and exchange run while the GPU
 * computes the next chunk (FastFold's overlap of communication with computation). Every rank
 * starts the same pieces in the same order; a piece's bytes go to every other rank and are
 * written into place there. `finish()` returns when x is whole again on this rank.
 */
export class LineGather {
  private readonly K: number;
  /** pieces[p][k]: rank k's piece p. */
  private readonly pieces: LineRange[][];
  private started = 0;
  private order: Promise<unknown> = Promise.resolve();
  private readonly pending: Promise<void>[] = [];
  /** Host-side exchange time of each piece: from its readback to its received parts, ms. */
  private readonly exchangeMs: number[] = [];
  private readonly run: number;

  constructor(
    private readonly rec: Recorder,
    private readonly share: BlockShare,
    private readonly x: SharedLines,
  ) {
    const P = share.collective.size;
    this.K = share.pieces;
    this.run = x.c * storageBytes(x.type);
    const lines = x.orientation === 'rows' ? x.A : x.B;
    const shares = Array.from({ length: P }, (_, k) => shareOfRank(lines, P, k));
    this.pieces = Array.from({ length: this.K }, (_, p) => shares.map((r) => pieceOf(r, this.K, p)));
  }

  /** Every line of this rank's share below `end` is recorded: starts the complete pieces. */
  linesDone(end: number): void {
    const rank = this.share.collective.rank;
    while (this.started < this.K && this.pieces[this.started][rank].end <= end) this.start(this.started++);
  }

  /** Starts the remaining pieces and waits until every rank's lines are written here. */
  async finish(): Promise<void> {
    while (this.started < this.K) this.start(this.started++);
    const device = this.share.staging.device;
    const computed = device.queue.onSubmittedWorkDone().then(() => performance.now());
    await Promise.all(this.pending);
    const end = performance.now();
    const stats = this.share.stats;
    stats.spanMs += this.exchangeMs.reduce((a, b) => a + b, 0);
    // what is left once this rank's GPU work (compute and readbacks) is done is not hidden
    stats.exposedMs += Math.max(0, end - (await computed));
  }

  private start(p: number): void {
    const { collective: coll } = this.share;
    this.rec.submit(); // the piece's compute goes before its readback
    const read = this.readMine(this.pieces[p][coll.rank]);
    // allGatherStart in piece order on every rank (the collective numbers its calls)
    const sent = this.order.then(async () => {
      const mine = await read;
      this.share.stats.gathers++;
      this.share.stats.bytesSent += mine.byteLength * (coll.size - 1);
      return { t0: performance.now(), handle: coll.allGatherStart(mine) };
    });
    this.order = sent.catch(() => undefined);
    const written = sent.then(async ({ t0, handle }) => {
      const parts = await handle.wait();
      this.exchangeMs.push(performance.now() - t0);
      this.write(this.pieces[p], parts);
    });
    written.catch(() => undefined); // reported by finish(), or moot if the fold already failed
    this.pending.push(written);
  }

  /** This rank's lines `r` of x on the host (columns: packed on the device first). */
  private async readMine(r: LineRange): Promise<Uint8Array> {
    const { x, run, rec } = this;
    const staging = this.share.staging;
    if (x.orientation === 'rows')
      return staging.read(x.buffer, r.start * x.B * run, (r.end - r.start) * x.B * run);
    const width = (r.end - r.start) * run; // bytes of one column segment
    const packed = staging.device.createBuffer({
      label: `dap pack of ${x.label}`,
      size: Math.max(4, x.A * width),
      usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    });
    if (width > 0) {
      const enc = rec.commandEncoder;
      for (let a = 0; a < x.A; a++)
        enc.copyBufferToBuffer(x.buffer, (a * x.B + r.start) * run, packed, a * width, width);
      rec.submit();
    }
    try {
      return await staging.read(packed, 0, x.A * width);
    } finally {
      packed.destroy();
    }
  }

  /** Writes every other rank's piece (ranges[k]) into place. */
  private write(ranges: LineRange[], parts: Uint8Array[]): void {
    const { x, run } = this;
    const { collective: coll, staging } = this.share;
    const rows = x.orientation === 'rows';
    const queue = staging.device.queue;
    for (let k = 0; k < coll.size; k++) {
      if (k === coll.rank) continue;
      const r = ranges[k];
      const w = (r.end - r.start) * run;
      const expected = w * (rows ? x.B : x.A);
      if (parts[k].byteLength !== expected) {
        throw new CollectiveError(
          `DAP: rank ${k} sent ${parts[k].byteLength} bytes of ${x.label}, expected ${expected} (are the ranks folding the same input?)`,
          k,
          'usage',
        );
      }
      if (expected === 0) continue;
      if (rows) queue.writeBuffer(x.buffer, r.start * x.B * run, own(parts[k]));
      else {
        for (let a = 0; a < x.A; a++)
          queue.writeBuffer(x.buffer, (a * x.B + r.start) * run, own(parts[k].subarray(a * w, (a + 1) * w)));
      }
    }
  }
}
