/**
 * The partition plan of Dynamic Axial Parallelism (FastFold's DAP) as data: which axis of the
 * MSA m [N_seq, N_res, c_m] and of the pair z [N_res, N_res, c_z] each of P ranks owns in each
 * step of an Evoformer or extra-MSA block, and the collectives between the steps.
 */
import type { AxisSplit } from './axis-split.ts';

/** Which axis of m a rank's shard covers: whole sequences (rows) or whole residues (columns). */
export type MsaSplit = 'sequences' | 'residues';
/** Which axis of z a rank's shard covers: rows i (all j), or columns j (all i). */
export type PairSplit = 'rows' | 'columns';

/** The steps of one block (AF2 supplement Algorithm 6 lines 2–10; Algorithm 18 for the extra MSA). */
export type DapStepName =
  | 'msa_row_attention_with_pair_bias'
  | 'msa_column_attention'
  | 'msa_column_global_attention'
  | 'msa_transition'
  | 'outer_product_mean'
  | 'triangle_multiplication_outgoing'
  | 'triangle_multiplication_incoming'
  | 'triangle_attention_starting_node'
  | 'triangle_attention_ending_node'
  | 'pair_transition';

export interface DapStep {
  name: DapStepName;
  /** e.g. `Algorithm 7`. */
  algorithm: string;
  /** The split of m this step reads and writes; null when it does not touch m. */
  m: MsaSplit | null;
  /** The split of z this step reads or writes; null when it does not touch z. */
  z: PairSplit | null;
}

export type CollectiveKind = 'all_to_all' | 'all_gather';

/**
 * One exchange of a block. Shapes are the full padded tensor; every rank holds the block of
 * `perRank` positions of the split axis (AxisSplit.slices) before and after.
 */
export interface DapCollective {
  /** `<stack>.<step>.<what>`, e.g. `evoformer.m.sequences_to_residues`. */
  id: string;
  kind: CollectiveKind;
  /** The tensor exchanged, with its layout (row-major, last axis fastest). */
  tensor: string;
  layout: string;
  /** Full padded shape. */
  shape: number[];
  /** The axis split over the ranks before the exchange. */
  fromAxis: number;
  /** all_to_all: the axis split after it; all_gather: null (every rank holds the whole tensor). */
  toAxis: number | null;
  /** Bytes per element (the storage precision). */
  elementBytes: number;
  /** Exchanged in this many pieces (channel groups, row chunks); 1 when whole. Bytes are totals. */
  pieces: 'whole' | 'per channel group' | 'per row chunk' | 'per rank shard (ring)';
  /** Sub-step after which the data is complete: start the exchange here. */
  startAfter: string;
  /** Sub-step that first reads the result: wait for the exchange here. */
  waitBefore: string;
  /** Independent work scheduled between start and wait (FastFold's "duality async" pairs). */
  overlapWith: string[];
  /** Bytes one rank sends (= receives). */
  bytesPerRank: number;
  /** Bytes sent by all ranks together. */
  bytesTotal: number;
}

export interface PartitionRequest {
  /** P */
  ranks: number;
  /** N_res (unpadded). */
  nRes: number;
  /** Rows of the MSA this stack updates: N_seq (+ N_templ) for the Evoformer, N_extra for the extra MSA. */
  nSeq: number;
  /** Bytes per stored activation element: 4 (f32) or 2 (f16). */
  elementBytes: number;
}

export interface PartitionPlan {
  stack: 'evoformer' | 'extra_msa';
  ranks: number;
  elementBytes: number;
  /** The residue axis (both axes of z, axis 1 of m). */
  residues: AxisSplit;
  /** The sequence axis of m. */
  sequences: AxisSplit;
  /** Full padded shapes. */
  m: { shape: [number, number, number]; layout: string };
  z: { shape: [number, number, number]; layout: string };
  /** Local shard shape of each split (every rank the same, padding included). */
  shards: {
    m: Record<MsaSplit, [number, number, number]>;
    z: Record<PairSplit, [number, number, number]>;
  };
  /** m and z are sequence- and row-split on entry to a block and on exit. */
  steps: DapStep[];
  /** Every exchange of one block, in start order. */
  collectives: DapCollective[];
  perBlock: {
    /** Bytes one rank sends per block. */
    bytesPerRank: number;
    /** Bytes all ranks send per block. */
    bytesTotal: number;
    allToAllBytesTotal: number;
    allGatherBytesTotal: number;
  };
}
