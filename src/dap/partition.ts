/**
 * The DAP partition plan of one Evoformer block (Algorithm 6) or extra-MSA block (Algorithm 18),
 * after FastFold (Cheng et al. 2022, "FastFold: Reducing AlphaFold Training Time from 11 Days to
 * 67 Hours", §4 Dynamic Axial Parallelism). On entry to a block every rank r holds
 *   m[seq slice r, :, :]   (MSA split by sequences)     [N_seq/P, N_res, c_m]
 *   z[row slice r, :, :]   (pair split by rows)         [N_res/P, N_res, c_z]
 * and the block runs:
 *   row attention with pair bias    m by sequences; the bias LN(z)·W_b [N_res, N_res, H] is
 *                                   computed on the local z rows and all-gathered
 *   all-to-all m                    sequences → residues
 *   column (global) attention       m by residues
 *   MSA transition                  m by residues
 *   outer product mean              m by residues; the right projection b is all-gathered over
 *                                   residues, and rank r adds the outer products of its residues
 *                                   i (a_i) with every j (b_j) into its own z rows i
 *   all-to-all m                    residues → sequences, started right after the transition
 *                                   (the outer product mean only reads m) and waited for at the
 *                                   next block's row attention: it hides behind the pair stack
 *   triangle mult. outgoing         z by rows; right projection all-gathered (Σ_k a_ik b_jk)
 *   all-to-all z                    rows → columns
 *   triangle mult. incoming         z by columns; left projection all-gathered (Σ_k a_ki b_kj)
 *   all-to-all z                    columns → rows
 *   triangle attention starting     z by rows; bias all-gathered
 *   all-to-all z                    rows → columns
 *   triangle attention ending       z by columns (= rows of zᵀ); bias all-gathered
 *   pair transition                 z by columns (pointwise: either split would do)
 *   all-to-all z                    columns → rows
 * N_res and N_seq are padded up to multiples of P (axis-split.ts); padding is masked.
 *
 * DISCREPANCY: FastFold all-gathers the outer-product-mean b whole; here it goes round as a ring
 * (each rank's outer products for one owner's residues while the next owner's shard arrives), so a
 * rank holds at most three shards of b instead of P.
 * DISCREPANCY: FastFold runs the triangle multiplications at the full hidden width at once; the
 * engine works in channel groups (plan/modules/pair-stack.ts), so the projection all-gathers run
 * once per group: same bytes, bounded buffers.
 */
import type { AF2Config, MsaStackConfig } from '../model/params/config.ts';
import { type AxisSplit, checkRanks, splitAxis } from './axis-split.ts';
import type { DapCollective, DapStep, PartitionPlan, PartitionRequest } from './types.ts';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Bytes of an all-to-all of a tensor of `elements` (full) over P ranks: each rank keeps 1/P of its shard. */
export function allToAllBytes(elements: number, P: number, elementBytes: number) {
  const perRank = ((elements / P) * (P - 1) * elementBytes) / P;
  return { bytesPerRank: perRank, bytesTotal: perRank * P };
}

/** Bytes of an all-gather of a tensor of `elements` (full): each rank sends its shard to P − 1 peers. */
export function allGatherBytes(elements: number, P: number, elementBytes: number) {
  const perRank = (elements / P) * (P - 1) * elementBytes;
  return { bytesPerRank: perRank, bytesTotal: perRank * P };
}

function steps(global: boolean): DapStep[] {
  return [
    { name: 'msa_row_attention_with_pair_bias', algorithm: 'Algorithm 7', m: 'sequences', z: 'rows' },
    global
      ? { name: 'msa_column_global_attention', algorithm: 'Algorithm 19', m: 'residues', z: null }
      : { name: 'msa_column_attention', algorithm: 'Algorithm 8', m: 'residues', z: null },
    { name: 'msa_transition', algorithm: 'Algorithm 9', m: 'residues', z: null },
    { name: 'outer_product_mean', algorithm: 'Algorithm 10', m: 'residues', z: 'rows' },
    { name: 'triangle_multiplication_outgoing', algorithm: 'Algorithm 11', m: null, z: 'rows' },
    { name: 'triangle_multiplication_incoming', algorithm: 'Algorithm 12', m: null, z: 'columns' },
    { name: 'triangle_attention_starting_node', algorithm: 'Algorithm 13', m: null, z: 'rows' },
    { name: 'triangle_attention_ending_node', algorithm: 'Algorithm 14', m: null, z: 'columns' },
    { name: 'pair_transition', algorithm: 'Algorithm 15', m: null, z: 'columns' },
  ];
}

interface Ctx {
  scope: string;
  P: number;
  el: number;
  res: AxisSplit;
  seq: AxisSplit;
}

