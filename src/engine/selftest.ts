/**
 * Kernel self-test: runs every matmul epilogue (tiled and naive) and layer norm on a few small,
 * odd shapes with seeded random data and compares each with its CPU reference. Backs
 * `webfold doctor` and the app's GPU panel, so it runs in Node and in a browser worker alike
 * (nothing here or below imports node:).
 */
import { BufferPool } from '../gpu/buffers.ts';
import type { AdapterSummary, GpuContext } from '../gpu/device.ts';
import { PipelineCache } from '../gpu/kernel.ts';
import { type CaseResult, type KernelEnv, layerNormCase, matmulCase } from './kernels/cases.ts';
import type { LayerNormDims } from './kernels/layernorm.ref.ts';
import { EPILOGUES, type MatmulDims, type MatmulOptions } from './kernels/matmul.ts';

export interface SelfTestCheck {
  name: string;
  shape: string;
  maxAbsError: number;
  tolerance: number;
  passed: boolean;
  ms: number;
}

export interface SelfTestReport {
  passed: boolean;
  adapter: AdapterSummary;
  checks: SelfTestCheck[];
  totalMs: number;
}

/** Relative tolerance (of max |reference|) every check must meet. */
export const SELF_TEST_REL_TOLERANCE = 1e-5;

interface Planned {
  name: string;
  shape: string;
  run(env: KernelEnv): Promise<CaseResult>;
}

function matmulShape(d: MatmulDims): string {
  return `${d.batch && d.batch > 1 ? `${d.batch}x` : ''}[${d.M}x${d.K}]·[${d.K}x${d.N}]`;
}

function planMatmul(
  name: string,
  dims: MatmulDims,
  opts: MatmulOptions & { naive?: boolean },
  seed: number,
): Planned {
  return {
    name,
    shape: matmulShape(dims),
    run: (env) => matmulCase(env, dims, opts, seed, SELF_TEST_REL_TOLERANCE),
  };
}

function planLayerNorm(dims: LayerNormDims, seed: number): Planned {
  return {
    name: 'layernorm',
    shape: `[${dims.rows}x${dims.C}]`,
    run: (env) => layerNormCase(env, dims, seed, SELF_TEST_REL_TOLERANCE),
  };
}

/** The checks, in order: small odd shapes, K not a multiple of the tile, both load paths. */
export function selfTestPlan(): { name: string; shape: string; run(env: KernelEnv): Promise<CaseResult> }[] {
  const plan: Planned[] = [];
  let seed = 1;
  for (const epilogue of EPILOGUES) {
    // Unaligned (scalar loads), with bias, K spanning two K tiles plus a remainder.
    plan.push(
      planMatmul(`matmul ${epilogue} +bias`, { M: 33, N: 5, K: 37 }, { epilogue, bias: true }, seed++),
    );
  }
  plan.push(planMatmul('matmul none (vec4 loads)', { M: 65, N: 64, K: 20 }, {}, seed++));
  plan.push(
    planMatmul(
      'matmul relu +bias (vec4 loads)',
      { M: 7, N: 132, K: 36 },
      { epilogue: 'relu', bias: true },
      seed++,
    ),
  );
  plan.push(
    planMatmul(
      'matmul gate batched, shared B',
      { M: 7, N: 9, K: 13, batch: 3, strideB: 0 },
      { epilogue: 'gate' },
      seed++,
    ),
  );
  plan.push(planMatmul('matmul 1x1x1', { M: 1, N: 1, K: 1 }, { bias: true }, seed++));
  plan.push(
    planMatmul(
      'matmul_naive residual +bias',
      { M: 33, N: 5, K: 37 },
      { naive: true, epilogue: 'residual', bias: true },
      seed++,
    ),
  );
  for (const dims of [
    { rows: 7, C: 1 },
    { rows: 33, C: 7 },
    { rows: 65, C: 128 },
    { rows: 7, C: 384 },
  ]) {
    plan.push(planLayerNorm(dims, seed++));
  }
  return plan;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/**
 * Runs the self-test on `ctx`'s device. Never throws for a kernel failure: a check that errors
 * (WGSL compilation, validation) is reported as failed with maxAbsError NaN and the message in
 * its name.
 */
export async function runSelfTest(ctx: GpuContext): Promise<SelfTestReport> {
  const t0 = now();
  ctx.assertAlive();
  const env: KernelEnv = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
  const checks: SelfTestCheck[] = [];
  try {
    for (const p of selfTestPlan()) {
      const t = now();
      try {
        const r = await p.run(env);
        checks.push({
          name: p.name,
          shape: p.shape,
          maxAbsError: r.maxAbsError,
          tolerance: r.tolerance,
          passed: r.passed,
          ms: r.ms,
        });
      } catch (err) {
        checks.push({
          name: `${p.name}: ${err instanceof Error ? err.message : String(err)}`,
          shape: p.shape,
          maxAbsError: Number.NaN,
          tolerance: 0,
          passed: false,
          ms: now() - t,
        });
      }
    }
  } finally {
    env.pool.destroy();
  }
  return {
    passed: checks.length > 0 && checks.every((c) => c.passed),
    adapter: ctx.adapter,
    checks,
    totalMs: now() - t0,
  };
}
