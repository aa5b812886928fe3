/**
 * Chunk sizes of one Evoformer (or extra-MSA) block: the largest chunks whose f32 transients stay
 * within a byte target (the plan's chunk target, capped by the device's storage binding size), so
 * that the attention modules and the triangle products never need a whole-tensor scratch.
 * Chunks are evened out (⌈n/k⌉ for k chunks): 100 lines under a 40-line cap run as 3 × 34.
 */
import type { BlockChunks } from './block.ts';
import type { EvoformerBlockWeights, PairStackWeights } from './module-weights.ts';

const F32 = 4;

/** Largest balanced chunk of `total` items at `bytesPer` each within `target` bytes (≥ 1). */
export function chunkWithin(total: number, bytesPer: number, target: number): number {
  if (total <= 1) return 1;
  const cap = Math.max(1, Math.min(total, Math.floor(target / Math.max(1, bytesPer))));
  const k = Math.ceil(total / cap);
  return Math.ceil(total / k);
}

/** Chunks of the pair-stack modules (triangle attention and multiplication) over N_res residues. */
export function pairStackChunks(
  w: PairStackWeights,
  nRes: number,
  targetBytes: number,
  biasC = 0,
): BlockChunks {
  const N = nRes;
  const tri = w.triangleAttentionStarting;
  // per line: LN [N, c] + q|k|v|g [N, 4HC] + o [N, HC]
  const triLine = F32 * N * (tri.c + tri.width + tri.heads * tri.headDim);
  // triangle-multiplication window: t [c, rows, N]
  const c = w.triangleMultiplicationOutgoing.layout.c;
  return {
    pairAttentionLines: chunkWithin(N, triLine, targetBytes),
    biasRows: chunkWithin(N, F32 * N * Math.max(biasC, tri.c), targetBytes),
    triangleRows: chunkWithin(N, F32 * c * N, targetBytes),
  };
}

/**
 * Chunks for a block over N_seq (or N_extra) sequences and N_res residues: transients of every
 * chunk ≤ `targetBytes` (one line at a time when even one line is larger).
 */
export function blockChunks(
  w: EvoformerBlockWeights,
  sizes: { nSeq: number; nRes: number },
  targetBytes: number,
): BlockChunks {
  const { nSeq: S, nRes: N } = sizes;
  const row = w.rowAttention;
  const hcRow = row.heads * row.headDim;
  // per line: LN(x) [positions, c] + q|k|v|g [positions, 4HC] + o [positions, HC]
  const rowLine = F32 * N * (row.c + row.width + hcRow);
  const col = w.globalColumnAttention ?? w.columnAttention;
  const colLine = col ? F32 * S * (col.c + col.width + col.heads * col.headDim) : 0;
  const msaAttentionLines = Math.min(
    chunkWithin(S, rowLine, targetBytes),
    chunkWithin(N, colLine, targetBytes),
  );
  return { ...pairStackChunks(w, N, targetBytes, row.cz), msaAttentionLines };
}
