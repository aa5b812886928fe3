/**
 * The plan as JSON (what `webfold plan` prints): the same object with the weight buffers
 * summarised (their list is `plan.buffers` with role `weights`), the tensors left out (the
 * buffers carry them), and byte counts also given in MiB/GiB for reading.
 */
import { formatBytes } from './errors.ts';
import type { DapPlanSummary, ExecutionPlan } from './types.ts';

export function planToJson(plan: ExecutionPlan): Record<string, unknown> {
  const activations = plan.buffers.filter((b) => b.role !== 'weights');
  const dap = plan.dap ? { dap: dapToJson(plan.dap) } : {};
  return {
    model: plan.model,
    sizes: plan.sizes,
    device: plan.device,
    precision: plan.precision,
    budgetBytes: plan.budgetBytes,
    maxBufferBytes: plan.maxBufferBytes,
    chunkTargetBytes: plan.chunkTargetBytes,
    peak: {
      ...plan.peak,
      human: formatBytes(plan.peak.bytes),
      withinBudget: plan.budgetBytes === null ? null : plan.peak.bytes <= plan.budgetBytes,
    },
    weights: { ...plan.weights, human: formatBytes(plan.weights.bytes) },
    largestBuffer: Math.max(...plan.buffers.map((b) => b.bytes)),
    modules: plan.modules,
    stages: plan.stages.map((s) => ({ ...s, live: formatBytes(s.liveBytes) })),
    buffers: activations.map((b) => ({
      name: b.name,
      role: b.role,
      dtype: b.dtype,
      rows: b.rows,
      bytes: b.bytes,
      stages: [plan.stages[b.from]?.name ?? '', plan.stages[b.to]?.name ?? ''],
      from: b.from,
      to: b.to,
    })),
    ...dap,
  };
}

/** The DAP summary: per stack, bytes per block and each collective with its overlap. */
function dapToJson(d: DapPlanSummary): Record<string, unknown> {
  return {
    ranks: d.ranks,
    paddedResidues: d.paddedResidues,
    perRankPeakNote: 'peak.bytes is the peak of each rank',
    bytesPerRecycle: d.bytesPerRecycle,
    bytesPerRecycleHuman: formatBytes(d.bytesPerRecycle),
    hostBytesPerRank: d.hostBytesPerRank,
    stacks: d.stacks.map(({ stack, blocks, partition: p }) => ({
      stack,
      blocks,
      m: { shape: p.m.shape, layout: p.m.layout, shards: p.shards.m },
      z: { shape: p.z.shape, layout: p.z.layout, shards: p.shards.z },
      steps: p.steps,
      perBlock: { ...p.perBlock, human: formatBytes(p.perBlock.bytesTotal) },
      collectives: p.collectives.map((c) => ({
        id: c.id,
        kind: c.kind,
        tensor: c.tensor,
        shape: c.shape,
        fromAxis: c.fromAxis,
        toAxis: c.toAxis,
        pieces: c.pieces,
        startAfter: c.startAfter,
        waitBefore: c.waitBefore,
        overlapWith: c.overlapWith,
        bytesTotal: c.bytesTotal,
      })),
    })),
  };
}

/** Live bytes at each stage recomputed from the buffer list (what an allocator replaying the plan sees). */
export function liveBytesByStage(plan: ExecutionPlan): number[] {
  return plan.stages.map((s) =>
    plan.buffers.reduce((a, b) => (b.from <= s.index && s.index <= b.to ? a + b.bytes : a), 0),
  );
}
