/**
 * Memory plans of the pair-stack modules (Algorithms 11–15), shared by the Evoformer, the
 * extra-MSA stack and the template pair stack. All update the pair tensor p [N_res, N_res, c]
 * in place, one row chunk at a time, and use the pair scratch tensor X [N_res, N_res, c_x]
 * (c_x ≥ c and ≥ the triangle-multiplication hidden width) for what must not be written into p
 * while p is still being read.
 *
 * Triangle multiplication (Alg. 11/12), hidden width c_h, in two stages:
 *   project  for each group of G hidden channels (c_h / G passes over p):
 *              for each row chunk of R rows of p:  LN(p) → [R, N_res, c]
 *                proj = LN(p)·[W_left | W_left_gate | W_right | W_right_gate]_G  → [R, N_res, 4G]
 *                left/right = mask · sigmoid(gate) ⊙ proj, written channel-major → [G, N_res, N_res]
 *              t_g = per-channel product (outgoing Σ_k l_ik r_jk, incoming Σ_k l_ki r_kj)
 *                written into channels g of X (as [N_res, N_res, c_h]), rows within X's segments
 *   update   for each row chunk: p += sigmoid(LN(p)·W_g) ⊙ (LN_center(t)·W_out + b)
 *            (reads old p rows and t rows, writes the same p rows: in place is safe, because the
 *            whole of t was produced from the old p before any row of p changes)
 * Triangle attention (Alg. 13/14):
 *   ending node only: transpose p → X in tiles (the starting-node algorithm then runs on X with
 *                     the transposed mask, and X is transposed back into p at the end)
 *   bias       b = LN(p)·W_b for all (j, k), from the old p    → [N_res, N_res, H], by row chunks
 *   attention  row chunk of R rows i: LN → qkvg [R, N_res, 4HC] → fused attention with the
 *              bias (online softmax; logits never stored) → o [R, N_res, HC] → p += o·W_o + b_o
 *              (row i reads only row i and the bias: in place is safe)
 * Pair transition (Alg. 15): row chunk: LN → [R, N_res, c], hidden [R, N_res, n·c], p += ….
 *
 * With DAP over P ranks (src/dap/partition.ts) every rank runs the same modules on its Lr = L/P
 * pair rows (row-split steps) or on Lr rows of pᵀ (column-split steps: the all-to-all that turns
 * rows into columns writes each received block transposed, so the ending-node attention and the
 * incoming multiplication read rows of pᵀ and need no transpose stages). The triangle
 * multiplication keeps one projection local [G, Lr, L] and all-gathers the other [G, L, L]; the
 * attention biases are all-gathered whole [L, L, H].
 */
import { grid, type PlanContext } from '../context.ts';
import { attentionGrid, elementwiseGrid, matmulGrid, rowsGrid, transposeGrid } from '../workgroups.ts';

/** The pair tensor a stack updates and the scratch it may use. */
export interface PairTarget {
  /** Tensor name (`z` or `template.t`). */
  name: string;
  c: number;
  rowsPerSegment: number;
  /** Pair scratch rows per buffer (X is [N_res, N_res, c_x]). */
  scratchRowsPerSegment: number;
}

export function pairTransitionPlan(
  ctx: PlanContext,
  scope: string,
  p: PairTarget,
  hidden: number,
  repeat: number,
): void {
  const { L } = ctx;
  const where = `${scope}.pair_transition`;
  const { Lr } = ctx;
  ctx.stage(where, repeat);
  const shapeOf = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, L, p.c], '[R, N_res, c]'),
      ctx.decl(`${where}.hidden`, [R, L, hidden], '[R, N_res, n·c]'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, hidden)),
      grid('matmul', matmulGrid(R * L, p.c)),
    ],
  });
  const maxRows = Math.min(Lr, p.rowsPerSegment);
  const R = ctx.fit(where, maxRows, shapeOf);
  ctx.module(where, { rows: R }, { rows: ctx.chunkCount(Lr, R, maxRows) }, shapeOf(R));
}

