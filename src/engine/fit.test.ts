import { describe, expect, it } from 'vitest';
import { dryRunContext } from '../gpu/dry-run.ts';
import { loadGoldenNpz } from '../model/reference/golden-test-support.ts';
import { assertFoldFits, type FoldShape } from './fit.ts';
import { PlanError } from './plan/errors.ts';
import { WebGpuEngine } from './webgpu-engine.ts';

/** AF2's full widths; WebGPU's default limits (128 MiB bindings, 256 MiB buffers). */
const full = (nRes: number, actBytes: number): FoldShape => ({
  nRes,
  nSeq: 512,
  nExtra: 1024,
  cm: 256,
  cz: 128,
  ce: 64,
  heads: 8,
  opmC: 32,
  actBytes,
});
const small = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 };

describe('whole-tensor buffers against the device limits', () => {
  it('refuses an oversized fold up front, naming the buffer, the need and the limit', () => {
    // z at 1024 residues: 1024² · 128 · 4 B = 512 MiB > 128 MiB
    let err: unknown;
    try {
      assertFoldFits(full(1024, 4), small);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    const p = err as PlanError;
    expect(p.limitName).toBe('maxStorageBufferBindingSize');
    expect(p.limit).toBe(2 ** 27);
    expect(p.needed).toBe(1024 * 1024 * 128 * 4);
    expect(p.message).toMatch(/z \[N_res, N_res, c_z\]/);
  });

  it('fits where every whole tensor is within a binding, and f16 storage halves the activations', () => {
    expect(() => assertFoldFits(full(256, 4), small)).not.toThrow();
    // f16 storage: z at 724 residues is 128 MiB (f32: 512)
    expect(() => assertFoldFits({ ...full(724, 2), nSeq: 128, nExtra: 256 }, small)).not.toThrow();
    expect(() => assertFoldFits({ ...full(724, 4), nSeq: 128, nExtra: 256 }, small)).toThrow(/z \[N_res/);
    expect(() =>
      assertFoldFits(full(1024, 4), { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 }),
    ).not.toThrow();
  });

  it('counts the templates: 4 templates of c_t = 64 at 400 residues need 156 MiB', () => {
    const s = { ...full(400, 4), nSeq: 64, nExtra: 64 };
    expect(() => assertFoldFits(s, small)).not.toThrow();
    expect(() => assertFoldFits({ ...s, templates: { count: 4, ct: 64, hc: 64 } }, small)).toThrow(
      /templates \[N_templ/,
    );
  });

  it('counts the logits heads only when they are read back', () => {
    const s = { ...full(800, 2), nSeq: 64, nExtra: 64 };
    expect(() => assertFoldFits({ ...s, cz: 32 }, small)).not.toThrow();
    expect(() => assertFoldFits({ ...s, cz: 32, logitsBins: 64 }, small)).toThrow(/logits heads/);
  });
});

describe('the engine refuses before allocating', () => {
  it('a golden fold on a device with 64 KiB bindings: PlanError at the binding limit, no buffer created', async () => {
    const small64k = dryRunContext({
      limits: { maxStorageBufferBindingSize: 2 ** 16, maxBufferSize: 2 ** 16 },
      features: [],
    });
    const engine = new WebGpuEngine({ acquire: async () => small64k });
    const [params, features] = await Promise.all([loadGoldenNpz('params.npz'), loadGoldenNpz('inputs.npz')]);
    await expect(
      engine.fold({ features, params: { name: 'golden', arrays: params }, options: { numRecycles: 0 } }),
    ).rejects.toMatchObject({ name: 'PlanError', limit: 2 ** 16, limitName: 'maxStorageBufferBindingSize' });
    expect((await engine.gpuEnv()).pool.stats.allocations).toBe(0);
  });
});
