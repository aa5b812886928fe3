import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { loadGoldenModule, REL_TOL } from '../../model/reference/golden-test-support.ts';
import { type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import { readAs, roundTo, uploadAs } from '../half-storage.ts';
import type { KernelEnv } from './cases.ts';
import { compare, maxAbs, seededArray } from './check.ts';
import {
  maskedMsaMask,
  outerProductMeanRef,
  randomOuterProductMeanParams,
} from './outer-product-mean.ref.ts';
import {
  type OuterProductMeanOptions,
  outerProductMeanSeqChunk,
  outerProductMeanSharedBytes,
  packOuterProductMeanWeights,
  recordOuterProductMean,
} from './outer-product-mean.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'outer-product-mean-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const PATH = 'test/outer_product_mean';

/** The whole module on the GPU: returns z after z += OuterProductMean(m, mask). */
async function runGpu(
  z: Tensor,
  m: Tensor,
  mask: Tensor,
  params: Params,
  path: string,
  opts: OuterProductMeanOptions = {},
): Promise<{ z: Float32Array; dispatches: number; chunk: number }> {
  const { ctx, cache, pool } = env;
  const [S, N] = m.shape;
  const w = packOuterProductMeanWeights(params, path);
  const label = `outer product mean S=${S} N=${N}`;
  const chunk = outerProductMeanSeqChunk(
    S,
    N,
    ctx.device.limits.maxComputeWorkgroupsPerDimension,
    opts.seqChunk,
  );
  const dw = {
    cm: w.cm,
    C: w.C,
    cz: w.cz,
    lnScale: pool.upload(w.lnScale, `${label} ln scale`),
    lnOffset: pool.upload(w.lnOffset, `${label} ln offset`),
    projW: pool.upload(w.projW, `${label} projection weights`),
    projB: pool.upload(w.projB, `${label} projection bias`),
    out: pool.upload(w.out, `${label} output weights`),
  };
  const bufs = {
    m: uploadAs(pool, opts.act ?? 'f32', m.data as Float32Array, `${label} m`),
    mask: pool.upload(mask.data, `${label} mask`),
    z: uploadAs(pool, opts.act ?? 'f32', z.data as Float32Array, `${label} z`),
    ab: pool.acquire(4 * chunk * N * 2 * w.C, `${label} ab`),
    partial: pool.acquire(4 * N * N * w.cz, `${label} partial`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    const dispatches = await recordOuterProductMean(rec, N, S, dw, bufs, opts);
    rec.submit();
    return { z: await readAs(ctx.device, opts.act ?? 'f32', bufs.z, z.data.length), dispatches, chunk };
  } finally {
    for (const b of [...Object.values(bufs), dw.lnScale, dw.lnOffset, dw.projW, dw.projB, dw.out])
      pool.release(b);
  }
}

describe('outer product mean kernel', () => {
  it('packs left and right projections side by side', () => {
    const p = randomOuterProductMeanParams(PATH, 3, 4, 5, 1);
    const w = packOuterProductMeanWeights(p, PATH);
    expect([w.cm, w.C, w.cz]).toEqual([3, 4, 5]);
    const rw = p[`${PATH}/right_projection//weights`].data as Float32Array;
    // W [c_m, 2C]: k = 2, right channel 1
    expect(w.projW[2 * 8 + 4 + 1]).toBe(rw[2 * 4 + 1]);
    expect(w.projB.length).toBe(8);
    expect(w.out.length).toBe(4 * 4 * 5 + 5);
  });

  it('rejects C that is not a multiple of 4, naming the key', () => {
    const p = randomOuterProductMeanParams(PATH, 3, 6, 5, 1);
    expect(() => packOuterProductMeanWeights(p, PATH)).toThrow(/left_projection\/\/weights: C = 6/);
  });

  it('caps sequence chunks so the projection grid fits', () => {
    expect(outerProductMeanSeqChunk(512, 35, 65535, 100)).toBe(100);
    expect(outerProductMeanSeqChunk(5120, 1024, 65535)).toBe(4095);
    expect(outerProductMeanSeqChunk(5, 7, 65535, 9)).toBe(5);
  });

  it('fits 16 KiB of workgroup memory at AF2 size (C = 32)', () => {
    expect(outerProductMeanSharedBytes({ C: 32 })).toBeLessThanOrEqual(16384);
  });
});

describe('outer product mean vs CPU reference (real Dawn device)', () => {
  const cases: { N: number; S: number; cm: number; C: number; cz: number; opts?: OuterProductMeanOptions }[] =
    [
      { N: 1, S: 3, cm: 5, C: 12, cz: 7 },
      { N: 7, S: 5, cm: 16, C: 8, cz: 16 },
      { N: 33, S: 4, cm: 12, C: 32, cz: 12 },
      { N: 65, S: 3, cm: 8, C: 8, cz: 20 },
      // More than 128 output channels (two f tiles), odd S with SB = 4, row windows.
      { N: 20, S: 7, cm: 9, C: 12, cz: 130, opts: { rows: 9, sb: 4 } },
      { N: 33, S: 1, cm: 8, C: 12, cz: 16, opts: { rows: 8 } },
      // Several projection K tiles and column tiles (c_m > 16, 2C > 64); C² not a multiple of 32.
      { N: 9, S: 5, cm: 40, C: 36, cz: 16 },
      // Sequence chunks (partial sums), with and without row windows.
      { N: 33, S: 9, cm: 8, C: 8, cz: 16, opts: { seqChunk: 2 } },
      { N: 7, S: 70, cm: 5, C: 8, cz: 130, opts: { seqChunk: 30, rows: 4 } },
    ];
  for (const { N, S, cm, C, cz, opts } of cases) {
    it(`N=${N} S=${S} c_m=${cm} C=${C} c_z=${cz}${opts ? ` ${JSON.stringify(opts)}` : ''}`, async () => {
      const seed = N * 7 + S + C;
      const params = randomOuterProductMeanParams(PATH, cm, C, cz, seed);
      const m = tensor([S, N, cm], seededArray(S * N * cm, seed + 10, -2, 3));
      const z = tensor([N, N, cz], seededArray(N * N * cz, seed + 11, -1, 1));
      const mask = maskedMsaMask(S, N, seed + 12);
      const { z: got, dispatches, chunk } = await runGpu(z, m, mask, params, PATH, opts);
      const ref = outerProductMeanRef(z, m, mask, params, PATH);
      const update = ref.map((v, i) => v - z.data[i]);
      const r = compare(
        Array.from(got, (v, i) => v - z.data[i]),
        update,
        2e-5,
      );
      console.log(
        `opm N=${N} S=${S}: max|err| ${r.maxAbsError.toExponential(2)} of max ${r.scale.toExponential(2)}`,
      );
      expect(r.maxAbsError, `max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
      expect(dispatches).toBe((1 + Math.ceil(N / (opts?.rows ?? N))) * Math.ceil(S / chunk));
      if (opts?.seqChunk) expect(chunk).toBeLessThan(S);
    });
  }
});

describe('outer product mean with m and z stored as f16', () => {
  it('N=33 S=9 in sequence chunks and row windows', async () => {
    const [N, S, cm, C, cz] = [33, 9, 12, 8, 16];
    const params = randomOuterProductMeanParams(PATH, cm, C, cz, 3);
    // the reference sees the f16-rounded inputs; only the f16 store of z + update differs
    const m = tensor([S, N, cm], roundTo('f16', seededArray(S * N * cm, 4, -2, 3)));
    const z = tensor([N, N, cz], roundTo('f16', seededArray(N * N * cz, 5, -1, 1)));
    const mask = maskedMsaMask(S, N, 6);
    const { z: got } = await runGpu(z, m, mask, params, PATH, { act: 'f16', seqChunk: 4, rows: 16 });
    const r = compare(got, outerProductMeanRef(z, m, mask, params, PATH), 2e-3);
    expect(r.maxAbsError, `max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
  });
});

describe('outer product mean vs golden module (whole module on the GPU)', () => {
  it('outer_product_mean', async () => {
    const g = await loadGoldenModule('outer_product_mean');
    const { msa_act: m, msa_mask: mask } = g.inputs;
    const want = g.outputs.update;
    const N = m.shape[1];
    const z = tensor([N, N, want.shape[2]], seededArray(want.data.length, 5, -1, 1));
    for (const opts of [{}, { rows: 16 }, { seqChunk: 3 }] as OuterProductMeanOptions[]) {
      const { z: got, dispatches } = await runGpu(z, m, mask, g.params, g.path, opts);
      const r = compare(
        Array.from(got, (v, i) => v - z.data[i]),
        want.data,
        REL_TOL,
      );
      console.log(
        `outer_product_mean ${JSON.stringify(opts)}: max abs err ${r.maxAbsError.toExponential(2)} ` +
          `(rel ${(r.maxAbsError / maxAbs(want.data)).toExponential(2)}), ${dispatches} dispatches`,
      );
      expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance);
    }
  });
});
