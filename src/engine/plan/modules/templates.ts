/**
 * Memory plan of the template embedding (Algorithms 16–17): one template at a time, with the
 * pointwise attention over templates accumulated online, so only one template pair tensor is
 * ever on the device.
 *
 *   template.embed      t = Linear(template_pair_feat) [N_res, N_res, c_t]; the 88 pair features
 *                       are built on the device from the template inputs, one row chunk at a
 *                       time ([R, N_res, 88] f32)
 *   template pair stack (Alg. 16) on t with the pair scratch: see pair-stack.ts
 *   template.pointwise_attention  chunk of R rows: LN(t) [R, N_res, c_t], q = z·W_q [R, N_res, HC],
 *                       kv [R, N_res, 2HC]; running max/sum [N_res, N_res, 2H] f32 and weighted
 *                       values [N_res, N_res, HC] f32 updated (online softmax over templates);
 *                       t is freed
 *   template.finalize   z += (acc / sum)·W_o + b_o (× any-template mask), row chunk o [R, N_res, HC]
 * With DAP (P ranks) every pair tensor here holds the rank's Lr = N_res/P rows: [Lr, N_res, …].
 * DISCREPANCY (numerics only): the softmax over templates is evaluated online, one template at a
 * time, rather than over all templates at once; the result is the same up to rounding.
 */
import { grid, type PlanContext } from '../context.ts';
import { elementwiseGrid, matmulGrid, rowsGrid } from '../workgroups.ts';
import {
  type PairTarget,
  pairTransitionPlan,
  triangleAttentionPlan,
  triangleMultiplicationPlan,
} from './pair-stack.ts';

const TEMPLATE_PAIR_FEAT = 88;

export function templatesPlan(
  ctx: PlanContext,
  zRowsPerSegment: number,
  scratchRows: (c: number) => number,
): void {
  const tpl = ctx.config.template;
  const T = ctx.sizes.nTempl;
  const ct = ctx.config.c_t;
  if (!tpl || T === 0 || ct === null) return;
  const { L, Lr } = ctx;
  const cz = ctx.config.c_z;
  const pw = tpl.pointwiseAttention;
  const HC = pw.heads * pw.headDim;
  const acc = ctx.alloc(ctx.f32('template.acc', [Lr, L, HC], '[N_res, N_res, H·C] Σ exp·v over templates'));
  const stats = ctx.alloc(
    ctx.f32('template.stats', [Lr, L, 2 * pw.heads], '[N_res, N_res, 2H] running max, sum'),
  );

  ctx.stage('template.embed', T);
  const t = ctx.alloc(ctx.decl('template.t', [Lr, L, ct], '[N_res, N_res, c_t] one template', 'activation'));
  const embShape = (R: number) => ({
    transients: [ctx.f32('template.embed.feat', [R, L, TEMPLATE_PAIR_FEAT], '[R, N_res, 88]')],
    grids: [
      grid('elementwise', elementwiseGrid(R * L * TEMPLATE_PAIR_FEAT)),
      grid('matmul', matmulGrid(R * L, ct)),
    ],
  });
  const embMax = Math.min(Lr, t.rowsPerSegment);
  const Re = ctx.fit('template.embed', embMax, embShape);
  ctx.module('template.embed', { rows: Re }, { rows: ctx.chunkCount(Lr, Re, embMax) }, embShape(Re));

  const p: PairTarget = {
    name: t.name,
    c: ct,
    rowsPerSegment: t.rowsPerSegment,
    scratchRowsPerSegment: scratchRows(ct),
  };
  const stack = tpl.pairStack;
  const n = stack.blocks * T;
  // Algorithm 16 order: attention before multiplication.
  const s = 'template_pair_stack';
  triangleAttentionPlan(
    ctx,
    s,
    'starting',
    p,
    stack.triangleAttentionStartingNode.heads,
    stack.triangleAttentionStartingNode.headDim,
    n,
  );
  triangleAttentionPlan(
    ctx,
    s,
    'ending',
    p,
    stack.triangleAttentionEndingNode.heads,
    stack.triangleAttentionEndingNode.headDim,
    n,
  );
  triangleMultiplicationPlan(ctx, s, 'outgoing', p, stack.triangleMultiplicationOutgoingHidden, n);
  triangleMultiplicationPlan(ctx, s, 'incoming', p, stack.triangleMultiplicationIncomingHidden, n);
  pairTransitionPlan(ctx, s, p, stack.pairTransitionHidden, n);

  ctx.stage('template.pointwise_attention', T);
  const rowMax = Math.min(Lr, t.rowsPerSegment, zRowsPerSegment, acc.rowsPerSegment, stats.rowsPerSegment);
  const pwShape = (R: number) => ({
    transients: [
      ctx.decl('template.pointwise_attention.ln', [R, L, ct], '[R, N_res, c_t]'),
      ctx.decl('template.pointwise_attention.q', [R, L, HC], '[R, N_res, H·C]'),
      ctx.decl('template.pointwise_attention.kv', [R, L, 2 * HC], '[R, N_res, 2·H·C]'),
    ],
    grids: [
      grid('layernorm', rowsGrid(R * L)),
      grid('matmul', matmulGrid(R * L, HC)),
      grid('matmul', matmulGrid(R * L, 2 * HC)),
      grid('elementwise', elementwiseGrid(R * L * pw.heads)),
    ],
  });
  const Rp = ctx.fit('template.pointwise_attention', rowMax, pwShape);
  ctx.module(
    'template.pointwise_attention',
    { rows: Rp },
    { rows: ctx.chunkCount(Lr, Rp, rowMax) },
    pwShape(Rp),
  );
  ctx.free(t.name);

  ctx.stage('template.finalize');
  const finShape = (R: number) => ({
    transients: [ctx.decl('template.finalize.o', [R, L, HC], '[R, N_res, H·C]')],
    grids: [grid('elementwise', elementwiseGrid(R * L * HC)), grid('matmul', matmulGrid(R * L, cz))],
  });
  const finMax = Math.min(Lr, zRowsPerSegment, acc.rowsPerSegment, stats.rowsPerSegment);
  const Rf = ctx.fit('template.finalize', finMax, finShape);
  ctx.module('template.finalize', { rows: Rf }, { rows: ctx.chunkCount(Lr, Rf, finMax) }, finShape(Rf));
  ctx.free(acc.name);
  ctx.free(stats.name);
}
