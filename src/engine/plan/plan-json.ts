/**
 * The plan as JSON (what `webfold plan` prints): the same object with the weight buffers
 * summarised (their list is `plan.buffers` with role `weights`), the tensors left out (the
 * buffers carry them), and byte counts also given in MiB/GiB for reading.
 */
import { formatBytes } from './errors.ts';
import type { ExecutionPlan } from './types.ts';

export function planToJson(plan: ExecutionPlan): Record<string, unknown> {
  const activations = plan.buffers.filter((b) => b.role !== 'weights');
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
  };
}

/** Live bytes at each stage recomputed from the buffer list (what an allocator replaying the plan sees). */
export function liveBytesByStage(plan: ExecutionPlan): number[] {
  return plan.stages.map((s) =>
    plan.buffers.reduce((a, b) => (b.from <= s.index && s.index <= b.to ? a + b.bytes : a), 0),
  );
}
