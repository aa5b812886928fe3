/**
 * The confidence heads on the GPU (reference: src/model/reference/predicted-lddt-head.ts,
 * output-heads.ts, src/model/confidence/).
 *
 *   pLDDT (Algorithm 29)   LN(s) → relu(Linear) × k → Linear → softmax expectation over the bins
 *                          layernorm + (k + 1) matmuls + heads.wgsl plddt_expectation
 *   PAE / pTM (1.9.7)      per pair: Linear(z_ij) → softmax → PAE_ij and tm_ij (heads.wgsl pae_tm,
 *                          the [N, N, 64] logits are never stored); pTM = max_i mean_j tm_ij
 *                          (heads.wgsl ptm_reduce)
 * Read back: pLDDT [N], PAE [N, N], pTM and the maximum PAE (2 floats) — nothing else.
 */
import { type BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { PipelineCache, StorageType } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { DEFAULT_MAX_ERROR_BIN } from '../../model/confidence/pae.ts';
import { tmScoreD0 } from '../../model/confidence/ptm.ts';
import { paeTmKernel, plddtKernel, ptmReduceKernel } from './kernels.ts';
import { recordLinear, recordNorm } from './structure-module.ts';
import type { HeadsDeviceWeights } from './weights.ts';

export interface HeadsGpuResult {
  N: number;
  /** [N] 0–100 */
  plddt: GPUBuffer;
  /** [N, N] Å; absent without the pTM head */
  pae?: GPUBuffer;
  /** [2] = (pTM, max predicted aligned error) */
  ptm?: GPUBuffer;
  dispatches: number;
  release(): void;
}

export interface HeadsReadback {
  plddt: Float32Array;
  pae?: Float32Array;
  ptm?: number;
  maxPae?: number;
}

/**
 * `sStructure` [N, c_s] the structure module's final s; `z` [N, N, c_z] the Evoformer pair
 * representation (the PAE head reads it without a layer norm).
 */
export async function runHeadsGpu(
  ctx: GpuContext,
  cache: PipelineCache,
  pool: BufferPool,
  w: HeadsDeviceWeights,
  sStructure: GPUBuffer,
  z: GPUBuffer,
  N: number,
  cS: number,
  opts: { maxErrorBin?: number; zType?: StorageType } = {},
): Promise<HeadsGpuResult> {
  const L = 'heads';
  const f32 = (count: number, label: string) => pool.acquire(Math.max(1, count) * 4, `${L} ${label}`);
  const scratch: GPUBuffer[] = [];
  const owned: GPUBuffer[] = [];
  const rec = new Recorder(ctx, cache, L);
  try {
    // pLDDT
    const sLn = f32(N * cS, 'plddt LN(s) [N, c_s]');
    scratch.push(sLn);
    await recordNorm(rec, N, cS, sStructure, w.lddtNorm, sLn);
    let x = sLn;
    for (const [k, l] of w.lddtHidden.entries()) {
      const h = f32(N * l.cOut, `plddt act_${k} [N, c]`);
      scratch.push(h);
      await recordLinear(rec, N, x, l, h, 'relu');
      x = h;
    }
    const bins = w.lddtLogits.cOut;
    const logits = f32(N * bins, 'plddt logits [N, bins]');
    scratch.push(logits);
    await recordLinear(rec, N, x, w.lddtLogits, logits);
    const plddt = f32(N, 'plddt [N]');
    owned.push(plddt);
    await rec.dispatch(plddtKernel(bins), { N }, { lddtLogits: logits, plddt });

    const out: HeadsGpuResult = {
      N,
      plddt,
      dispatches: 0,
      release: () => {
        for (const b of owned) pool.release(b);
      },
    };
    if (w.pae) {
      const paeBins = w.pae.cOut;
      const pae = f32(N * N, 'pae [N, N]');
      const tm = f32(N * N, 'tm per pair [N, N]');
      const ptm = f32(2, 'ptm, max pae [2]');
      owned.push(pae, ptm);
      scratch.push(tm);
      const dims = { N, maxErrorBin: opts.maxErrorBin ?? DEFAULT_MAX_ERROR_BIN, d0: tmScoreD0(N) };
      await rec.dispatch(paeTmKernel(w.pae.cIn, paeBins, opts.zType), dims, {
        zPair: z,
        paeW: w.pae.w,
        paeB: w.pae.b,
        pae,
        tmPair: tm,
      });
      await rec.dispatch(ptmReduceKernel(paeBins), dims, { tmIn: tm, ptmOut: ptm });
      out.pae = pae;
      out.ptm = ptm;
    }
    rec.submit();
    out.dispatches = rec.dispatches;
    return out;
  } catch (err) {
    for (const b of owned) pool.release(b);
    throw err;
  } finally {
    for (const b of scratch) pool.release(b);
  }
}

/** Reads pLDDT, PAE, pTM and the maximum PAE back to the host. */
export async function readHeads(ctx: GpuContext, r: HeadsGpuResult): Promise<HeadsReadback> {
  const out: HeadsReadback = { plddt: await readFloat32(ctx.device, r.plddt, r.N) };
  if (r.pae && r.ptm) {
    out.pae = await readFloat32(ctx.device, r.pae, r.N * r.N);
    const p = await readFloat32(ctx.device, r.ptm, 2);
    out.ptm = p[0];
    out.maxPae = p[1];
  }
  return out;
}
