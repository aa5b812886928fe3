/**
 * Memory plans of the MSA-side modules of an Evoformer-style block (Algorithms 7–10, 19), on an
 * MSA tensor m [rows, N_res, c] (the clustered MSA, or the extra MSA e), updated in place.
 *
 * MSA row attention with pair bias (Alg. 7):
 *   bias       b = LN(z)·W_b for all (i, j), by row chunks of z          → [N_res, N_res, H]
 *   attention  chunk of R MSA rows: LN → qkvg [R, N_res, 4HC] → fused attention with the bias
 *              → o [R, N_res, HC] → m += o·W_o + b_o   (row s reads only row s: in place is safe)
 * MSA column attention (Alg. 8): chunk of I residue columns: LN of m[:, I] gathered column-major
 *   → [I, rows, c] → qkvg [I, rows, 4HC] → attention over sequences → o [I, rows, HC]
 *   → m[:, I] += o·W_o + b_o. m is read and written one of its row segments at a time.
 * MSA column global attention (Alg. 19, extra MSA): chunk of I columns: LN → [I, rows, c],
 *   kvg [I, rows, 2C + HC] (shared k, v; per-head gate), q and o per column [I, 2·HC] f32,
 *   gated o [I, rows, HC] → m[:, I] += ….
 * MSA transition (Alg. 9): chunk of R rows: LN → [R, N_res, c], hidden [R, N_res, n·c].
 * Outer product mean (Alg. 10):
 *   project  chunk of R MSA rows: LN → [R, N_res, c], proj [R, N_res, 2C] scattered into
 *            a, b [N_res, C, rows] (residue-major, sequences fastest, masked)
 *   outer    block of I × J residues: outer = a_I · b_Jᵀ (sum over sequences, f32 accumulation)
 *            → [I, J, C·C], mask counts [I, J] f32, z[I, J] += (outer·W + b) / (1e-3 + count).
 *            The [N_res, N_res, C·C] tensor is never stored whole.
 *
 * With DAP over P ranks (src/dap/partition.ts) m is split by sequences for the row attention
 * (rows = the rank's ⌈N_seq/P⌉ rows, all N_res) and by residues for the column attention, the
 * transition and the outer product mean (all padded N_seq rows, Lr = N_res/P residues: the
 * `residuePhase`). The row attention computes the pair bias on the rank's Lr rows of z and
 * all-gathers it whole; the outer product mean keeps a [Lr, C, N_seq] local and all-gathers
 * b [N_res, C, N_seq], and adds into the rank's own Lr rows of z.
 */
import { grid, type PlanContext } from '../context.ts';
import { attentionGrid, elementwiseGrid, globalAttentionGrid, matmulGrid, rowsGrid } from '../workgroups.ts';

/** The MSA tensor a stack updates. */
export interface MsaTarget {
  name: string;
  /** Rows (sequences) this rank holds when m is split by sequences (all of them when P = 1). */
  rows: number;
  c: number;
  rowsPerSegment: number;
}

/** m as a rank holds it when split by residues: all (padded) rows, `width` residues. */
interface ResiduePhase {
  rows: number;
  width: number;
  rowsPerSegment: number;
}

export function residuePhase(ctx: PlanContext, m: MsaTarget): ResiduePhase {
  if (ctx.ranks === 1) return { rows: m.rows, width: ctx.L, rowsPerSegment: m.rowsPerSegment };
  const rows = m.rows * ctx.ranks;
  const shard = ctx.decl(m.name, [rows, ctx.Lr, m.c], '[N_seq, N_res / P, c]');
  return { rows, width: ctx.Lr, rowsPerSegment: ctx.rowsPerSegment(shard) };
}

