import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { type KernelEnv, layerNormCase } from './cases.ts';
import { layerNormRef } from './layernorm.ref.ts';
import { layerNormConfig, layerNormKernel } from './layernorm.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'layernorm-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

describe('layernorm CPU reference', () => {
  it('normalises a row to zero mean and unit variance, then scales and shifts', () => {
    const y = layerNormRef({ rows: 1, C: 4, eps: 0 }, [1, 2, 3, 4], [1, 1, 1, 2], [0, 0, 0, 1]);
    const s = Math.sqrt(1.25);
    expect([...y].map((v) => +v.toFixed(12))).toEqual(
      [-1.5 / s, -0.5 / s, 0.5 / s, 1 + 3 / s].map((v) => +v.toFixed(12)),
    );
  });

  it('gives the offset for a constant row (C = 1)', () => {
    expect([...layerNormRef({ rows: 2, C: 1 }, [5, -3], [2], [0.25])]).toEqual([0.25, 0.25]);
  });
});

describe('layernorm launch configuration', () => {
  it('gives AF2 channel counts a warp-sized or smaller row group', () => {
    expect(layerNormConfig(1).threadsPerRow).toBe(1);
    expect(layerNormConfig(7).threadsPerRow).toBe(1);
    expect(layerNormConfig(128).threadsPerRow).toBe(16);
    expect(layerNormConfig(256).threadsPerRow).toBe(32);
    expect(layerNormConfig(384).threadsPerRow).toBe(32);
  });

  it('splits more than 65535 workgroups over a 2-D grid', () => {
    const k = layerNormKernel({ workgroupSize: 64, threadsPerRow: 64 });
    expect(k.workgroups({ rows: 65536 * 2 + 1, C: 256 })).toEqual([65535, 3, 1]);
    expect(k.uniforms!({ rows: 65536 * 2 + 1, C: 256 })[3]).toBe(65535);
    expect(k.workgroups({ rows: 0, C: 256 })).toEqual([0, 0, 1]);
  });

  it('rejects a row group that is not a power of two', () => {
    expect(() => layerNormKernel({ workgroupSize: 128, threadsPerRow: 24 })).toThrow(/power of two/);
  });
});

describe('layernorm kernel vs CPU reference (real Dawn device)', () => {
  const Cs = [1, 7, 32, 128, 256, 384];
  const rowsList = [1, 7, 33, 65, 1000];
  let i = 0;
  for (const C of Cs) {
    // Every C at 33 rows, plus one other row count per C (rotating); 1000 rows only for C ≤ 128.
    const others = rowsList.filter((r) => r !== 33 && (r < 1000 || C <= 128));
    const extra = others[i++ % others.length];
    for (const rows of [33, extra]) {
      it(`rows=${rows} C=${C}`, async () => {
        const r = await layerNormCase(env, { rows, C }, 100 + C + rows);
        expect(r.maxAbsError, `max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
      });
    }
  }

  it('rows=1000 C=128 and other workgroup shapes (override constants)', async () => {
    for (const cfg of [
      { workgroupSize: 128, threadsPerRow: 16 },
      { workgroupSize: 64, threadsPerRow: 64 },
      { workgroupSize: 32, threadsPerRow: 4 },
    ]) {
      const r = await layerNormCase(env, { rows: 1000, C: 128 }, 5, 1e-5, cfg);
      expect(r.maxAbsError, JSON.stringify(cfg)).toBeLessThanOrEqual(r.tolerance);
    }
  });

  it('rows=1000 at C=7 and C=384', async () => {
    for (const C of [7, 384]) {
      const r = await layerNormCase(env, { rows: 1000, C }, 7 + C);
      expect(r.maxAbsError, `C=${C}`).toBeLessThanOrEqual(r.tolerance);
    }
  });

  it('x stored as f16 (f32 arithmetic and output), C = 7 and 128', async () => {
    for (const C of [7, 128]) {
      const r = await layerNormCase(env, { rows: 65, C }, 9 + C, 1e-5, layerNormConfig(C, 128, 'f16'));
      expect(r.maxAbsError, `C=${C}`).toBeLessThanOrEqual(r.tolerance);
    }
  });

  it('rows in groups (a column block of a row-major tensor) at an offset', async () => {
    // 7 groups of 5 rows, 13 rows apart, starting 3 rows in: rows 3..7 of a [7, 13, C] tensor
    for (const C of [16, 130]) {
      const dims = { rows: 35, C, groupRows: 5, groupStride: 13 * C, offset: 3 * C };
      const r = await layerNormCase(env, dims, 21 + C);
      expect(r.maxAbsError, `C=${C}`).toBeLessThanOrEqual(r.tolerance);
    }
  });

  it('rows=65 C=384 with a non-default eps', async () => {
    const r = await layerNormCase(env, { rows: 65, C: 384, eps: 1e-3 }, 6);
    expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance);
  });
});