export function triangleMultiplicationPlan(
  ctx: PlanContext,
  scope: string,
  direction: 'outgoing' | 'incoming',
  p: PairTarget,
  hidden: number,
  repeat: number,
): void {
  const { L } = ctx;
  const where = `${scope}.triangle_multiplication_${direction}`;
  const { Lr } = ctx;
  const outRows = Math.min(Lr, p.scratchRowsPerSegment);
  // Stage 1: channel groups of G, each a full pass over p in row chunks.
  ctx.stage(`${where}.project`, repeat);
  const groupShape = (G: number) => ({
    transients: [
      ctx.decl(`${where}.left`, [G, Lr, L], '[G, N_res, N_res] channel-major'),
      ctx.decl(`${where}.right`, [G, L, L], '[G, N_res, N_res] channel-major'),
    ],
    grids: [grid('matmul', matmulGrid(outRows, L, G))],
  });
  const G = ctx.fit(`${where}.project`, hidden, groupShape);
  const rowMax = Math.min(Lr, p.rowsPerSegment);
  const projShape = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, L, p.c], '[R, N_res, c]'),
      ctx.decl(`${where}.proj`, [R, L, 4 * G], '[R, N_res, 4G] (left, left gate, right, right gate)'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, 4 * G)),
      grid('elementwise', elementwiseGrid(R * L * 2 * G)),
    ],
  });
  const R = ctx.fit(`${where}.project`, rowMax, projShape);
  const g = groupShape(G);
  const pr = projShape(R);
  ctx.module(
    where,
    { channels: G, projectRows: R, productRows: outRows },
    {
      channels: Math.ceil(hidden / G),
      projectRows: ctx.chunkCount(Lr, R, rowMax),
      productRows: ctx.chunkCount(Lr, outRows),
    },
    { transients: [...g.transients, ...pr.transients], grids: [...pr.grids, ...g.grids] },
  );
  // Stage 2: gated output projection of LN(t), added into p row chunk by row chunk.
  ctx.stage(`${where}.update`, repeat);
  const updMax = Math.min(Lr, p.rowsPerSegment, p.scratchRowsPerSegment);
  const updShape = (U: number) => ({
    transients: [
      ctx.decl(`${where}.ln_p`, [U, L, p.c], '[R, N_res, c]'),
      ctx.decl(`${where}.gate`, [U, L, p.c], '[R, N_res, c]'),
      ctx.decl(`${where}.ln_t`, [U, L, hidden], '[R, N_res, c_h]'),
    ],
    grids: [
      grid('layernorm', rowsGrid(U * L)),
      grid('matmul', matmulGrid(U * L, p.c)),
      grid('layernorm', rowsGrid(U * L)),
      grid('matmul', matmulGrid(U * L, p.c)),
    ],
  });
  const U = ctx.fit(`${where}.update`, updMax, updShape);
  ctx.module(where, { updateRows: U }, { updateRows: ctx.chunkCount(Lr, U, updMax) }, updShape(U));
}

export function triangleAttentionPlan(
  ctx: PlanContext,
  scope: string,
  node: 'starting' | 'ending',
  p: PairTarget,
  heads: number,
  headDim: number,
  repeat: number,
): void {
  const { L } = ctx;
  const where = `${scope}.triangle_attention_${node}_node`;
  const { Lr } = ctx;
  const H = heads;
  const HC = heads * headDim;
  // The tensor attended in place: p itself, or its transpose in the scratch.
  // With DAP the ending node reads rows of pᵀ that the all-to-all delivered into p itself.
  const transposed = node === 'ending' && ctx.ranks === 1;
  const targetRows = transposed ? p.scratchRowsPerSegment : p.rowsPerSegment;
  const transpose = () =>
    grid('transpose', transposeGrid(Math.min(L, p.rowsPerSegment), Math.min(L, p.scratchRowsPerSegment)));
  if (transposed) {
    ctx.stage(`${where}.transpose_in`, repeat);
    ctx.module(where, {}, {}, { transients: [], grids: [transpose()] });
  }
  ctx.stage(`${where}.bias`, repeat);
  const bias = ctx.alloc(ctx.decl(`${where}.bias`, [L, L, H], '[N_res (query j), N_res (key k), H]'));
  const biasShape = (R: number) => ({
    transients: [ctx.decl(`${where}.bias_ln`, [R, L, p.c], '[R, N_res, c]')],
    grids: [grid('layernorm', rowsGrid(R * L)), grid('matmul', matmulGrid(R * L, H))],
  });
  const biasMax = Math.min(Lr, targetRows, bias.rowsPerSegment);
  const Rb = ctx.fit(`${where}.bias`, biasMax, biasShape);
  ctx.module(where, { biasRows: Rb }, { biasRows: ctx.chunkCount(Lr, Rb, biasMax) }, biasShape(Rb));

  ctx.stage(`${where}.attention`, repeat);
  const queries = Math.min(L, bias.rowsPerSegment);
  const attShape = (R: number) => ({
    transients: [
      ctx.decl(`${where}.ln`, [R, L, p.c], '[R, N_res, c]'),
      ctx.decl(`${where}.qkvg`, [R, L, 4 * HC], '[R, N_res, 4·H·C] (q, k, v, gate)'),
      ctx.decl(`${where}.o`, [R, L, HC], '[R, N_res, H·C] gated'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, 4 * HC)),
      grid('attention', attentionGrid(queries, H, R)),
      grid('matmul', matmulGrid(R * L, p.c)),
    ],
  });
  const attMax = Math.min(Lr, targetRows);
  const R = ctx.fit(`${where}.attention`, attMax, attShape);
  ctx.module(
    where,
    { rows: R, queries },
    { rows: ctx.chunkCount(Lr, R, attMax), queries: ctx.chunkCount(L, queries, bias.rowsPerSegment) },
    attShape(R),
  );
  ctx.free(bias.name);
  if (transposed) {
    ctx.stage(`${where}.transpose_out`, repeat);
    ctx.module(where, {}, {}, { transients: [], grids: [transpose()] });
  }
}