function allToAll(
  c: Ctx,
  o: Omit<DapCollective, 'id' | 'kind' | 'elementBytes' | 'bytesPerRank' | 'bytesTotal'> & { id: string },
): DapCollective {
  return {
    ...o,
    id: `${c.scope}.${o.id}`,
    kind: 'all_to_all',
    elementBytes: c.el,
    ...allToAllBytes(product(o.shape), c.P, c.el),
  };
}

function allGather(
  c: Ctx,
  o: Omit<DapCollective, 'id' | 'kind' | 'elementBytes' | 'bytesPerRank' | 'bytesTotal' | 'toAxis'> & {
    id: string;
  },
): DapCollective {
  return {
    ...o,
    id: `${c.scope}.${o.id}`,
    kind: 'all_gather',
    toAxis: null,
    elementBytes: c.el,
    ...allGatherBytes(product(o.shape), c.P, c.el),
  };
}

function collectives(c: Ctx, cfg: MsaStackConfig, cm: number, cz: number, global: boolean): DapCollective[] {
  const L = c.res.padded;
  const S = c.seq.padded;
  const row = 'msa_row_attention_with_pair_bias';
  const col = global ? 'msa_column_global_attention' : 'msa_column_attention';
  const opm = 'outer_product_mean';
  const tmo = 'triangle_multiplication_outgoing';
  const tmi = 'triangle_multiplication_incoming';
  const tas = 'triangle_attention_starting_node';
  const tae = 'triangle_attention_ending_node';
  const C = cfg.outerProductMeanHidden;
  const zShape = [L, L, cz];
  const zRowsToColumns = (after: string, before: string, id: string) =>
    allToAll(c, {
      id,
      tensor: 'z',
      layout: '[N_res, N_res, c_z]',
      shape: zShape,
      fromAxis: 0,
      toAxis: 1,
      pieces: 'per row chunk',
      startAfter: after,
      waitBefore: before,
      overlapWith: [],
    });
  const zColumnsToRows = (after: string, before: string, id: string, overlapWith: string[] = []) =>
    allToAll(c, {
      id,
      tensor: 'z',
      layout: '[N_res, N_res, c_z]',
      shape: zShape,
      fromAxis: 1,
      toAxis: 0,
      pieces: 'per row chunk',
      startAfter: after,
      waitBefore: before,
      overlapWith,
    });
  return [
    allGather(c, {
      id: `${row}.bias`,
      tensor: 'pair bias LN(z)·W_b',
      layout: '[N_res (query i), N_res (key j), H]',
      shape: [L, L, cfg.msaRowAttentionWithPairBias.heads],
      fromAxis: 0,
      pieces: 'whole',
      startAfter: `${row}.bias`,
      waitBefore: `${row}.attention`,
      overlapWith: ['LN(m) and the q, k, v, gate projections of the local MSA rows'],
    }),
    allToAll(c, {
      id: 'm.sequences_to_residues',
      tensor: 'm',
      layout: '[N_seq, N_res, c_m]',
      shape: [S, L, cm],
      fromAxis: 0,
      toAxis: 1,
      pieces: 'per row chunk',
      startAfter: row,
      waitBefore: col,
      overlapWith: [],
    }),
    allGather(c, {
      id: `${opm}.right`,
      tensor: 'outer product mean right projection b (masked)',
      layout: '[N_res, C, N_seq]',
      shape: [L, C, S],
      fromAxis: 0,
      pieces: 'per rank shard (ring)',
      startAfter: `${opm}.project_right`,
      waitBefore: `${opm}.outer`,
      overlapWith: [
        'the left projection a of the local residues',
        'the outer products with the shard received before (ring: local + two shards in flight)',
      ],
    }),
    allToAll(c, {
      id: 'm.residues_to_sequences',
      tensor: 'm',
      layout: '[N_seq, N_res, c_m]',
      shape: [S, L, cm],
      fromAxis: 1,
      toAxis: 0,
      pieces: 'whole',
      startAfter: 'msa_transition',
      waitBefore: `next block: ${row}.attention`,
      overlapWith: [`${opm} (reads m only)`, 'the whole pair stack (Algorithms 11–15)'],
    }),
    allGather(c, {
      id: `${tmo}.right`,
      tensor: 'triangle multiplication right projection (masked, gated)',
      layout: '[c_h, N_res (j), N_res (k)] channel-major',
      shape: [cfg.triangleMultiplicationOutgoingHidden, L, L],
      fromAxis: 1,
      pieces: 'per channel group',
      startAfter: `${tmo}.project_right`,
      waitBefore: `${tmo}.product`,
      overlapWith: ['the left projection a and the output gate of the local z rows'],
    }),
    zRowsToColumns(`${tmo}.update`, tmi, 'z.rows_to_columns.1'),
    allGather(c, {
      id: `${tmi}.left`,
      tensor: 'triangle multiplication left projection (masked, gated)',
      layout: '[c_h, N_res (k), N_res (i)] channel-major',
      shape: [cfg.triangleMultiplicationIncomingHidden, L, L],
      fromAxis: 2,
      pieces: 'per channel group',
      startAfter: `${tmi}.project_left`,
      waitBefore: `${tmi}.product`,
      overlapWith: ['the right projection b and the output gate of the local z columns'],
    }),
    zColumnsToRows(`${tmi}.update`, tas, 'z.columns_to_rows.1'),
    allGather(c, {
      id: `${tas}.bias`,
      tensor: 'triangle attention bias LN(z)·W_b',
      layout: '[N_res (query j), N_res (key k), H]',
      shape: [L, L, cfg.triangleAttentionStartingNode.heads],
      fromAxis: 0,
      pieces: 'whole',
      startAfter: `${tas}.bias`,
      waitBefore: `${tas}.attention`,
      overlapWith: ['LN(z) and the q, k, v, gate projections of the local z rows'],
    }),
    zRowsToColumns(tas, tae, 'z.rows_to_columns.2'),
    allGather(c, {
      id: `${tae}.bias`,
      tensor: 'triangle attention bias LN(zᵀ)·W_b',
      layout: '[N_res (query j), N_res (key k), H] on zᵀ',
      shape: [L, L, cfg.triangleAttentionEndingNode.heads],
      fromAxis: 0,
      pieces: 'whole',
      startAfter: `${tae}.bias`,
      waitBefore: `${tae}.attention`,
      overlapWith: ['LN(zᵀ) and the q, k, v, gate projections of the local z columns'],
    }),
    zColumnsToRows('pair_transition', `next block: ${row}.bias`, 'z.columns_to_rows.2'),
  ];
}

