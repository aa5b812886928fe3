/**
 * What the engine's DAP stage exchanges in one Evoformer block (Algorithm 6) or extra-MSA block
 * (Algorithm 18), from the shapes alone (src/engine/evoformer/dap-share.ts, block.ts): after each
 * module every rank all-gathers the lines it updated, sending its share of the lines to each of
 * the P − 1 others. The modules and their lines, in block order:
 *   MSA row attention          m [N_seq, N_res, c_m] by rows (sequences)
 *   MSA column attention       m by columns (residues)
 *   MSA transition             m by rows (only when the transition is split; see below)
 *   outer product mean         z [N_res, N_res, c_z] by rows
 *   triangle mult. outgoing    z by rows
 *   triangle mult. incoming    z by rows
 *   triangle att. starting     z by rows
 *   triangle att. ending       z by columns
 *   pair transition            z by rows (only when split)
 * A transition is split (and gathered) only on its fused path (c ≤ FUSED_TRANSITION_MAX_C in
 * src/engine/kernels/transition.ts); the composed path updates every row on every rank.
 * Rank r's lines are its slice of splitAxis(lines, P), without the padding.
 * With P = 1 nothing is exchanged.
 */
import { checkRanks, splitAxis, validCount } from './axis-split.ts';

export interface GatherBlockShape {
  /** Rows of m: N_seq (+ template rows) for the Evoformer, N_extra for the extra-MSA stack. */
  nSeq: number;
  nRes: number;
  /** Channels of m (c_m, or c_e in the extra-MSA stack) and of z. */
  cm: number;
  cz: number;
  /** Bytes per stored activation element (4 for f32, 2 for f16). */
  elementBytes: number;
  /** Whether the MSA and pair transitions are split over the ranks (fused path). */
  splitMsaTransition: boolean;
  splitPairTransition: boolean;
}

export interface GatherBlockBytes {
  /** Modules whose lines are all-gathered, the same on every rank (the engine may send each
   *  module's lines in several pieces, each its own all-gather: DapExchangeStats.gathers). */
  moduleGathers: number;
  /** Bytes rank r sends in one block, by rank. */
  bytesSentPerRank: number[];
  /** Sum over the ranks. */
  bytesSent: number;
}

/** Bytes each of P ranks sends in one block of `shape` (P ≥ 1). */
export function gatherBlockBytes(shape: GatherBlockShape, P: number): GatherBlockBytes {
  const { nSeq: S, nRes: N, cm, cz, elementBytes: e } = shape;
  checkRanks(P);
  const perRank = new Array<number>(P).fill(0);
  if (P === 1) return { moduleGathers: 0, bytesSentPerRank: perRank, bytesSent: 0 };
  // [lines, elements per line] of every gather, in block order
  const gathers: [number, number][] = [
    [S, N * cm],
    [N, S * cm],
    ...(shape.splitMsaTransition ? [[S, N * cm] as [number, number]] : []),
    [N, N * cz],
    [N, N * cz],
    [N, N * cz],
    [N, N * cz],
    [N, N * cz],
    ...(shape.splitPairTransition ? [[N, N * cz] as [number, number]] : []),
  ];
  for (const [lines, perLine] of gathers) {
    const split = splitAxis(lines, P, 'lines');
    split.slices.forEach((s, r) => {
      perRank[r] += validCount(s) * perLine * e * (P - 1);
    });
  }
  return {
    moduleGathers: gathers.length,
    bytesSentPerRank: perRank,
    bytesSent: perRank.reduce((a, b) => a + b, 0),
  };
}
