/**
 * One kernel run against its CPU reference on seeded random data: upload, dispatch, read back,
 * compare. Shared by the vitest GPU tests and the self-test (so no node: imports here).
 */
import { type BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { readAs, roundTo, uploadAs } from '../half-storage.ts';
import { type Comparison, compare, seededArray } from './check.ts';
import { type LayerNormDims, layerNormRef, resolveLayerNormDims } from './layernorm.ref.ts';
import { type LayerNormConfig, recordLayerNorm } from './layernorm.ts';
import {
  type Epilogue,
  epilogueReadsE,
  type MatmulDims,
  matmulRef,
  resolveMatmulDims,
  viewLength,
} from './matmul.ref.ts';
import { type MatmulOptions, recordMatmul } from './matmul.ts';

export interface CaseResult extends Comparison {
  /** Wall-clock of upload + dispatch + readback, ms (includes pipeline creation on first use). */
  ms: number;
}

export interface KernelEnv {
  ctx: GpuContext;
  cache: PipelineCache;
  pool: BufferPool;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/**
 * Runs one matmul variant on seeded data and compares with matmulRef. With f16 storage types the
 * reference sees the same f16-rounded operands, so only the f16 store of C differs (rel 1e-3).
 */
export async function matmulCase(
  env: KernelEnv,
  dims: MatmulDims,
  opts: MatmulOptions & { naive?: boolean } = {},
  seed = 1,
  rel = 1e-5,
): Promise<CaseResult> {
  const t0 = now();
  const { ctx, cache, pool } = env;
  const d = resolveMatmulDims(dims);
  const epilogue: Epilogue = opts.epilogue ?? 'none';
  const t = { a: opts.types?.a ?? 'f32', e: opts.types?.e ?? 'f32', c: opts.types?.c ?? 'f32' } as const;
  if (t.c === 'f16') rel = Math.max(rel, 1e-3);
  const a = roundTo(t.a, seededArray(Math.max(1, viewLength(d.batch, d.M, d.K, d.lda, d.strideA)), seed));
  const b = seededArray(Math.max(1, viewLength(d.batch, d.K, d.N, d.ldb, d.strideB)), seed + 1);
  const bias = opts.bias ? seededArray(d.N, seed + 2) : undefined;
  const e = epilogueReadsE(epilogue)
    ? roundTo(t.e, seededArray(Math.max(1, viewLength(d.batch, d.M, d.N, d.lde, d.strideE)), seed + 3, -2, 2))
    : undefined;
  const cLen = Math.max(1, d.offsetC + viewLength(d.batch, d.M, d.N, d.ldc, d.strideC));
  // C starts with data (the residual for residual-in-place; elsewhere it checks that gaps between
  // strided rows are left alone).
  const c0 = roundTo(t.c, seededArray(cLen, seed + 4, -2, 2));
  const label = `matmul case ${d.batch}x${d.M}x${d.K}x${d.N} ${epilogue}`;
  const bufs = {
    a: uploadAs(pool, t.a, a, `${label} A`),
    b: pool.upload(b, `${label} B`),
    bias: bias ? pool.upload(bias, `${label} bias`) : undefined,
    e: e ? uploadAs(pool, t.e, e, `${label} E`) : undefined,
    c: uploadAs(pool, t.c, c0, `${label} C`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    await recordMatmul(rec, d, bufs, opts);
    rec.submit();
    const got = await readAs(ctx.device, t.c, bufs.c, cLen);
    const ref = matmulRef(d, epilogue, { a, b, bias, e, c: c0 });
    return { ...compare(got, ref, rel), ms: now() - t0 };
  } finally {
    for (const buf of Object.values(bufs)) if (buf) pool.release(buf);
  }
}

/** Runs layer norm on seeded data (rows with a non-zero mean) and compares with layerNormRef. */
export async function layerNormCase(
  env: KernelEnv,
  dims: LayerNormDims,
  seed = 1,
  rel = 1e-5,
  cfg?: LayerNormConfig,
): Promise<CaseResult> {
  const t0 = now();
  const { ctx, cache, pool } = env;
  const d = resolveLayerNormDims(dims);
  const xType = cfg?.xType ?? 'f32';
  const groups = Math.ceil(d.rows / d.groupRows);
  const xLen =
    groups === 0 ? 0 : d.offset + (groups - 1) * d.groupStride + Math.min(d.rows, d.groupRows) * d.C;
  const x = roundTo(xType, seededArray(Math.max(1, xLen), seed, -3, 5));
  const scale = seededArray(d.C, seed + 1, 0.5, 1.5);
  const offset = seededArray(d.C, seed + 2, -0.5, 0.5);
  const label = `layernorm case ${d.rows}x${d.C}`;
  const bufs = {
    x: uploadAs(pool, xType, x, `${label} x`),
    scale: pool.upload(scale, `${label} scale`),
    offset: pool.upload(offset, `${label} offset`),
    y: pool.acquire(Math.max(1, d.rows * d.C) * 4, `${label} y`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    await recordLayerNorm(rec, d, bufs, cfg);
    rec.submit();
    const got = await readFloat32(ctx.device, bufs.y, d.rows * d.C);
    const ref = layerNormRef(d, x, scale, offset);
    return { ...compare(got, ref, rel), ms: now() - t0 };
  } finally {
    for (const buf of Object.values(bufs)) pool.release(buf);
  }
}
