/**
 * Predicted peak memory = the buffer pool's measured peak, on a real Dawn device: the golden
 * fold without and with templates, in f16 where the device has shader-f16, and in small chunks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../gpu/device.ts';
import { acquireNodeDevice } from '../gpu/node.ts';
import type { FoldInput } from '../model/engine.ts';
import { loadGoldenNpz } from '../model/reference/golden-test-support.ts';
import { predictFoldMemory } from './predict.ts';
import { WebGpuEngine } from './webgpu-engine.ts';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireNodeDevice({ label: 'predict-test' });
});
afterAll(() => ctx?.device.destroy());

/** The real pool's peak for `input` on a fresh engine over the shared device. */
async function measured(input: FoldInput, chunkTargetBytes?: number): Promise<number> {
  const engine = new WebGpuEngine({ acquire: async () => ctx, chunkTargetBytes });
  await engine.fold(input);
  const { pool } = await engine.gpuEnv();
  const peak = pool.stats.peakBytes;
  pool.destroy();
  return peak;
}

describe('predicted fold memory', () => {
  for (const [file, precision, chunkTargetBytes] of [
    ['inputs.npz', 'f32', undefined],
    ['inputs_templates.npz', 'f32', undefined],
    ['inputs_templates.npz', 'f16', undefined],
    ['inputs.npz', 'f32', 8192],
  ] as const) {
    it(`${file} ${precision}${chunkTargetBytes ? ` in ${chunkTargetBytes}-byte chunks` : ''}: prediction = measurement`, async () => {
      if (precision === 'f16' && !ctx.hasF16) return;
      const [params, features] = await Promise.all([loadGoldenNpz('params.npz'), loadGoldenNpz(file)]);
      const input: FoldInput = {
        features,
        params: { name: 'golden params', arrays: params },
        options: { numRecycles: 1, precision },
      };
      const predicted = await predictFoldMemory(ctx, input, { chunkTargetBytes });
      const real = await measured(input, chunkTargetBytes);
      expect(predicted.peakBytes).toBeGreaterThan(0);
      expect(predicted.peakBytes).toBe(real);
    }, 600_000);
  }
});
