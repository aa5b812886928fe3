/**
 * The WebGPU engine on a real Dawn device: progress, cancellation, per-recycle metrics and
 * dispatch counting. The golden model (every stage of every recycle and the final outputs, with
 * and without templates) is checked once, with every other section, by
 * src/cli/commands/check-golden-webgpu.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireNodeDevice } from '../gpu/node.ts';
import { syntheticFeatures } from '../model/features/synthetic.ts';
import type { NdArray } from '../model/ndarray.ts';
import { createCpuEngine } from '../model/reference/cpu-engine.ts';
import { compare, loadGoldenNpz } from '../model/reference/golden-test-support.ts';
import { asF32 } from '../model/reference/ops.ts';
import { createWebGpuEngine, WebGpuEngine } from './webgpu-engine.ts';

let engine: WebGpuEngine;
beforeAll(() => {
  engine = createWebGpuEngine(() => acquireNodeDevice({ label: 'webgpu-engine-test' }));
});
afterAll(async () => {
  await engine?.dispose();
});

const npz = loadGoldenNpz;
/** max |a − b| (same shapes; a NaN fails). */
const maxDiff = (a: NdArray, b: NdArray) => compare(asF32(a), asF32(b)).maxAbsErr;

describe('WebGpuEngine', () => {
  it('reports per-block progress and stops on an aborted signal with an AbortError', async () => {
    const [params, features] = await Promise.all([npz('params.npz'), npz('inputs.npz')]);
    const stages: string[] = [];
    const ac = new AbortController();
    const run = engine.fold({
      features,
      params: { name: 'golden params', arrays: params },
      options: {
        numRecycles: 1,
        onProgress: (p) => {
          stages.push(`${p.recycle}:${p.stage}:${p.block ?? ''}`);
          if (p.stage === 'evoformer' && p.block === 1) ac.abort();
        },
        signal: ac.signal,
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(stages).toContain('0:input_embedding:');
    expect(stages.some((s) => s.startsWith('0:extra_msa_stack:'))).toBe(true);
    // block progress arrives when the GPU finishes a block (no host waits inside a recycle), so
    // the abort is seen at the next checkpoint; the fold never completes
    expect(stages.some((s) => s.endsWith(':done:'))).toBe(false);
  }, 300_000);

  it('folds with no stage read-back and returns finite per-recycle metrics', async () => {
    const [params, features] = await Promise.all([npz('params.npz'), npz('inputs.npz')]);
    const pred = await engine.fold({
      features,
      params: { name: 'golden params', arrays: params },
      options: { numRecycles: 1 },
    });
    expect(pred.engine).toBe('webgpu');
    expect(pred.iterations).toBe(2);
    expect(pred.recycles).toHaveLength(2);
    expect(pred.positions.every(Number.isFinite)).toBe(true);
    expect(pred.recycles[1].caDistanceRmsChange).toBeGreaterThanOrEqual(0);
    expect(pred.recycles.every((r) => Number.isFinite(r.meanPlddt))).toBe(true);
    expect(pred.ptm).toBeGreaterThan(0);
    expect(engine.lastBlockDispatches).toBeGreaterThan(0);
  }, 300_000);

  it('folds in small chunks (every chunked module split) to the golden result', async () => {
    const [params, features, golden] = await Promise.all([
      npz('params.npz'),
      npz('inputs.npz'),
      npz('outputs.npz'),
    ]);
    // 8 KiB transients: attention one line or a few at a time, triangle products in row windows
    const chunked = new WebGpuEngine({
      acquire: async () => (await engine.gpuEnv()).ctx,
      chunkTargetBytes: 8192,
    });
    const pred = await chunked.fold({
      features,
      params: { name: 'golden params', arrays: params },
      options: { numRecycles: Number(golden.num_recycles.data[0]) - 1 },
    });
    expect(chunked.lastBlockDispatches).toBeGreaterThan(30);
    expect(maxDiff(pred.outputs.final_atom_positions, golden.final_atom_positions)).toBeLessThanOrEqual(1e-3);
    expect(maxDiff(pred.outputs.plddt, golden.plddt)).toBeLessThanOrEqual(1e-2);
  }, 600_000);

  it('equals the CPU reference on a tiny fold whose buffers share sizes (pool reuse across a recycle)', async () => {
    // N_res = 3, c_s = 48, c_z = 16: the single [N, c_s] and the recycling pair update [N, N, c_z]
    // are both 576 bytes, so the pool hands buffers released mid-iteration to later acquires
    const input = {
      features: syntheticFeatures(3, 2, 1, 5),
      params: { name: 'golden params', arrays: await npz('params.npz') },
      options: { numRecycles: 1, fullOutputs: true },
    };
    const gpu = await engine.fold(input);
    const cpu = await createCpuEngine().fold(input);
    expect(maxDiff(gpu.outputs.final_atom_positions, cpu.outputs.final_atom_positions)).toBeLessThanOrEqual(
      1e-3,
    );
  }, 300_000);

  it('reads nothing back inside the recycles, with and without templates: the same read-backs for 1 and 3 iterations', async () => {
    const params = await npz('params.npz');
    const device = (await engine.gpuEnv()).ctx.device;
    const create = device.createBuffer.bind(device);
    const reads: string[] = [];
    device.createBuffer = (d: GPUBufferDescriptor) => {
      if (d.usage & GPUBufferUsage.MAP_READ) reads.push(d.label ?? '');
      return create(d);
    };
    try {
      for (const file of ['inputs.npz', 'inputs_templates.npz']) {
        const features = await npz(file);
        const counts: number[] = [];
        for (const numRecycles of [0, 2]) {
          reads.length = 0;
          await engine.fold({
            features,
            params: { name: 'golden params', arrays: params },
            options: { numRecycles },
          });
          counts.push(reads.length);
        }
        expect(counts[0], `${file}: ${reads.join('; ')}`).toBe(counts[1]);
        // the structure, pLDDT, PAE/pTM and the per-iteration history: no activation
        expect(
          reads.filter((r) => /\bz\b|\bm \[|template/.test(r)),
          file,
        ).toEqual([]);
      }
    } finally {
      device.createBuffer = create;
    }
  }, 300_000);
});
