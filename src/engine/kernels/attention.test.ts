import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { type AttentionDims, attentionLayout, attentionRef } from './attention.ref.ts';
import { type AttentionConfig, attentionConfig, attentionKernel } from './attention.ts';
import { attentionCase } from './attention-case.ts';
import type { KernelEnv } from './cases.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'attention-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const ALL = { bias: true, mask: true, gate: true };
const REL = 1e-5;

function expectOk(r: { maxAbsError: number; tolerance: number; dispatches: number }, what = ''): void {
  expect(r.maxAbsError, `${what} max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(
    r.tolerance,
  );
  expect(r.dispatches).toBe(1);
}

describe('attention CPU reference', () => {
  it('one key: output is sigmoid(g) · v whatever the logits', () => {
    const out = attentionRef(
      { batch: 1, queries: 2, keys: 1, heads: 1, headDim: 2 },
      { q: [1, 2, 3, 4], k: [5, 6], v: [0.5, -1], gate: [0, 0, 100, -100], bias: [7, -7], mask: [0] },
    );
    for (const [i, want] of [0.25, -0.5, 0.5, 0].entries()) expect(out[i]).toBeCloseTo(want, 9);
  });

  it('a fully masked row is the softmax of the unmasked logits (the −1e9 shift cancels)', () => {
    const dims: AttentionDims = { batch: 1, queries: 1, keys: 2, heads: 1, headDim: 1, scale: 1 };
    const x = { q: [1], k: [0, Math.log(3)], v: [1, 0] };
    const masked = attentionRef(dims, { ...x, mask: [0, 0] });
    const open = attentionRef(dims, x);
    // f64 rounding of −1e9 + s leaves ~1e-8 (AF2's f32 would round s away entirely)
    expect(masked[0]).toBeCloseTo(0.25, 7);
    expect(open[0]).toBeCloseTo(0.25, 12);
  });
});

describe('attention launch configuration', () => {
  it('uses the direct kernel for tiny query counts and tiles otherwise', () => {
    expect(attentionConfig({ batch: 9, queries: 1, keys: 4, heads: 4, headDim: 16 }, ALL).mode).toBe(
      'direct',
    );
    const c = attentionConfig({ batch: 9, queries: 65, keys: 65, heads: 4, headDim: 32 }, ALL, 32768);
    expect(c).toMatchObject({ mode: 'tiled', queriesPerGroup: 64, keysPerTile: 32, vec4: true });
    // WebGPU's default 16 KiB of workgroup memory: half the key tile
    expect(attentionConfig({ batch: 9, queries: 65, keys: 65, heads: 4, headDim: 32 }, ALL).keysPerTile).toBe(
      16,
    );
    expect(attentionConfig({ batch: 9, queries: 65, keys: 65, heads: 4, headDim: 6 }, ALL).vec4).toBe(false);
  });

  it('halves the key tile to fit a small workgroup memory limit', () => {
    const c = attentionConfig({ batch: 1, queries: 100, keys: 100, heads: 1, headDim: 32 }, ALL, 8192);
    expect(c.keysPerTile).toBe(8);
  });

  it('splits more than 65535 workgroups over a 2-D grid', () => {
    const dims = { batch: 70000, queries: 64, keys: 64, heads: 2, headDim: 8 };
    const k = attentionKernel(8, ALL, attentionConfig(dims, ALL));
    expect(k.workgroups(dims)).toEqual([65535, 3, 1]);
    expect(k.uniforms!(dims)[31]).toBe(65535);
  });
});

// Each kernel variant (entry point, head width, flags, tiles) is one pipeline; software Vulkan
// compiles each in seconds, so the cases below share variants where they can.
const T = 300_000;

describe('attention kernel vs CPU reference (real Dawn device)', () => {
  // Odd lengths and every head width, all inputs present, masked keys and a fully masked row.
  // L = 1, 7 run the direct kernel, 33 and 65 the tiled one (64 queries per workgroup).
  for (const D of [4, 8, 16, 32]) {
    it(
      `msa-row layout, L = 1, 7, 33, 65, D=${D}, bias+mask+gate`,
      async () => {
        for (const L of [1, 7, 33, 65]) {
          const H = 1 + ((L + D) % 3);
          const B = L > 33 ? 2 : 3;
          const dims = attentionLayout({ kind: 'msa-row', nSeq: B, nRes: L, heads: H, headDim: D });
          expectOk(await attentionCase(env, dims, { ...ALL, maskedRows: [1] }, 10 * L + D, REL), `L=${L}`);
        }
      },
      T,
    );
  }

  it(
    'L=1000 keys: tiled (31 full tiles + a partial one) and direct, peaky logits',
    async () => {
      const tiled: AttentionDims = { batch: 1, queries: 40, keys: 1000, heads: 2, headDim: 16 };
      expectOk(await attentionCase(env, tiled, { ...ALL, maskFraction: 0.5 }, 3, REL), 'tiled');
      const direct: AttentionDims = { batch: 2, queries: 3, keys: 1000, heads: 2, headDim: 16 };
      expectOk(await attentionCase(env, direct, { ...ALL, qkRange: 4 }, 4, REL), 'direct');
    },
    T,
  );

  it(
    'fully masked rows in both kernels (softmax of the unmasked logits, as the f64 reference)',
    async () => {
      for (const queries of [5, 40]) {
        const dims = attentionLayout({ kind: 'msa-row', nSeq: 4, nRes: queries, heads: 2, headDim: 8 });
        expectOk(
          await attentionCase(env, dims, { ...ALL, maskedRows: [0, 2] }, 5 + queries, REL),
          `L=${queries}`,
        );
      }
    },
    T,
  );

  it(
    'msa-column orientation (batch = residues, attend over sequences, no bias)',
    async () => {
      for (const [nSeq, nRes] of [
        [33, 7],
        [65, 3],
        [5, 9],
      ]) {
        const dims = attentionLayout({ kind: 'msa-column', nSeq, nRes, heads: 2, headDim: 8 });
        const f = { bias: false, mask: true, gate: true, maskedRows: [1] };
        expectOk(await attentionCase(env, dims, f, nSeq, REL), `${nSeq}x${nRes}`);
      }
    },
    T,
  );

  it(
    'triangle starting and ending node orientations',
    async () => {
      for (const orientation of ['starting', 'ending'] as const) {
        for (const nRes of [33, 65]) {
          const dims = attentionLayout({ kind: 'triangle', orientation, nRes, heads: 3, headDim: 8 });
          const r = await attentionCase(env, dims, { ...ALL, maskedRows: [2] }, nRes + 1, REL);
          expectOk(r, `${orientation} ${nRes}`);
        }
      }
    },
    T,
  );

  it(
    'template pointwise layout (one query, keys = templates, ungated, one mask for all pairs)',
    async () => {
      for (const nTempl of [1, 4]) {
        const dims = attentionLayout({
          kind: 'template-pointwise',
          nTempl,
          pairs: 49,
          heads: 4,
          headDim: 16,
        });
        expectOk(await attentionCase(env, dims, { bias: false, mask: true, gate: false }, 9 + nTempl, REL));
      }
    },
    T,
  );

  it(
    'head width 6 (component loads) with other tile shapes (override constants); no optional inputs',
    async () => {
      // QT = 16, TK = 8: three query tiles, nine key tiles with a partial last one
      const cfg: AttentionConfig = { mode: 'tiled', queriesPerGroup: 16, keysPerTile: 8, vec4: false };
      const odd: AttentionDims = { batch: 2, queries: 33, keys: 65, heads: 2, headDim: 6 };
      expectOk(await attentionCase(env, odd, { ...ALL, cfg, maskedRows: [1] }, 78, REL), 'D=6');
      const dims: AttentionDims = { batch: 3, queries: 33, keys: 65, heads: 2, headDim: 8 };
      expectOk(await attentionCase(env, dims, { bias: false, mask: false, gate: false }, 77, REL), 'none');
    },
    T,
  );
});
