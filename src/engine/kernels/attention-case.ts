/**
 * One attention-core run against attentionRef on seeded random data: upload, one dispatch, read
 * back, compare. For the vitest GPU tests (and later the self-test), so no node: imports here.
 */
import { readFloat32 } from '../../gpu/buffers.ts';
import { Recorder } from '../../gpu/launch.ts';
import {
  type AttentionDims,
  type AttentionFeatures,
  attentionRef,
  resolveAttentionDims,
  viewLengths,
} from './attention.ref.ts';
import { type AttentionConfig, recordAttention } from './attention.ts';
import type { CaseResult, KernelEnv } from './cases.ts';
import { compare, seededArray } from './check.ts';

export interface AttentionCaseOptions extends AttentionFeatures {
  /** Fraction of keys masked per batch row (seeded); plus `maskedRows` fully masked rows. */
  maskFraction?: number;
  /** Batch rows whose keys are all masked. */
  maskedRows?: number[];
  cfg?: AttentionConfig;
  /** Value range of q and k (larger = peakier softmax). */
  qkRange?: number;
}

export interface AttentionCaseResult extends CaseResult {
  dispatches: number;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

export async function attentionCase(
  env: KernelEnv,
  dims: AttentionDims,
  opts: AttentionCaseOptions,
  seed = 1,
  rel = 1e-5,
): Promise<AttentionCaseResult> {
  const t0 = now();
  const { ctx, cache, pool } = env;
  const d = resolveAttentionDims(dims);
  const n = viewLengths(d);
  const r = opts.qkRange ?? 2;
  const q = seededArray(Math.max(1, n.q), seed, -r, r);
  const k = seededArray(Math.max(1, n.k), seed + 1, -r, r);
  const v = seededArray(Math.max(1, n.v), seed + 2);
  const gate = opts.gate ? seededArray(Math.max(1, n.gate), seed + 3, -3, 3) : undefined;
  const bias = opts.bias ? seededArray(Math.max(1, n.bias), seed + 4, -2, 2) : undefined;
  let mask: Float32Array | undefined;
  if (opts.mask) {
    const u = seededArray(Math.max(1, n.mask), seed + 5, 0, 1);
    mask = u.map((x) => (x < (opts.maskFraction ?? 0.25) ? 0 : 1));
    for (const b of opts.maskedRows ?? []) {
      for (let j = 0; j < d.keys; j++) mask[d.mask.offset + b * d.mask.strideB + j * d.mask.strideK] = 0;
    }
  }
  // Output starts with data: positions outside the out view must be left alone.
  const out0 = seededArray(Math.max(1, n.out), seed + 6, 5, 6);
  const label = `attention case ${d.batch}x${d.queries}x${d.keys} H${d.heads} D${d.headDim}`;
  const bufs = {
    q: pool.upload(q, `${label} q`),
    k: pool.upload(k, `${label} k`),
    v: pool.upload(v, `${label} v`),
    gate: gate ? pool.upload(gate, `${label} gate`) : undefined,
    bias: bias ? pool.upload(bias, `${label} bias`) : undefined,
    mask: mask ? pool.upload(mask, `${label} mask`) : undefined,
    out: pool.upload(out0, `${label} out`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    await recordAttention(rec, d, bufs, opts.cfg);
    rec.submit();
    const got = await readFloat32(ctx.device, bufs.out, out0.length);
    const ref = attentionRef(d, { q, k, v, gate, bias, mask }, out0);
    return { ...compare(got, ref, rel), ms: now() - t0, dispatches: rec.dispatches };
  } finally {
    for (const buf of Object.values(bufs)) if (buf) pool.release(buf);
  }
}