export function msaRowAttentionPlan(
  ctx: PlanContext,
  scope: string,
  m: MsaTarget,
  zRowsPerSegment: number,
  heads: number,
  headDim: number,
  repeat: number,
): void {
  const { L, Lr } = ctx;
  const cz = ctx.config.c_z;
  const where = `${scope}.msa_row_attention_with_pair_bias`;
  const HC = heads * headDim;
  ctx.stage(`${where}.bias`, repeat);
  const bias = ctx.alloc(ctx.decl(`${where}.bias`, [L, L, heads], '[N_res (query i), N_res (key j), H]'));
  const biasShape = (R: number) => ({
    transients: [ctx.decl(`${where}.bias_ln`, [R, L, cz], '[R, N_res, c_z]')],
    grids: [grid('layernorm', rowsGrid(R * L)), grid('matmul', matmulGrid(R * L, heads))],
  });
  const biasMax = Math.min(Lr, zRowsPerSegment, bias.rowsPerSegment);
  const Rb = ctx.fit(`${where}.bias`, biasMax, biasShape);
  ctx.module(where, { biasRows: Rb }, { biasRows: ctx.chunkCount(Lr, Rb, biasMax) }, biasShape(Rb));

  ctx.stage(`${where}.attention`, repeat);
  const queries = Math.min(L, bias.rowsPerSegment);
  const attShape = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, L, m.c], '[R, N_res, c_m]'),
      ctx.decl(`${where}.qkvg`, [R, L, 4 * HC], '[R, N_res, 4·H·C] (q, k, v, gate)'),
      ctx.decl(`${where}.o`, [R, L, HC], '[R, N_res, H·C] gated'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, 4 * HC)),
      grid('attention', attentionGrid(queries, heads, R)),
      grid('matmul', matmulGrid(R * L, m.c)),
    ],
  });
  const attMax = Math.min(m.rows, m.rowsPerSegment);
  const R = ctx.fit(`${where}.attention`, attMax, attShape);
  ctx.module(
    where,
    { rows: R, queries },
    { rows: ctx.chunkCount(m.rows, R, attMax), queries: ctx.chunkCount(L, queries, bias.rowsPerSegment) },
    attShape(R),
  );
  ctx.free(bias.name);
}

export function msaColumnAttentionPlan(
  ctx: PlanContext,
  scope: string,
  m: MsaTarget,
  heads: number,
  headDim: number,
  repeat: number,
): void {
  const where = `${scope}.msa_column_attention`;
  const HC = heads * headDim;
  const ph = residuePhase(ctx, m);
  const S = ph.rows;
  const segRows = Math.min(S, ph.rowsPerSegment);
  ctx.stage(where, repeat);
  const shape = (I: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [I, S, m.c], '[I, N_seq, c_m] column-major'),
      ctx.decl(`${where}.qkvg`, [I, S, 4 * HC], '[I, N_seq, 4·H·C] (q, k, v, gate)'),
      ctx.decl(`${where}.o`, [I, S, HC], '[I, N_seq, H·C] gated'),
    ],
    grids: [
      grid('layernorm', rowsGrid(segRows * I)),
      grid('matmul', matmulGrid(I * S, 4 * HC)),
      grid('attention', attentionGrid(S, heads, I)),
      grid('matmul', matmulGrid(segRows * I, m.c)),
    ],
  });
  const I = ctx.fit(where, ph.width, shape);
  ctx.module(
    where,
    { columns: I, msaRowsPerSegment: segRows },
    { columns: ctx.chunkCount(ph.width, I), msaSegments: ctx.chunkCount(S, segRows) },
    shape(I),
  );
}

export function msaColumnGlobalAttentionPlan(
  ctx: PlanContext,
  scope: string,
  m: MsaTarget,
  heads: number,
  headDim: number,
  repeat: number,
): void {
  const where = `${scope}.msa_column_global_attention`;
  const C = headDim;
  const HC = heads * headDim;
  const ph = residuePhase(ctx, m);
  const S = ph.rows;
  const segRows = Math.min(S, ph.rowsPerSegment);
  ctx.stage(where, repeat);
  const shape = (I: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [I, S, m.c], '[I, N_extra, c_e] column-major'),
      ctx.decl(`${where}.kvg`, [I, S, 2 * C + HC], '[I, N_extra, 2C + H·C] (k, v shared; gate)'),
      ctx.f32(`${where}.qo`, [I, 2 * HC], '[I, 2·H·C] (q, o per column)'),
      ctx.decl(`${where}.go`, [I, S, HC], '[I, N_extra, H·C] gate ⊙ o'),
    ],
    grids: [
      grid('layernorm', rowsGrid(segRows * I)),
      grid('matmul', matmulGrid(I * S, 2 * C + HC)),
      grid('global_attention', globalAttentionGrid(I, heads)),
      grid('elementwise', elementwiseGrid(I * S * HC)),
      grid('matmul', matmulGrid(segRows * I, m.c)),
    ],
  });
  const I = ctx.fit(where, ph.width, shape);
  ctx.module(
    where,
    { columns: I, msaRowsPerSegment: segRows },
    { columns: ctx.chunkCount(ph.width, I), msaSegments: ctx.chunkCount(S, segRows) },
    shape(I),
  );
}

