import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import type { NdArray } from '../../model/ndarray.ts';
import { loadGoldenModule, REL_TOL } from '../../model/reference/golden-test-support.ts';
import { transition } from '../../model/reference/msa-transition.ts';
import { type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import { readAs, roundTo, uploadAs } from '../half-storage.ts';
import type { KernelEnv } from './cases.ts';
import { compare, maxAbs, seededArray } from './check.ts';
import {
  FUSED_TRANSITION_MAX_C,
  packTransitionBuffer,
  packTransitionWeights,
  recordTransition,
  type TransitionOptions,
  transitionChunkRows,
  transitionScratchBytes,
} from './transition.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'transition-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const PATH = 'test/transition';

function f32(shape: number[], data: Float32Array): NdArray {
  return { dtype: 'float32', shape, data };
}

function randomTransitionParams(c: number, n: number, seed: number): Params {
  const h = n * c;
  return {
    [`${PATH}/input_layer_norm//scale`]: f32([c], seededArray(c, seed, 0.5, 1.5)),
    [`${PATH}/input_layer_norm//offset`]: f32([c], seededArray(c, seed + 1, -0.3, 0.3)),
    [`${PATH}/transition1//weights`]: f32(
      [c, h],
      seededArray(c * h, seed + 2, -1 / Math.sqrt(c), 1 / Math.sqrt(c)),
    ),
    [`${PATH}/transition1//bias`]: f32([h], seededArray(h, seed + 3, -0.3, 0.3)),
    [`${PATH}/transition2//weights`]: f32(
      [h, c],
      seededArray(h * c, seed + 4, -1 / Math.sqrt(h), 1 / Math.sqrt(h)),
    ),
    [`${PATH}/transition2//bias`]: f32([c], seededArray(c, seed + 5, -0.3, 0.3)),
  };
}

/** x + Transition(x) on the GPU, x of shape [..., c]; returns x after and the dispatch count. */
async function runGpu(x: Tensor, params: Params, path: string, opts: TransitionOptions = {}) {
  const { ctx, cache, pool } = env;
  const w = packTransitionWeights(params, path);
  const { layout, data } = packTransitionBuffer(w);
  const rows = x.data.length / w.c;
  const chunk = transitionChunkRows(
    rows,
    w.c,
    ctx.device.limits.minStorageBufferOffsetAlignment,
    opts.chunkRows,
    opts.xType === 'f16' ? 2 : 4,
  );
  const scratch = transitionScratchBytes(chunk, w);
  const label = `transition rows=${rows} c=${w.c}`;
  const weights = pool.upload(data, `${label} weights`);
  const bufs = {
    x: uploadAs(pool, opts.xType ?? 'f32', x.data as Float32Array, `${label} x`),
    xNorm: pool.acquire(scratch.xNorm, `${label} LayerNorm(x)`),
    hidden: pool.acquire(scratch.hidden, `${label} hidden`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    const dispatches = await recordTransition(rec, rows, layout, weights, bufs, opts);
    rec.submit();
    return { x: await readAs(ctx.device, opts.xType ?? 'f32', bufs.x, x.data.length), dispatches, chunk };
  } finally {
    for (const b of [...Object.values(bufs), weights]) pool.release(b);
  }
}

function updateError(got: Float32Array, x: Tensor, want: ArrayLike<number>, rel: number) {
  return compare(
    Array.from(got, (v, i) => v - x.data[i]),
    want,
    rel,
  );
}

describe('transition composition', () => {
  it('rounds chunks up so every chunk starts on an aligned byte offset', () => {
    expect(transitionChunkRows(1000, 128, 256, 100)).toBe(100); // 512-byte rows: any count
    expect(transitionChunkRows(1000, 32, 256, 7)).toBe(8); // 128-byte rows: even counts
    expect(transitionChunkRows(1000, 7, 256, 10)).toBe(64); // 28-byte rows: multiples of 64
    expect(transitionChunkRows(50, 7, 256, 100)).toBe(50); // one chunk: no constraint
  });
});

describe('transition vs CPU reference (real Dawn device)', () => {
  // Pair transitions at N_res = 1, 7, 33, 65 (rows = N_res²) and MSA-like row counts.
  const cases: { shape: number[]; n: number; chunk?: number }[] = [
    { shape: [1, 1, 7], n: 4 },
    { shape: [7, 7, 16], n: 4 },
    { shape: [33, 33, 12], n: 2 },
    { shape: [65, 65, 16], n: 4, chunk: 1000 },
    { shape: [5, 33, 7], n: 3, chunk: 10 },
    { shape: [3, 65, 32], n: 4, chunk: 64 },
  ];
  for (const { shape, n, chunk } of cases) {
    for (const fused of [true, false]) {
      it(`[${shape}] n=${n} ${fused ? 'fused' : `composed${chunk ? ` chunk ${chunk}` : ''}`}`, async () => {
        const c = shape[2];
        const seed = shape[0] * 13 + c;
        const params = randomTransitionParams(c, n, seed);
        const x = tensor(shape, seededArray(shape[0] * shape[1] * c, seed + 9, -2, 3));
        const want = transition(x, params, PATH).data;
        const {
          x: got,
          dispatches,
          chunk: used,
        } = await runGpu(x, params, PATH, { fused, chunkRows: chunk });
        const r = updateError(got, x, want, 1e-5);
        expect(r.maxAbsError, `max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
        expect(dispatches).toBe(fused ? 1 : 3 * Math.ceil((shape[0] * shape[1]) / used));
      });
    }
  }

  it('fused: c = 256 (AF2 c_m, two channel halves per invocation) and c = 130', async () => {
    for (const [rows, c, n] of [
      [45, FUSED_TRANSITION_MAX_C, 4],
      [33, 130, 2],
    ]) {
      const params = randomTransitionParams(c, n, c);
      const x = tensor([rows, c], seededArray(rows * c, c + 1, -2, 3));
      const want = transition(x, params, PATH).data;
      const { x: got, dispatches } = await runGpu(x, params, PATH);
      const r = updateError(got, x, want, 1e-5);
      expect(r.maxAbsError, `c=${c}: max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(
        r.tolerance,
      );
      expect(dispatches).toBe(1);
    }
  });

  it('x stored as f16 (f32 arithmetic), fused and composed', async () => {
    for (const [shape, fused] of [
      [[33, 33, 16], true],
      [[5, 33, 32], false],
    ] as const) {
      const c = shape[2];
      const params = randomTransitionParams(c, 4, c + 7);
      // the reference sees the f16-rounded input; only the f16 store of x + update differs
      const x = tensor([...shape], roundTo('f16', seededArray(shape[0] * shape[1] * c, c, -2, 3)));
      const want = transition(x, params, PATH).data;
      const after = Array.from(want, (u, i) => x.data[i] + u);
      const { x: got } = await runGpu(x, params, PATH, { fused, chunkRows: 64, xType: 'f16' });
      const r = compare(got, after, 2e-3);
      expect(r.maxAbsError, `[${shape}] fused=${fused}`).toBeLessThanOrEqual(r.tolerance);
    }
  });

  it('composed for c > 256', async () => {
    const params = randomTransitionParams(260, 1, 3);
    const x = tensor([9, 260], seededArray(9 * 260, 4, -2, 3));
    const { x: got, dispatches } = await runGpu(x, params, PATH);
    expect(dispatches).toBe(3);
    const r = updateError(got, x, transition(x, params, PATH).data, 1e-5);
    expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance);
  });
});

describe('transitions vs golden modules (whole module on the GPU)', () => {
  for (const [name, input] of [
    ['msa_transition', 'msa_act'],
    ['pair_transition', 'pair_act'],
  ] as const) {
    it(name, async () => {
      const g = await loadGoldenModule(name);
      const x = g.inputs[input];
      const want = g.outputs.update;
      for (const opts of [{}, { fused: false }, { fused: false, chunkRows: 64 }] as TransitionOptions[]) {
        const { x: got, dispatches } = await runGpu(x, g.params, g.path, opts);
        const r = updateError(got, x, want.data, REL_TOL);
        console.log(
          `${name} ${JSON.stringify(opts)}: max abs err ${r.maxAbsError.toExponential(2)} ` +
            `(rel ${(r.maxAbsError / maxAbs(want.data)).toExponential(2)}), ${dispatches} dispatches`,
        );
        expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance);
      }
    });
  }
});
