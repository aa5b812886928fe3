import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import { type KernelEnv, matmulCase } from './cases.ts';
import { compare, seededArray } from './check.ts';
import { matmulRef } from './matmul.ref.ts';
import { DEFAULT_TILE, EPILOGUES, type MatmulDims, type MatmulOptions, vec4Flags } from './matmul.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'matmul-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

function describeCase(dims: MatmulDims, opts: MatmulOptions & { naive?: boolean }): string {
  const { M, N, K, batch = 1 } = dims;
  const v = vec4Flags(dims);
  return `${batch > 1 ? `${batch}x` : ''}${M}x${K}·${K}x${N} ${opts.epilogue ?? 'none'}${opts.bias ? '+bias' : ''}${
    opts.naive ? ' naive' : ` vec4A=${v.vec4A} vec4B=${v.vec4B}`
  }`;
}

async function expectMatch(dims: MatmulDims, opts: MatmulOptions & { naive?: boolean }, seed = 7) {
  const r = await matmulCase(env, dims, opts, seed);
  expect(
    r.maxAbsError,
    `${describeCase(dims, opts)}: max|err| ${r.maxAbsError} > ${r.tolerance}`,
  ).toBeLessThanOrEqual(r.tolerance);
}

describe('matmul CPU reference', () => {
  it('matches a hand-computed product with bias and every epilogue', () => {
    const a = [1, 2, 3, 4, 5, 6]; // [2, 3]
    const b = [1, 0, 0, 1, 1, 1]; // [3, 2]
    const bias = [0.5, -20];
    const dims = { M: 2, N: 2, K: 3 };
    // A·B = [[4, 5], [10, 11]]; + bias = [[4.5, -15], [10.5, -9]]
    expect([...matmulRef(dims, 'none', { a, b, bias })]).toEqual([4.5, -15, 10.5, -9]);
    expect([...matmulRef(dims, 'relu', { a, b, bias })]).toEqual([4.5, 0, 10.5, 0]);
    expect([...matmulRef(dims, 'residual', { a, b, bias, e: [1, 1, 1, 1] })]).toEqual([5.5, -14, 11.5, -8]);
    expect([...matmulRef(dims, 'residual-in-place', { a, b, bias, c: [2, 2, 2, 2] })]).toEqual([
      6.5, -13, 12.5, -7,
    ]);
    const g = matmulRef(dims, 'gate', { a, b, bias, e: [2, 2, 2, 2] });
    expect(g[0]).toBeCloseTo(2 / (1 + Math.exp(-4.5)), 12);
    expect(g[1]).toBeCloseTo(2 / (1 + Math.exp(15)), 12);
  });

  it('compare() flags NaN and scales the tolerance by max |ref|', () => {
    expect(compare([1, Number.NaN], [1, 2]).passed).toBe(false);
    expect(compare([100.0005], [100]).passed).toBe(true);
    expect(compare([1.0005], [1]).passed).toBe(false);
  });
});