export function msaTransitionPlan(
  ctx: PlanContext,
  scope: string,
  m: MsaTarget,
  hidden: number,
  repeat: number,
): void {
  const where = `${scope}.msa_transition`;
  const ph = residuePhase(ctx, m);
  const L = ph.width;
  ctx.stage(where, repeat);
  const shape = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, L, m.c], '[R, N_res, c]'),
      ctx.decl(`${where}.hidden`, [R, L, hidden], '[R, N_res, n·c]'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, hidden)),
      grid('matmul', matmulGrid(R * L, m.c)),
    ],
  });
  const maxRows = Math.min(ph.rows, ph.rowsPerSegment);
  const R = ctx.fit(where, maxRows, shape);
  ctx.module(where, { rows: R }, { rows: ctx.chunkCount(ph.rows, R, maxRows) }, shape(R));
}

export function outerProductMeanPlan(
  ctx: PlanContext,
  scope: string,
  m: MsaTarget,
  zRowsPerSegment: number,
  hidden: number,
  repeat: number,
): void {
  const { L } = ctx;
  const cz = ctx.config.c_z;
  const C = hidden;
  const ph = residuePhase(ctx, m);
  const S = ph.rows;
  const W = ph.width;
  const where = `${scope}.outer_product_mean`;
  ctx.stage(`${where}.project`, repeat);
  // DAP: a holds the rank's residues; b is all-gathered over residues as a ring: the local shard
  // and at most two shards in flight (the outer products of one while the next arrives).
  const bRows = ctx.ranks === 1 ? L : Math.min(ctx.ranks, 3) * W;
  const bLayout =
    ctx.ranks === 1
      ? '[N_res, C, N_seq] (masked right projection)'
      : '[shards (local + 2 in flight) × N_res/P, C, N_seq] (masked right projection, ring all-gather)';
  const a = ctx.alloc(ctx.decl(`${where}.a`, [W, C, S], '[N_res, C, N_seq] (masked left projection)'));
  const b = ctx.alloc(ctx.decl(`${where}.b`, [bRows, C, S], bLayout));
  const projShape = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, W, m.c], '[R, N_res, c_m]'),
      ctx.decl(`${where}.proj`, [R, W, 2 * C], '[R, N_res, 2C]'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * W)),
      grid('matmul', matmulGrid(R * W, 2 * C)),
      grid('elementwise', elementwiseGrid(R * Math.min(W, a.rowsPerSegment) * 2 * C)),
    ],
  });
  const projMax = Math.min(S, ph.rowsPerSegment);
  const R = ctx.fit(`${where}.project`, projMax, projShape);
  ctx.module(where, { projectRows: R }, { projectRows: ctx.chunkCount(S, R, projMax) }, projShape(R));

  ctx.stage(`${where}.outer`, repeat);
  const outerShape = (I: number, J: number) => ({
    transients: [
      ctx.decl(`${where}.outer`, [I, J, C * C], '[I, J, C·C]'),
      ctx.f32(`${where}.count`, [I, J], '[I, J] Σ_s mask_si mask_sj'),
    ],
    grids: [
      grid('matmul', matmulGrid(I * C, J * C)),
      grid('matmul', matmulGrid(I, J)),
      grid('matmul', matmulGrid(I * J, cz)),
    ],
  });
  const jMax = Math.min(ctx.ranks === 1 ? L : W, b.rowsPerSegment);
  const J = ctx.fit(`${where}.outer`, jMax, (j) => outerShape(1, j));
  const iMax = Math.min(W, a.rowsPerSegment, zRowsPerSegment);
  const I = ctx.fit(`${where}.outer`, iMax, (i) => outerShape(i, J));
  ctx.module(
    where,
    { blockRows: I, blockColumns: J },
    { blockRows: ctx.chunkCount(W, I, iMax), blockColumns: ctx.chunkCount(L, J, jMax) },
    outerShape(I, J),
  );
  ctx.free(a.name);
  ctx.free(b.name);
}
