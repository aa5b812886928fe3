/**
 * The module order of one Evoformer-style block (Algorithm 6 lines 2–10; Algorithm 18 for the
 * extra-MSA stack with global column attention), as memory stages repeated `blocks` times.
 */
import type { MsaStackConfig } from '../../model/params/config.ts';
import type { PlanContext } from './context.ts';
import {
  type MsaTarget,
  msaColumnAttentionPlan,
  msaColumnGlobalAttentionPlan,
  msaRowAttentionPlan,
  msaTransitionPlan,
  outerProductMeanPlan,
} from './modules/msa-stack.ts';
import {
  type PairTarget,
  pairTransitionPlan,
  triangleAttentionPlan,
  triangleMultiplicationPlan,
} from './modules/pair-stack.ts';

export function msaStackPlan(
  ctx: PlanContext,
  scope: string,
  cfg: MsaStackConfig,
  m: MsaTarget,
  z: PairTarget,
  globalColumn: boolean,
): void {
  const n = cfg.blocks;
  if (n === 0) return;
  const row = cfg.msaRowAttentionWithPairBias;
  msaRowAttentionPlan(ctx, scope, m, z.rowsPerSegment, row.heads, row.headDim, n);
  const col = cfg.msaColumnAttention;
  if (globalColumn) msaColumnGlobalAttentionPlan(ctx, scope, m, col.heads, col.headDim, n);
  else msaColumnAttentionPlan(ctx, scope, m, col.heads, col.headDim, n);
  msaTransitionPlan(ctx, scope, m, cfg.msaTransitionHidden, n);
  outerProductMeanPlan(ctx, scope, m, z.rowsPerSegment, cfg.outerProductMeanHidden, n);
  triangleMultiplicationPlan(ctx, scope, 'outgoing', z, cfg.triangleMultiplicationOutgoingHidden, n);
  triangleMultiplicationPlan(ctx, scope, 'incoming', z, cfg.triangleMultiplicationIncomingHidden, n);
  const start = cfg.triangleAttentionStartingNode;
  triangleAttentionPlan(ctx, scope, 'starting', z, start.heads, start.headDim, n);
  const end = cfg.triangleAttentionEndingNode;
  triangleAttentionPlan(ctx, scope, 'ending', z, end.heads, end.headDim, n);
  pairTransitionPlan(ctx, scope, z, cfg.pairTransitionHidden, n);
}
