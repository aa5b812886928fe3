import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { loadGoldenModule, REL_TOL } from '../../model/reference/golden-test-support.ts';
import { type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import type { TriangleMultiplicationOrientation } from '../../model/reference/triangle-multiplication.ts';
import { readAs, roundTo, uploadAs } from '../half-storage.ts';
import type { KernelEnv } from './cases.ts';
import { compare, maxAbs, seededArray } from './check.ts';
import {
  maskedPairMask,
  randomTriangleMultiplicationParams,
  triangleMultiplicationRef,
} from './triangle-multiplication.ref.ts';
import {
  packTriangleMultiplicationWeights,
  recordTriangleMultiplication,
  type TriangleMultiplicationOptions,
  triangleMaxWindowRows,
  triangleMultiplicationKernel,
  triangleScratchBytes,
} from './triangle-multiplication.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'triangle-multiplication-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const PATH = 'test/triangle_multiplication';

interface RunResult {
  /** z after the module, [N, N, c_z]. */
  z: Float32Array;
  dispatches: number;
}

/** Runs the whole module on the GPU: upload z, mask and weights, record, read z back. */
async function runGpu(
  z: Tensor,
  mask: Tensor,
  params: Params,
  path: string,
  orientation: TriangleMultiplicationOrientation,
  opts: TriangleMultiplicationOptions = {},
): Promise<RunResult> {
  const { ctx, cache, pool } = env;
  const N = z.shape[0];
  const { layout, data } = packTriangleMultiplicationWeights(params, path);
  const zType = opts.zType ?? 'f32';
  const scratch = triangleScratchBytes(N, layout, opts.rows ?? N, opts.channels, zType);
  const label = `triangle ${orientation} N=${N}`;
  const bufs = {
    z: uploadAs(pool, zType, z.data as Float32Array, `${label} z`),
    mask: pool.upload(mask.data, `${label} mask`),
    weights: pool.upload(data, `${label} weights`),
    out: pool.acquire(scratch.out, `${label} out`),
    left: pool.acquire(scratch.left, `${label} left`),
    right: pool.acquire(scratch.right, `${label} right`),
    t: pool.acquire(scratch.t, `${label} t`),
    zOut: opts.channels
      ? pool.acquire((zType === 'f16' ? 2 : 4) * z.data.length, `${label} z out`)
      : undefined,
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    const dispatches = await recordTriangleMultiplication(rec, orientation, N, layout, bufs, opts);
    rec.submit();
    return { z: await readAs(ctx.device, zType, bufs.zOut ?? bufs.z, z.data.length), dispatches };
  } finally {
    for (const b of Object.values(bufs)) if (b) pool.release(b);
  }
}

describe('triangle multiplication kernel family', () => {
  it('packs the four projections interleaved per channel', () => {
    const p = randomTriangleMultiplicationParams(PATH, 5, 3, 1);
    const { layout, data } = packTriangleMultiplicationWeights(p, PATH);
    expect(layout.cz).toBe(5);
    expect(layout.c).toBe(3);
    const rg = p[`${PATH}/right_gate//weights`].data as Float32Array;
    // k = 2, channel 1, quantity 3 (right_gate)
    expect(data[layout.proj + (2 * 3 + 1) * 4 + 3]).toBe(rg[2 * 3 + 1]);
    expect(data.length).toBe(layout.length);
  });

  it('names a missing weight by its AF2 key', () => {
    const p = randomTriangleMultiplicationParams(PATH, 4, 4, 1);
    delete p[`${PATH}/gating_linear//weights`];
    expect(() => packTriangleMultiplicationWeights(p, PATH)).toThrow(/gating_linear\/\/weights/);
  });

  it('caps default windows at the workgroup grid limit', () => {
    expect(triangleMaxWindowRows(65, 65535)).toBe(65);
    expect(triangleMaxWindowRows(2048, 65535)).toBe(2047);
    expect(triangleMaxWindowRows(4096, 65535)).toBe(1023);
  });

  it('orientation is one constant of one family', () => {
    const out = triangleMultiplicationKernel('contract', 'outgoing');
    const inc = triangleMultiplicationKernel('contract', 'incoming');
    expect(out.source).toBe(inc.source);
    expect(out.constants.ORIENTATION).toBe(0);
    expect(inc.constants.ORIENTATION).toBe(1);
    // The stages that do not depend on the orientation share their pipelines.
    expect(triangleMultiplicationKernel('finish', 'incoming').constants).toEqual(
      triangleMultiplicationKernel('finish', 'outgoing').constants,
    );
  });
});

describe('triangle multiplication vs CPU reference (real Dawn device)', () => {
  const cases: { N: number; cz: number; c: number; opts?: TriangleMultiplicationOptions }[] = [
    { N: 1, cz: 7, c: 5 },
    { N: 7, cz: 16, c: 16 },
    { N: 33, cz: 20, c: 12 },
    { N: 65, cz: 16, c: 8 },
    // Row windows that do not divide N, and different project / output windows.
    { N: 33, cz: 12, c: 9, opts: { rows: 10, projectRows: 7 } },
    { N: 65, cz: 8, c: 4, opts: { rows: 64 } },
    // Several channel tiles in project (c > WG_Y) and output tiles in finish (c_z > 4·WG_X).
    { N: 20, cz: 130, c: 40 },
    { N: 20, cz: 130, c: 40, opts: { rows: 7, channels: 24 } },
    // Channel chunks (out of place), with and without row windows.
    { N: 33, cz: 12, c: 9, opts: { channels: 4 } },
    { N: 33, cz: 12, c: 9, opts: { channels: 5, rows: 16, projectRows: 20 } },
  ];
  for (const orientation of ['outgoing', 'incoming'] as const) {
    for (const { N, cz, c, opts } of cases) {
      it(`${orientation} N=${N} c_z=${cz} c=${c}${opts ? ` windows ${JSON.stringify(opts)}` : ''}`, async () => {
        const seed = N * 31 + cz + c;
        const params = randomTriangleMultiplicationParams(PATH, cz, c, seed);
        const z = tensor([N, N, cz], seededArray(N * N * cz, seed + 100, -2, 2));
        const mask = maskedPairMask(N, seed + 200);
        const { z: got, dispatches } = await runGpu(z, mask, params, PATH, orientation, opts);
        const ref = triangleMultiplicationRef(z, mask, params, orientation, PATH);
        // Error of the update, relative to max |update| (z + update is read back).
        const update = ref.map((v, i) => v - z.data[i]);
        const gotUpdate = Array.from(got, (v, i) => v - z.data[i]);
        const r = compare(gotUpdate, update, 2e-5);
        console.log(
          `triangle ${orientation} N=${N}: max|err| ${r.maxAbsError.toExponential(2)} of max ${r.scale.toExponential(2)}`,
        );
        expect(r.maxAbsError, `max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
        const windows = Math.ceil(N / (opts?.rows ?? N));
        const projects = Math.ceil(N / (opts?.projectRows ?? N));
        const chunks = Math.ceil(c / (opts?.channels ?? c));
        expect(dispatches).toBe(
          chunks === 1 ? projects + 2 * windows : windows * (chunks * (projects + 1) + 1),
        );
      });
    }
  }

  it('z stored as f16 (f32 arithmetic), both orientations, in place and with channel chunks', async () => {
    const N = 33;
    const params = randomTriangleMultiplicationParams(PATH, 16, 12, 5);
    // the reference sees the f16-rounded z; the f16 stores of x and z + update differ
    const z = tensor([N, N, 16], roundTo('f16', seededArray(N * N * 16, 6, -2, 2)));
    const mask = maskedPairMask(N, 7);
    for (const orientation of ['outgoing', 'incoming'] as const) {
      const ref = triangleMultiplicationRef(z, mask, params, orientation, PATH);
      for (const opts of [{ zType: 'f16' }, { zType: 'f16', channels: 5, rows: 16 }] as const) {
        const { z: got } = await runGpu(z, mask, params, PATH, orientation, opts);
        const r = compare(got, ref, 3e-3);
        expect(r.maxAbsError, `${orientation} ${JSON.stringify(opts)}`).toBeLessThanOrEqual(r.tolerance);
      }
    }
  }, 600_000);

  it('an all-zero pair mask (t = 0, so LayerNorm(t) is the centre offset)', async () => {
    const N = 9;
    const params = randomTriangleMultiplicationParams(PATH, 8, 8, 3);
    const z = tensor([N, N, 8], seededArray(N * N * 8, 4, -1, 1));
    const mask = tensor([N, N]);
    const { z: got } = await runGpu(z, mask, params, PATH, 'incoming');
    const ref = triangleMultiplicationRef(z, mask, params, 'incoming', PATH);
    expect(compare(got, ref, 1e-5).passed).toBe(true);
  });
});

describe('triangle multiplication vs golden modules (whole module on the GPU)', () => {
  for (const orientation of ['outgoing', 'incoming'] as const) {
    const name = `triangle_multiplication_${orientation}`;
    it(name, async () => {
      const g = await loadGoldenModule(name);
      const { pair_act: z, pair_mask: mask } = g.inputs;
      const want = g.outputs.update;
      for (const opts of [{}, { rows: 16 }, { channels: 4, rows: 18 }] as TriangleMultiplicationOptions[]) {
        const { z: got, dispatches } = await runGpu(z, mask, g.params, g.path, orientation, opts);
        const update = Array.from(got, (v, i) => v - z.data[i]);
        const r = compare(update, want.data, REL_TOL);
        console.log(
          `${name} ${JSON.stringify(opts)}: max abs err ${r.maxAbsError.toExponential(2)} ` +
            `(rel ${(r.maxAbsError / maxAbs(want.data)).toExponential(2)}), ${dispatches} dispatches`,
        );
        expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance);
      }
    });
  }
});