export type DapStack = 'evoformer' | 'extra_msa';

/**
 * The partition plan of one block of `stack` for P = `req.ranks` ranks. For the extra-MSA stack
 * m is the extra MSA e [N_extra, N_res, c_e] and the column attention is global (Algorithm 19).
 */
export function partitionBlock(config: AF2Config, stack: DapStack, req: PartitionRequest): PartitionPlan {
  checkRanks(req.ranks);
  if (req.elementBytes !== 2 && req.elementBytes !== 4) {
    throw new RangeError(`DAP: elementBytes must be 2 (f16) or 4 (f32) (got ${req.elementBytes})`);
  }
  const cfg = stack === 'evoformer' ? config.evoformer : config.extraMsa;
  const cm = stack === 'evoformer' ? config.c_m : config.c_e;
  const global = stack === 'extra_msa';
  const P = req.ranks;
  const res = splitAxis(req.nRes, P, 'N_res');
  const seq = splitAxis(req.nSeq, P, stack === 'evoformer' ? 'N_seq' : 'N_extra');
  const c: Ctx = { scope: stack, P, el: req.elementBytes, res, seq };
  const L = res.padded;
  const S = seq.padded;
  const cz = config.c_z;
  const list = P === 1 ? [] : collectives(c, cfg, cm, cz, global);
  const sum = (f: (x: DapCollective) => number, kind?: DapCollective['kind']) =>
    list.filter((x) => kind === undefined || x.kind === kind).reduce((a, x) => a + f(x), 0);
  return {
    stack,
    ranks: P,
    elementBytes: req.elementBytes,
    residues: res,
    sequences: seq,
    m: {
      shape: [S, L, cm],
      layout: stack === 'evoformer' ? '[N_seq, N_res, c_m]' : '[N_extra, N_res, c_e]',
    },
    z: { shape: [L, L, cz], layout: '[N_res, N_res, c_z]' },
    shards: {
      m: { sequences: [seq.perRank, L, cm], residues: [S, res.perRank, cm] },
      z: { rows: [res.perRank, L, cz], columns: [L, res.perRank, cz] },
    },
    steps: steps(global),
    collectives: list,
    perBlock: {
      bytesPerRank: sum((x) => x.bytesPerRank),
      bytesTotal: sum((x) => x.bytesTotal),
      allToAllBytesTotal: sum((x) => x.bytesTotal, 'all_to_all'),
      allGatherBytesTotal: sum((x) => x.bytesTotal, 'all_gather'),
    },
  };
}

/** Where the data of step `name` lives between the exchanges: the split in force for m and z. */
export function splitsAt(plan: PartitionPlan, name: DapStep['name']): DapStep {
  const s = plan.steps.find((x) => x.name === name);
  if (!s) throw new RangeError(`DAP: step ${name} is not part of a ${plan.stack} block`);
  return s;
}
