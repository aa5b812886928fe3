/**
 * The all-to-alls of the DAP partition (src/dap/partition.ts) on a rank's GPU buffer, in place:
 * the local shard is read back whole (ReadbackStaging), cut into P parts on the host, exchanged,
 * and the received parts written back in the new layout. The buffer holds the same bytes in both
 * layouts, so no second device buffer is needed.
 *
 *   MSA     [N_seq/P, N_res, c] (by sequences)  ⇄  [N_seq, N_res/P, c] (by residues)
 *   pair    [N_res/P, N_res, c] rows of z       →  [N_res/P, N_res, c] rows of zᵀ (= columns of z);
 *           the same exchange applied to zᵀ gives z back, so one function serves both ways.
 *           Storing the column split as rows of zᵀ lets the incoming multiplication and the
 *           ending-node attention run the row kernels with no transpose of their own.
 */
import type { Collective, Pending } from './collective.ts';
import { own, type ReadbackStaging } from './gpu-exchange.ts';
import { packBlocks, transposeBlock } from './reshard.ts';

/** Shard sizes: rows and columns of the local shard before the exchange, element bytes. */
export interface MsaShard {
  /** N_seq / P (padded). */
  seqPerRank: number;
  /** N_res / P (padded). */
  resPerRank: number;
  /** c (c_m or c_e). */
  channels: number;
  elementBytes: number;
}

export interface PairShard {
  /** N_res / P (padded). */
  rowsPerRank: number;
  /** c_z */
  channels: number;
  elementBytes: number;
}

/** writeBuffer and copies need 4-byte multiples: every channel vector must be one. */
function checkRun(channels: number, elementBytes: number): number {
  const run = channels * elementBytes;
  if (run % 4 !== 0)
    throw new RangeError(`DAP: ${channels} channels × ${elementBytes} B is not a multiple of 4 bytes`);
  return run;
}

function later(p: Promise<void>): Pending<void> {
  p.catch(() => undefined);
  return { wait: () => p };
}

/** m by sequences → by residues (`toResidues`), or back. */
export function reshardMsaStart(
  coll: Collective,
  staging: ReadbackStaging,
  m: GPUBuffer,
  s: MsaShard,
  toResidues: boolean,
): Pending<void> {
  const P = coll.size;
  const run = checkRun(s.channels, s.elementBytes);
  const part = s.seqPerRank * s.resPerRank * run; // one [N_seq/P, N_res/P, c] block
  const queue = staging.device.queue;
  return later(
    (async () => {
      const local = await staging.read(m, 0, P * part);
      if (toResidues) {
        // [Sr, L, c] → P parts along residues; received block k = m[k-seqs, my residues].
        const parts = packBlocks(local, [s.seqPerRank, P * s.resPerRank, s.channels], s.elementBytes, 1, P);
        const got = await coll.allToAllStart(parts).wait();
        for (let k = 0; k < P; k++) queue.writeBuffer(m, k * part, own(got[k]));
      } else {
        // [S, Lr, c] → contiguous parts along sequences; block k = m[my seqs, k-residues].
        const parts = Array.from({ length: P }, (_, k) => local.subarray(k * part, (k + 1) * part));
        const got = await coll.allToAllStart(parts).wait();
        const rowBytes = P * s.resPerRank * run;
        const blockRow = s.resPerRank * run;
        for (let k = 0; k < P; k++) {
          for (let i = 0; i < s.seqPerRank; i++) {
            const src = got[k].subarray(i * blockRow, (i + 1) * blockRow);
            queue.writeBuffer(m, i * rowBytes + k * blockRow, own(src));
          }
        }
      }
    })(),
  );
}

/** Rows of z → rows of zᵀ (and, applied to zᵀ, back to rows of z). */
export function transposeExchangeStart(
  coll: Collective,
  staging: ReadbackStaging,
  z: GPUBuffer,
  s: PairShard,
): Pending<void> {
  const P = coll.size;
  const Lr = s.rowsPerRank;
  const run = checkRun(s.channels, s.elementBytes);
  const rowBytes = P * Lr * run;
  const queue = staging.device.queue;
  return later(
    (async () => {
      const local = await staging.read(z, 0, Lr * rowBytes);
      // Part k = z[my rows i, k-columns j] → rank k, which stores it transposed.
      const parts = packBlocks(local, [Lr, P * Lr, s.channels], s.elementBytes, 1, P);
      const got = await coll.allToAllStart(parts).wait();
      for (let k = 0; k < P; k++) {
        // Block from rank k: z[k-rows i, my columns j] [Lr, Lr, c] → [j, i] at zᵀ[my j, k-slice of i].
        const t = transposeBlock(got[k], Lr, Lr, run);
        for (let j = 0; j < Lr; j++) {
          queue.writeBuffer(
            z,
            j * rowBytes + k * Lr * run,
            own(t.subarray(j * Lr * run, (j + 1) * Lr * run)),
          );
        }
      }
    })(),
  );
}
