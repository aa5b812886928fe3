/**
 * The line ranges DAP gives each rank (dap-share.ts): every module run on lines [start, end) of
 * its output updates exactly those lines, equal to the same lines of a run over all lines, and
 * leaves every other line as it was. Golden Evoformer block 0 weights, random m and z at odd
 * sizes, on a real Dawn device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { loadGoldenNpz } from '../../model/reference/golden-test-support.ts';
import type { Params } from '../../model/reference/ops.ts';
import { seededArray } from '../kernels/check.ts';
import type { LineRange } from '../kernels/line-range.ts';
import { recordOuterProductMean } from '../kernels/outer-product-mean.ts';
import { DeviceWeights } from '../weights.ts';
import {
  recordMsaColumnAttention,
  recordMsaRowAttention,
  recordTriangleAttention,
  Transients,
} from './attention-modules.ts';
import { transitionStep, triangleStep } from './block.ts';
import type { EvoformerBlockWeights } from './module-weights.ts';
import { type GpuEnv, stackBlockWeights } from './stack.ts';

const S = 5;
const N = 7;
let env: GpuEnv;
let w: EvoformerBlockWeights;
let dw: DeviceWeights;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'line-range-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
  dw = new DeviceWeights(env.pool, (await loadGoldenNpz('params.npz')) as Params, 'golden params');
  w = stackBlockWeights(dw, 'evoformer', 0);
});
afterAll(() => {
  dw?.release();
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

interface Module {
  /** The tensor the module updates: m [S, N, c_m] or z [N, N, c_z]. */
  x: 'm' | 'z';
  orientation: 'rows' | 'columns';
  run(rec: Recorder, bufs: Bufs, range?: LineRange): Promise<unknown>;
}
interface Bufs {
  m: GPUBuffer;
  z: GPUBuffer;
  msaMask: GPUBuffer;
  pairMask: GPUBuffer;
}

const sizes = { nSeq: S, nRes: N };
/** A transition's rows range for lines of `perLine` rows each. */
const rowsOf = (r: LineRange | undefined, perLine: number) =>
  r && { start: r.start * perLine, end: r.end * perLine };

const MODULES: Record<string, Module> = {
  msa_row_attention_with_pair_bias: {
    x: 'm',
    orientation: 'rows',
    run: (rec, b, range) => recordMsaRowAttention(rec, env.pool, w.rowAttention, sizes, b, 'row', { range }),
  },
  msa_column_attention: {
    x: 'm',
    orientation: 'columns',
    run: (rec, b, range) =>
      recordMsaColumnAttention(rec, env.pool, w.columnAttention!, sizes, b, 'column', { range }),
  },
  msa_transition: {
    x: 'm',
    orientation: 'rows',
    run: (rec, b, range) =>
      transitionStep(rec, env.pool, S * N, w.msaTransition, b.m, undefined, 'msa', 'f32', rowsOf(range, N)),
  },
  outer_product_mean: {
    x: 'z',
    orientation: 'rows',
    run: async (rec, b, range) => {
      const t = new Transients(env.pool, 'opm');
      const o = w.outerProductMean;
      await recordOuterProductMean(
        rec,
        N,
        S,
        o,
        { m: b.m, mask: b.msaMask, z: b.z, ab: t.get(S * N * 2 * o.C, 'a|b') },
        { range, rows: 2 },
      );
      t.release();
    },
  },
  triangle_multiplication_outgoing: {
    x: 'z',
    orientation: 'rows',
    run: (rec, b, range) =>
      triangleStep(
        rec,
        env.pool,
        'outgoing',
        N,
        w.triangleMultiplicationOutgoing,
        b,
        2,
        undefined,
        'tri',
        'f32',
        range,
      ),
  },
  triangle_multiplication_incoming_channel_groups: {
    x: 'z',
    orientation: 'rows',
    run: (rec, b, range) =>
      triangleStep(
        rec,
        env.pool,
        'incoming',
        N,
        w.triangleMultiplicationIncoming,
        b,
        2,
        5,
        'tri',
        'f32',
        range,
      ),
  },
  triangle_attention_starting_node: {
    x: 'z',
    orientation: 'rows',
    run: (rec, b, range) =>
      recordTriangleAttention(rec, env.pool, w.triangleAttentionStarting, 'starting', N, b, 'start', 'f32', {
        range,
        lines: 2,
      }),
  },
  triangle_attention_ending_node: {
    x: 'z',
    orientation: 'columns',
    run: (rec, b, range) =>
      recordTriangleAttention(rec, env.pool, w.triangleAttentionEnding, 'ending', N, b, 'end', 'f32', {
        range,
      }),
  },
  pair_transition: {
    x: 'z',
    orientation: 'rows',
    run: (rec, b, range) =>
      transitionStep(rec, env.pool, N * N, w.pairTransition, b.z, undefined, 'pair', 'f32', rowsOf(range, N)),
  },
};

async function runModule(
  mod: Module,
  range?: LineRange,
): Promise<{ before: Float32Array; after: Float32Array }> {
  const { pool, ctx } = env;
  const cm = w.rowAttention.c;
  const cz = w.rowAttention.cz;
  const msaMask = seededArray(S * N, 3, 0, 1).map((v) => (v < 0.2 ? 0 : 1));
  const bufs: Bufs = {
    m: pool.upload(seededArray(S * N * cm, 1), 'm'),
    z: pool.upload(seededArray(N * N * cz, 2), 'z'),
    msaMask: pool.upload(msaMask, 'msa mask'),
    pairMask: pool.upload(new Float32Array(N * N).fill(1), 'pair mask'),
  };
  try {
    const x = bufs[mod.x];
    const length = mod.x === 'm' ? S * N * cm : N * N * cz;
    const before = await readFloat32(ctx.device, x, length);
    const rec = new Recorder(ctx, env.cache, 'line range');
    await mod.run(rec, bufs, range);
    rec.submit();
    return { before, after: await readFloat32(ctx.device, x, length) };
  } finally {
    for (const b of Object.values(bufs)) pool.release(b);
  }
}

describe('module line ranges (DAP shares)', () => {
  for (const [name, mod] of Object.entries(MODULES)) {
    it(`${name}: lines [2, 5) equal the whole run's, the others are untouched`, async () => {
      const whole = await runModule(mod);
      const part = await runModule(mod, { start: 2, end: 5 });
      const [A, B] = mod.x === 'm' ? [S, N] : [N, N];
      const c = whole.after.length / (A * B);
      let inside = 0;
      let outside = 0;
      let changed = 0;
      for (let a = 0; a < A; a++) {
        for (let b = 0; b < B; b++) {
          const line = mod.orientation === 'rows' ? a : b;
          for (let k = 0; k < c; k++) {
            const i = (a * B + b) * c + k;
            if (line >= 2 && line < 5) {
              inside = Math.max(inside, Math.abs(part.after[i] - whole.after[i]));
              if (whole.after[i] !== whole.before[i]) changed++;
            } else outside = Math.max(outside, Math.abs(part.after[i] - part.before[i]));
          }
        }
      }
      expect(changed, 'the module changes the lines of the range').toBeGreaterThan(0);
      expect(inside).toBeLessThanOrEqual(1e-5);
      expect(outside).toBe(0);
    }, 120_000);
  }
});
