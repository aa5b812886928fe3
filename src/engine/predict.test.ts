/**
 * Predicted peak memory = the buffer pool's measured peak, on a real Dawn device: the golden
 * fold without and with templates, in f16 where the device has shader-f16, and in small chunks;
 * and a budget below the prediction refuses the fold before anything is allocated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../gpu/device.ts';
import { acquireNodeDevice } from '../gpu/node.ts';
import type { FoldInput } from '../model/engine.ts';
import { loadGoldenNpz } from '../model/reference/golden-test-support.ts';
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
      const engine = new WebGpuEngine({ acquire: async () => ctx, chunkTargetBytes });
      const predicted = await engine.predictMemory(input);
      const real = await measured(input, chunkTargetBytes);
      expect(predicted.peakBytes).toBeGreaterThan(0);
      expect(predicted.peakBytes).toBe(real);
    }, 600_000);
  }

  it('a budget below the predicted peak refuses the fold before anything is allocated', async () => {
    const [params, features] = await Promise.all([loadGoldenNpz('params.npz'), loadGoldenNpz('inputs.npz')]);
    const input: FoldInput = {
      features,
      params: { name: 'golden params', arrays: params },
      options: { numRecycles: 0 },
    };
    const probe = new WebGpuEngine({ acquire: async () => ctx });
    const { peakBytes } = await probe.predictMemory(input);
    const engine = new WebGpuEngine({ acquire: async () => ctx, budgetBytes: peakBytes - 1 });
    await expect(engine.fold(input)).rejects.toMatchObject({
      name: 'PlanError',
      needed: peakBytes,
      limit: peakBytes - 1,
    });
    expect((await engine.gpuEnv()).pool.stats.allocations).toBe(0);
    const enough = new WebGpuEngine({ acquire: async () => ctx, budgetBytes: peakBytes });
    await expect(enough.fold(input)).resolves.toMatchObject({ engine: 'webgpu' });
    (await enough.gpuEnv()).pool.destroy();
  }, 600_000);
});