describe('matmul kernels vs CPU reference (real Dawn device)', () => {
  it('uses the tile the shapes below are chosen around', () => {
    expect(DEFAULT_TILE).toEqual({ wgX: 16, wgY: 16, tileK: 16 });
  });

  // Every M × K pair; N, epilogue and bias rotate so each value meets each other one.
  const Ms = [1, 7, 33, 65, 1000];
  const Ks = [1, 3, 37, 129];
  const Ns = [1, 5, 64, 130];
  let i = 0;
  for (const M of Ms) {
    for (const K of Ks) {
      const N = Ns[(i + M) % Ns.length];
      const epilogue = EPILOGUES[i % EPILOGUES.length];
      const bias = i % 2 === 0;
      i++;
      it(`tiled ${M}x${K}·${K}x${N} ${epilogue}${bias ? ' +bias' : ''}`, async () => {
        await expectMatch({ M, N, K }, { epilogue, bias });
      });
    }
  }

  // Every epilogue with and without bias, at an unaligned and a vec4-aligned shape.
  for (const epilogue of EPILOGUES) {
    for (const bias of [false, true]) {
      it(`tiled ${epilogue}${bias ? ' +bias' : ''} at 65x37·37x130 and 33x128·128x64`, async () => {
        await expectMatch({ M: 65, N: 130, K: 37 }, { epilogue, bias }, 3);
        await expectMatch({ M: 33, N: 64, K: 128 }, { epilogue, bias }, 4);
      });
    }
  }

  it('vec4 paths: aligned A only, aligned B only, both', async () => {
    await expectMatch({ M: 33, N: 5, K: 132 }, { bias: true }); // vec4A
    await expectMatch({ M: 33, N: 132, K: 37 }, { bias: true }); // vec4B
    await expectMatch({ M: 1000, N: 128, K: 36 }, { epilogue: 'relu' }); // both, K not a tile multiple
  });

  it('1000x37·37x130 with every epilogue (the largest test shape)', async () => {
    for (const epilogue of EPILOGUES)
      await expectMatch({ M: 1000, N: 130, K: 37 }, { epilogue, bias: true }, 11);
  });

  it('batched, with broadcast weights (strideB = 0) and strided rows', async () => {
    await expectMatch({ M: 7, N: 5, K: 37, batch: 3 }, { epilogue: 'gate', bias: true });
    await expectMatch({ M: 33, N: 64, K: 16, batch: 4, strideB: 0 }, { epilogue: 'residual' });
    await expectMatch(
      { M: 9, N: 6, K: 11, lda: 13, ldb: 8, ldc: 10, lde: 7 },
      { epilogue: 'residual', bias: true },
    );
    await expectMatch({ M: 9, N: 8, K: 12, lda: 16, ldc: 12, batch: 2 }, { epilogue: 'residual-in-place' });
    // a view into a larger C (offsetC): a column block of a row-major tensor, batched over rows
    await expectMatch(
      { M: 3, N: 5, K: 7, batch: 4, ldc: 5, strideC: 20, offsetC: 10 },
      { epilogue: 'residual-in-place', bias: true },
    );
    await expectMatch({ M: 3, N: 5, K: 7, batch: 2, ldc: 5, strideC: 20, offsetC: 5 }, {}, 2);
  });

  it('f16 storage of A, E and C (f32 arithmetic), aligned and unaligned, every epilogue', async () => {
    for (const epilogue of EPILOGUES) {
      for (const dims of [
        { M: 65, N: 130, K: 37 },
        { M: 33, N: 64, K: 128 },
      ]) {
        await expectMatch(dims, { epilogue, bias: true, types: { a: 'f16', e: 'f16', c: 'f16' } }, 5);
      }
    }
    // mixed: f16 activations in, f32 scratch out (and the reverse)
    await expectMatch({ M: 33, N: 130, K: 36 }, { epilogue: 'gate', types: { a: 'f16' } }, 6);
    await expectMatch(
      { M: 7, N: 8, K: 12, batch: 2 },
      { epilogue: 'residual-in-place', types: { c: 'f16' } },
      8,
    );
  });

  it('other tile shapes (override constants)', async () => {
    await expectMatch({ M: 65, N: 130, K: 37 }, { tile: { wgX: 8, wgY: 8, tileK: 8 }, epilogue: 'gate' });
    await expectMatch({ M: 65, N: 130, K: 37 }, { tile: { wgX: 16, wgY: 4, tileK: 32 }, bias: true });
  });

  it('naive baseline kernel, every epilogue', async () => {
    for (const epilogue of EPILOGUES) {
      await expectMatch({ M: 33, N: 130, K: 37 }, { naive: true, epilogue, bias: true });
    }
    await expectMatch({ M: 1, N: 1, K: 1 }, { naive: true });
    await expectMatch({ M: 7, N: 5, K: 3, batch: 2 }, { naive: true, epilogue: 'residual-in-place' });
  });

  it('M = 0 or batch = 0 records no work and does not fail', async () => {
    const r = await matmulCase(env, { M: 0, N: 5, K: 3 }, {});
    expect(r.passed).toBe(true);
  });

  it('seeded data is reproducible', () => {
    expect(seededArray(4, 9)).toEqual(seededArray(4, 9));
    expect(seededArray(4, 9)).not.toEqual(seededArray(4, 10));
  });
});

describe('matmul beyond one grid dimension', () => {
  it('splits rows needing more than maxComputeWorkgroupsPerDimension workgroups into row blocks (A and E at offsets)', async () => {
    const limit = env.ctx.device.limits.maxComputeWorkgroupsPerDimension;
    const M = limit * 4 * DEFAULT_TILE.wgY + 100; // one workgroup row more than one dispatch covers
    await expectMatch({ M, K: 4, N: 4 }, { epilogue: 'residual', bias: true });
  }, 120_000);
});
