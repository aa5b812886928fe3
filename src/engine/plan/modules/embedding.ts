/**
 * Memory plans of the embedders (Algorithms 3–5, 32, Algorithm 2 lines 5–8 and 14–15) and of
 * the single projection after the Evoformer (Algorithm 2 line 17).
 *
 *   embed_pair   z_ij = a_i + b_j + relpos_ij, plus (recycling) LN(z^prev_ij) + Linear(dgram_ij):
 *                elementwise per (i, j), so it is computed in place over z^prev, one z segment at a
 *                time; a, b [N_res, 2·c_z]; pseudo-β of the previous positions [N_res, 3] f32.
 *   embed_extra  e = Linear(extra_msa_feat), feat [N_extra, N_res, 25] f32 uploaded for this
 *                stage only; e [N_extra, N_res, c_e] and its mask live until the extra stack ends.
 *   embed_msa    m = Linear(target_feat)_i + Linear(msa_feat)_si (+ template torsion rows, + LN of
 *                the previous first row on row 0); msa_feat [N_seq, N_res, 49] f32 for this
 *                stage only; m [N_seq + N_templ, N_res, c_m] and its mask live until `single`.
 *   single       s = Linear(m_1) [N_res, c_s]; m_1 is copied to the recycling state; m is freed.
 * The extra MSA is embedded and processed before m exists, so e and m are never live together.
 * With DAP (P ranks) each rank embeds its own Lr rows of z and its own ⌈N_seq/P⌉, ⌈N_extra/P⌉
 * MSA rows; the per-residue inputs are replicated.
 */
import { grid, type PlanContext } from '../context.ts';
import { elementwiseGrid, matmulGrid, rowsGrid } from '../workgroups.ts';

const K = { targetFeat: 22, msaFeat: 49, extraMsaFeat: 25, templateAngleFeat: 57 } as const;

export function embedPairPlan(ctx: PlanContext, zRowsPerSegment: number): void {
  const { L, Lr } = ctx;
  const cz = ctx.config.c_z;
  ctx.stage('embed_pair');
  const R = Math.min(Lr, zRowsPerSegment);
  const shape = {
    transients: [
      ctx.decl('embed_pair.single', [L, 2 * cz], '[N_res, 2·c_z] (left, right single)'),
      ctx.f32('embed_pair.pseudo_beta', [L, 3], '[N_res, 3] previous pseudo-β positions'),
    ],
    grids: [
      grid('matmul', matmulGrid(L, 2 * cz)),
      grid('rows', rowsGrid(R * L)),
      grid('elementwise', elementwiseGrid(R * L * cz)),
    ],
  };
  ctx.module('embed_pair', { rows: R }, { rows: ctx.chunkCount(Lr, R) }, shape);
}

export function embedExtraPlan(ctx: PlanContext): { rows: number; c: number; rowsPerSegment: number } {
  const { L } = ctx;
  const E = ctx.localRows(ctx.sizes.nExtra);
  const ce = ctx.config.c_e;
  ctx.stage('embed_extra');
  const feat = ctx.alloc(
    ctx.f32('input.extra_msa_feat', [E, L, K.extraMsaFeat], '[N_extra, N_res, 25]', 'input'),
  );
  const e = ctx.alloc(ctx.decl('e', [E, L, ce], '[N_extra, N_res, c_e] extra MSA activations', 'activation'));
  ctx.alloc(ctx.f32('input.extra_msa_mask', [E, L], '[N_extra, N_res]', 'input'));
  const maxRows = Math.min(Math.max(E, 1), feat.rowsPerSegment, e.rowsPerSegment);
  const shape = (R: number) => ({ transients: [], grids: [grid('matmul', matmulGrid(R * L, ce))] });
  const R = ctx.fit('embed_extra', maxRows, shape);
  ctx.module('embed_extra', { rows: R }, { rows: ctx.chunkCount(E, R, maxRows) }, shape(R));
  ctx.free(feat.name);
  return { rows: E, c: ce, rowsPerSegment: e.rowsPerSegment };
}

export function freeExtra(ctx: PlanContext): void {
  ctx.free('e');
  ctx.free('input.extra_msa_mask');
}

export function embedMsaPlan(ctx: PlanContext): { rows: number; c: number; rowsPerSegment: number } {
  const { L } = ctx;
  const { nSeq, nTempl: T } = ctx.sizes;
  const S = ctx.localRows(nSeq);
  const cm = ctx.config.c_m;
  const rows = ctx.localRows(nSeq + T);
  ctx.stage('embed_msa');
  const feat = ctx.alloc(ctx.f32('input.msa_feat', [S, L, K.msaFeat], '[N_seq, N_res, 49]', 'input'));
  const m = ctx.alloc(
    ctx.decl('m', [rows, L, cm], '[N_seq + N_templ, N_res, c_m] MSA activations', 'activation'),
  );
  ctx.alloc(ctx.f32('input.msa_mask', [rows, L], '[N_seq + N_templ, N_res]', 'input'));
  const maxRows = Math.min(Math.max(S, 1), feat.rowsPerSegment, m.rowsPerSegment);
  const R = ctx.fit('embed_msa', maxRows, (n) => ({
    transients: [],
    grids: [grid('matmul', matmulGrid(n * L, cm))],
  }));
  const transients = [
    ctx.decl('embed_msa.target', [L, cm], '[N_res, c_m] Linear(target_feat)'),
    ctx.decl('embed_msa.prev_row', [L, cm], '[N_res, c_m] LN(m^prev_1)'),
  ];
  const grids = [grid('matmul', matmulGrid(L, cm)), grid('matmul', matmulGrid(R * L, cm))];
  if (T > 0) {
    transients.push(ctx.decl('embed_msa.template_hidden', [T, L, cm], '[N_templ, N_res, c_m]'));
    grids.push(grid('matmul', matmulGrid(T * L, cm)));
  }
  ctx.module('embed_msa', { rows: R }, { rows: ctx.chunkCount(S, R, maxRows) }, { transients, grids });
  ctx.free(feat.name);
  return { rows, c: cm, rowsPerSegment: m.rowsPerSegment };
}

export function singlePlan(ctx: PlanContext): void {
  const { L } = ctx;
  ctx.stage('single');
  ctx.alloc(ctx.decl('s', [L, ctx.config.c_s], '[N_res, c_s] single representation', 'activation'));
  ctx.module(
    'single',
    {},
    {},
    {
      transients: [],
      grids: [
        grid('matmul', matmulGrid(L, ctx.config.c_s)),
        grid('elementwise', elementwiseGrid(L * ctx.config.c_m)),
      ],
    },
  );
  ctx.free('m');
  ctx.free('input.msa_mask');
}
