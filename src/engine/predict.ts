/**
 * The WebGPU engine's device memory for one fold, predicted before anything is allocated: the
 * engine runs the fold on a dry-run twin of the device (src/gpu/dry-run.ts: the same limits and
 * features, nothing allocated or executed), and its BufferPool records every acquire and release
 * the real fold would make. Because the prediction runs the engine's own code, it cannot drift
 * from what the engine does; a test checks it against the real pool's measured peak.
 */
import type { GpuContext } from '../gpu/device.ts';
import { dryRunTwin } from '../gpu/dry-run.ts';
import type { FoldInput } from '../model/engine.ts';
import { WebGpuEngine } from './webgpu-engine.ts';

export interface FoldMemory {
  /** Highest live bytes of the buffer pool (weights, activations and transients together). */
  peakBytes: number;
  /** Bytes the pool holds at the end (live plus released-but-kept for reuse). */
  heldBytes: number;
  /** Buffers created. */
  allocations: number;
}

/** Runs `input` on a dry-run twin of `ctx` and returns the pool's peak and allocations. */
export async function predictFoldMemory(
  ctx: GpuContext,
  input: FoldInput,
  opts: { chunkTargetBytes?: number } = {},
): Promise<FoldMemory> {
  const engine = new WebGpuEngine({
    acquire: async () => dryRunTwin(ctx),
    chunkTargetBytes: opts.chunkTargetBytes,
  });
  const { onProgress: _p, onStage: _s, ...options } = input.options ?? {};
  await engine.fold({ ...input, options });
  const { peakBytes, heldBytes, allocations } = (await engine.gpuEnv()).pool.stats;
  return { peakBytes, heldBytes, allocations };
}
