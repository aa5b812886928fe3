/**
 * Evoformer block throughput on the current WebGPU adapter (Node, Dawn), at full model size
 * (AF2 model_1_ptm channels and heads) with random weights (`--dims full`).
 *
 * Prints ONE JSON object to stdout (progress goes to stderr) and writes the same object to
 * bench/results/<adapter>-evoformer.json. Per N_res:
 *   evoformerBlock   ms per Evoformer block (median of runs), dispatches per block (Recorder),
 *                    approximate GFLOP/s, device memory (buffer pool peak)
 *   extraMsaBlock    ms per extra-MSA block (N_extra rows, c_e 64, global column attention)
 *   recycle          with --recycle: ms per full iteration of WebGpuEngine.fold (all 48 + 4
 *                    blocks, embedders, structure module, heads) on random full weights
 *   cpuReference     ms for one block of the CPU reference on the same input, or the reason it
 *                    was skipped (estimated time above --cpu-max-s)
 * GPU time comes from timestamp queries written at the start and end of every compute pass the
 * block records (sum of pass times) when the device has `timestamp-query`. Each module of a block
 * is one pass (Recorder.section), so `modules` gives ms and GFLOP/s per module (its kernel
 * family: attention, outer product mean, triangle multiplication, transition). Otherwise (and always,
 * as `wallMs`) from the wall clock: submit `reps` blocks back to back (as the engine does) and
 * wait for onSubmittedWorkDone, divided by reps — recording time included.
 *
 * usage: node --import ./scripts/register.mjs bench/evoformer.ts [--lengths 64,128,256]
 *          [--msa 128] [--extra 1024] [--runs N] [--budget-s S] [--cpu-max-s S] [--recycle]
 *          [--recycle-msa N] [--out FILE|-]
 *   --lengths L,..   N_res values (default 64,128,256)
 *   --msa S          MSA rows N_seq of the Evoformer block (default 128)
 *   --extra E        extra-MSA rows of the extra-MSA block (default 1024; 0 = skip)
 *   --runs N         timed runs per block (default 5); fewer when they exceed --budget-s
 *   --budget-s S     stop timing a block after S seconds of runs (default 30)
 *   --cpu-max-s S    skip the CPU reference where it is estimated to take more than S s (default 120)
 *   --recycle        also time one full recycle with WebGpuEngine (random full weights)
 *   --recycle-msa N  MSA cluster rows and extra rows of the recycle's features (default 16)
 *   --out FILE       where to write the JSON (default bench/results/<adapter>-evoformer.json; - = none)
 * Environment: VK_ICD_FILENAMES / WEBFOLD_VULKAN_DRIVER choose the Vulkan driver (src/gpu/node.ts).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BlockBuffers, recordEvoformerBlock } from '../src/engine/evoformer/block.ts';
import { type GpuEnv, type StackKind, stackBlockWeights } from '../src/engine/evoformer/stack.ts';
import { createWebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { DeviceWeights } from '../src/engine/weights.ts';
import { BufferPool } from '../src/gpu/buffers.ts';
import type { GpuContext } from '../src/gpu/device.ts';
import { PipelineCache } from '../src/gpu/kernel.ts';
import { Recorder } from '../src/gpu/launch.ts';
import { acquireNodeDevice } from '../src/gpu/node.ts';
import { BufferUsage, MapMode } from '../src/gpu/usage.ts';
import { syntheticFeatures } from '../src/model/features/synthetic.ts';
import { PRESETS, presetLayout } from '../src/model/params/presets.ts';
import { randomParams } from '../src/model/params/random-params.ts';
import { buildSchema } from '../src/model/params/schema.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK } from '../src/model/reference/af2-paths.ts';
import { evoformerBlock, pairMaskFromSeqMask } from '../src/model/reference/evoformer-block.ts';
import type { Params, Tensor } from '../src/model/reference/ops.ts';
import { tensor } from '../src/model/reference/ops.ts';
import { adapterSlug, fill, isSoftwareAdapter, median } from './common.ts';

interface Options {
  lengths: number[];
  msa: number;
  extra: number;
  runs: number;
  budgetS: number;
  cpuMaxS: number;
  recycle: boolean;
  recycleMsa: number;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    lengths: [64, 128, 256],
    msa: 128,
    extra: 1024,
    runs: 5,
    budgetS: 30,
    cpuMaxS: 120,
    recycle: false,
    recycleMsa: 16,
    out: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    const int = (min: number) => {
      const v = Number(value());
      if (!(Number.isInteger(v) && v >= min)) throw new Error(`bench: ${flag} needs an integer ≥ ${min}`);
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!(v > 0)) throw new Error(`bench: ${flag} needs a positive number`);
      return v;
    };
    if (flag === '--lengths') {
      o.lengths = value()
        .split(',')
        .map((s) => Number(s));
      if (o.lengths.some((l) => !(Number.isInteger(l) && l >= 2)))
        throw new Error('bench: --lengths needs integers ≥ 2, comma-separated');
    } else if (flag === '--msa') o.msa = int(1);
    else if (flag === '--extra') o.extra = int(0);
    else if (flag === '--runs') o.runs = int(1);
    else if (flag === '--budget-s') o.budgetS = num();
    else if (flag === '--cpu-max-s') o.cpuMaxS = num();
    else if (flag === '--recycle') o.recycle = true;
    else if (flag === '--recycle-msa') o.recycleMsa = int(1);
    else if (flag === '--out') o.out = value();
    else throw new Error(`bench: unknown argument '${a}'`);
  }
  return o;
}

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** Channel sizes read from the parameters (never assumed). */
function stackDims(params: Params, path: string) {
  const ln = (m: string) => params[`${path}/${m}/input_layer_norm//scale`].shape.at(-1) as number;
  return { cm: ln('msa_transition'), cz: ln('pair_transition') };
}

/** The FLOP table's key of each module (Recorder section) of an Evoformer block. */
const MODULE_FLOPS: Record<string, string[]> = {
  msa_row_attention_with_pair_bias: ['msaRowAttention'],
  msa_column_attention: ['msaColumnAttention'],
  msa_transition: ['msaTransition'],
  outer_product_mean: ['outerProductMean'],
  triangle_multiplication_outgoing: ['triangleMultiplication'],
  triangle_multiplication_incoming: ['triangleMultiplication'],
  triangle_attention_starting_node: ['triangleAttention'],
  triangle_attention_ending_node: ['triangleAttention'],
  pair_transition: ['pairTransition'],
};

/** ms and approximate GFLOP/s of each module (the two triangle modules share one FLOP entry). */
function moduleRates(moduleMs: Record<string, number>, flops: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(moduleMs).map(([name, ms]) => {
      const keys = MODULE_FLOPS[name] ?? [];
      // the table counts both orientations of a triangle module together
      const share = name.startsWith('triangle_') ? 0.5 : 1;
      const flop = keys.reduce((a, k) => a + (flops[k] ?? 0), 0) * share;
      return [name, { ms, approxGflops: flop > 0 && ms > 0 ? flop / (ms * 1e-3) / 1e9 : undefined }];
    }),
  );
}

/**
 * Approximate FLOPs of one Evoformer block (Alg 6): the matrix products and attention einsums
 * (2 per multiply-add) with AF2's full-size heads; layer norms, softmax and gating are left out.
 */
function evoformerBlockFlops(S: number, L: number, cm = 256, cz = 128): Record<string, number> {
  const msa = S * L;
  const pair = L * L;
  const hcRow = 8 * 32; // MSA row/column attention: 8 heads × 32
  const hcTri = 4 * 32; // triangle attention: 4 heads × 32
  const opmC = 32;
  const triHidden = 128;
  return {
    msaRowAttention:
      2 * msa * cm * hcRow * 4 + 2 * pair * cz * 8 + 2 * 2 * S * L * L * hcRow + 2 * msa * hcRow * cm,
    msaColumnAttention: 2 * msa * cm * hcRow * 4 + 2 * 2 * L * S * S * hcRow + 2 * msa * hcRow * cm,
    msaTransition: 2 * 2 * msa * cm * 4 * cm,
    outerProductMean: 2 * msa * cm * 2 * opmC + 2 * pair * S * opmC * opmC + 2 * pair * opmC * opmC * cz,
    triangleMultiplication:
      2 * (2 * pair * cz * triHidden * 4 + 2 * L * pair * triHidden + 2 * pair * triHidden * cz * 2),
    triangleAttention:
      2 * (2 * pair * cz * hcTri * 4 + 2 * pair * cz * 4 + 2 * 2 * L * pair * hcTri + 2 * pair * hcTri * cz),
    pairTransition: 2 * 2 * pair * cz * 4 * cz,
  };
}

/**
 * A view of the device whose command encoders write a timestamp at the start and end of every
 * compute pass (into `querySet`, two slots per pass, while slots last). Only the Recorder sees it.
 */
class PassTimestamps {
  readonly querySet: GPUQuerySet;
  readonly resolve: GPUBuffer;
  readonly readback: GPUBuffer;
  used = 0;
  overflow = false;
  readonly device: GPUDevice;

  constructor(
    readonly real: GPUDevice,
    readonly slots = 256,
  ) {
    this.querySet = real.createQuerySet({ label: 'bench pass timestamps', type: 'timestamp', count: slots });
    this.resolve = real.createBuffer({
      label: 'bench timestamp resolve',
      size: slots * 8,
      usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC,
    });
    this.readback = real.createBuffer({
      label: 'bench timestamp readback',
      size: slots * 8,
      usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
    });
    const wrapEncoder = (enc: GPUCommandEncoder): GPUCommandEncoder =>
      new Proxy(enc, {
        get: (target, prop) => {
          if (prop === 'beginComputePass') {
            return (desc: GPUComputePassDescriptor = {}) => {
              if (this.used + 2 > this.slots) {
                this.overflow = true;
                return target.beginComputePass(desc);
              }
              const i = this.used;
              this.used += 2;
              return target.beginComputePass({
                ...desc,
                timestampWrites: {
                  querySet: this.querySet,
                  beginningOfPassWriteIndex: i,
                  endOfPassWriteIndex: i + 1,
                },
              });
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    this.device = new Proxy(real, {
      get: (target, prop) => {
        if (prop === 'createCommandEncoder') {
          return (desc?: GPUCommandEncoderDescriptor) => wrapEncoder(target.createCommandEncoder(desc));
        }
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  reset(): void {
    this.used = 0;
    this.overflow = false;
  }

  /**
   * After the timed work was submitted: sum of pass durations, first-begin → last-end span and
   * each pass's duration (ms).
   */
  async read(): Promise<{ busyMs: number; spanMs: number; passes: number; passMs: number[] } | undefined> {
    if (this.overflow || this.used === 0) return undefined;
    const enc = this.real.createCommandEncoder({ label: 'bench timestamp resolve' });
    enc.resolveQuerySet(this.querySet, 0, this.used, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.readback, 0, this.used * 8);
    this.real.queue.submit([enc.finish()]);
    await this.readback.mapAsync(MapMode.READ, 0, this.used * 8);
    const t = new BigUint64Array(this.readback.getMappedRange(0, this.used * 8).slice(0));
    this.readback.unmap();
    let busy = 0n;
    let first = t[0];
    let last = t[1];
    const passMs: number[] = [];
    for (let i = 0; i < this.used; i += 2) {
      if (t[i + 1] < t[i]) return undefined;
      busy += t[i + 1] - t[i];
      passMs.push(Number(t[i + 1] - t[i]) / 1e6);
      if (t[i] < first) first = t[i];
      if (t[i + 1] > last) last = t[i + 1];
    }
    return { busyMs: Number(busy) / 1e6, spanMs: Number(last - first) / 1e6, passes: this.used / 2, passMs };
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.readback.destroy();
  }
}

interface BlockTiming {
  msPerBlock: number;
  timing: string;
  wallMsPerBlock: number;
  gpuBusyMsPerBlock?: number;
  gpuSpanMsPerBlock?: number;
  computePassesPerBlock?: number;
  /** GPU ms per module of the block (median over runs), when every module was one timed pass. */
  moduleMs?: Record<string, number>;
  runsMs: number[];
  wallRunsMs: number[];
  reps: number;
  dispatchesPerBlock: number;
  firstBlockMs: number;
  memory: { peakBytes: number; liveBytesBeforeBlock: number; scratchPeakBytes: number; weightsBytes: number };
}

/** Times one block of `kind` (block 0 of the stack in `params`) at sizes nSeq × nRes. */
async function timeBlock(
  env: GpuEnv,
  stamps: PassTimestamps | undefined,
  params: Params,
  kind: StackKind,
  nSeq: number,
  nRes: number,
  opts: Options,
): Promise<BlockTiming> {
  const { ctx, pool, cache } = env;
  const { device } = ctx;
  const path = kind === 'evoformer' ? EVOFORMER_ITERATION : EXTRA_MSA_STACK;
  const { cm, cz } = stackDims(params, path);
  const live0 = pool.stats.liveBytes;
  const dw = new DeviceWeights(pool, params, `bench ${kind}`);
  const w = stackBlockWeights(dw, kind, 0);
  const weightsBytes = pool.stats.liveBytes - live0;
  const m0 = fill(nSeq * nRes * cm, 1, -2, 2);
  const z0 = fill(nRes * nRes * cz, 2, -2, 2);
  const bufs: BlockBuffers = {
    m: pool.upload(m0, `bench ${kind} m`),
    z: pool.upload(z0, `bench ${kind} z`),
    msaMask: pool.upload(new Float32Array(nSeq * nRes).fill(1), `bench ${kind} msa mask`),
    pairMask: pool.upload(new Float32Array(nRes * nRes).fill(1), `bench ${kind} pair mask`),
  };
  const label = `bench ${kind}`;
  // The Recorder sees the timestamping view of the device when timestamps are available.
  const recCtx: GpuContext = stamps
    ? { ...ctx, device: stamps.device, assertAlive: () => ctx.assertAlive() }
    : ctx;
  let dispatches = 0;
  let sections: string[] = [];
  const block = async () => {
    const rec = new Recorder(recCtx, cache, label);
    dispatches = await recordEvoformerBlock(rec, pool, w, { nSeq, nRes }, bufs, label);
    sections = [...rec.sections];
    rec.submit();
  };
  const restore = () => {
    // fresh inputs each run, so repeated in-place updates never drift to inf/NaN
    device.queue.writeBuffer(bufs.m, 0, m0 as Float32Array<ArrayBuffer>);
    device.queue.writeBuffer(bufs.z, 0, z0 as Float32Array<ArrayBuffer>);
  };
  try {
    // Warm-up: compiles the pipelines; also the pool's peak for one block.
    const liveBefore = pool.stats.liveBytes;
    pool.resetPeak();
    const tw = performance.now();
    stamps?.reset();
    await block();
    await device.queue.onSubmittedWorkDone();
    const firstBlockMs = performance.now() - tw;
    const peakBytes = pool.stats.peakBytes;
    // Size runs: a run of `reps` blocks back to back lasts ≳ 200 ms (at most 8 blocks).
    restore();
    const t1 = performance.now();
    await block();
    await device.queue.onSubmittedWorkDone();
    const once = performance.now() - t1;
    const reps = Math.max(1, Math.min(8, Math.ceil(200 / Math.max(once, 1e-3))));
    const wallRunsMs: number[] = [];
    const gpuRuns: { busyMs: number; spanMs: number; passes: number }[] = [];
    const moduleRuns: Record<string, number>[] = [];
    let useStamps = Boolean(stamps);
    let spent = 0;
    for (let r = 0; r < opts.runs; r++) {
      restore();
      await device.queue.onSubmittedWorkDone();
      stamps?.reset();
      const t0 = performance.now();
      for (let k = 0; k < reps; k++) await block();
      await device.queue.onSubmittedWorkDone();
      const wall = performance.now() - t0;
      wallRunsMs.push(wall / reps);
      spent += wall;
      if (useStamps && stamps) {
        const g = await stamps.read();
        // A driver that reports nonsense (zero, or longer than the wall clock) is not trusted.
        if (!g || !(g.busyMs > 0) || g.spanMs > wall * 1.5 + 1) {
          useStamps = false;
          log(`${kind} L=${nRes}: timestamp queries unusable (${JSON.stringify(g)}); using wall clock`);
        } else {
          gpuRuns.push({ busyMs: g.busyMs / reps, spanMs: g.spanMs / reps, passes: g.passes / reps });
          // one pass per section: pass i of the run is section i mod (sections per block)
          if (sections.length > 0 && g.passMs.length === reps * sections.length) {
            const perModule: Record<string, number> = {};
            g.passMs.forEach((ms, i) => {
              const name = sections[i % sections.length];
              perModule[name] = (perModule[name] ?? 0) + ms / reps;
            });
            moduleRuns.push(perModule);
          }
        }
      }
      if (spent > opts.budgetS * 1000) break;
    }
    const wallMs = median(wallRunsMs);
    const out: BlockTiming = {
      msPerBlock: wallMs,
      timing: 'wall-clock (reps blocks submitted back to back → onSubmittedWorkDone, recording included)',
      wallMsPerBlock: wallMs,
      runsMs: wallRunsMs,
      wallRunsMs,
      reps,
      dispatchesPerBlock: dispatches,
      firstBlockMs,
      memory: {
        peakBytes,
        liveBytesBeforeBlock: liveBefore,
        scratchPeakBytes: peakBytes - liveBefore,
        weightsBytes,
      },
    };
    if (useStamps && gpuRuns.length === wallRunsMs.length && gpuRuns.length > 0) {
      out.gpuBusyMsPerBlock = median(gpuRuns.map((g) => g.busyMs));
      out.gpuSpanMsPerBlock = median(gpuRuns.map((g) => g.spanMs));
      out.computePassesPerBlock = gpuRuns[0].passes;
      out.msPerBlock = out.gpuBusyMsPerBlock;
      out.runsMs = gpuRuns.map((g) => g.busyMs);
      out.timing = 'timestamp-query (sum of the compute passes of a block)';
      if (moduleRuns.length === gpuRuns.length) {
        out.moduleMs = Object.fromEntries(
          sections.map((name) => [name, median(moduleRuns.map((r) => r[name] ?? 0))]),
        );
      }
    }
    return out;
  } finally {
    for (const b of Object.values(bufs)) pool.release(b);
    dw.release();
    pool.trim();
  }
}

function stackParams(kind: StackKind, seed: number): Params {
  const dims = { ...PRESETS.full, N_evoformer_blocks: 1, N_extra_blocks: 1 };
  const path = kind === 'evoformer' ? EVOFORMER_ITERATION : EXTRA_MSA_STACK;
  const schema = buildSchema(presetLayout()).filter((e) => e.key.startsWith(`${path}/`));
  return Object.fromEntries(randomParams(schema, dims, seed));
}

function cpuInputs(params: Params, nSeq: number, nRes: number) {
  const { cm, cz } = stackDims(params, EVOFORMER_ITERATION);
  const m = tensor([nSeq, nRes, cm], fill(nSeq * nRes * cm, 1, -2, 2));
  const z = tensor([nRes, nRes, cz], fill(nRes * nRes * cz, 2, -2, 2));
  const msa = tensor([nSeq, nRes], new Float32Array(nSeq * nRes).fill(1));
  const seqMask = tensor([nRes], new Float32Array(nRes).fill(1));
  return { m, z, masks: { msa, pair: pairMaskFromSeqMask(seqMask) as Tensor } };
}

function cpuBlockMs(params: Params, nSeq: number, nRes: number): number {
  const { m, z, masks } = cpuInputs(params, nSeq, nRes);
  const t0 = performance.now();
  evoformerBlock(m, z, masks, params, 0);
  return performance.now() - t0;
}

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const t0 = performance.now();
  const ctx = await acquireNodeDevice({ label: 'webfold evoformer bench' });
  const env: GpuEnv = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
  const stamps = ctx.hasTimestamps ? new PassTimestamps(ctx.device) : undefined;
  const software = isSoftwareAdapter(ctx);
  log(
    `adapter ${ctx.adapter.vendor} ${ctx.adapter.architecture} ${ctx.adapter.description}${software ? ' (software)' : ''}`,
  );
  log('random full-size weights …');
  const evoParams = stackParams('evoformer', 11);
  const extraParams = opts.extra > 0 ? stackParams('extra_msa', 12) : undefined;
  const results: Record<string, unknown>[] = [];
  // CPU reference rate (GFLOP/s), measured once on a small input, then from each measured length
  let cpuRate: number | undefined;
  const cpuRateFor = (): number => {
    if (cpuRate === undefined) {
      const S = Math.min(opts.msa, 8);
      const L = 16;
      cpuBlockMs(evoParams, S, L); // warm-up (JIT)
      const ms = cpuBlockMs(evoParams, S, L);
      const f = Object.values(evoformerBlockFlops(S, L)).reduce((a, b) => a + b, 0);
      cpuRate = f / (ms * 1e-3) / 1e9;
    }
    return cpuRate;
  };
  for (const L of opts.lengths) {
    const row: Record<string, unknown> = { nRes: L, nSeq: opts.msa, nExtra: opts.extra };
    const flops = evoformerBlockFlops(opts.msa, L);
    const totalFlop = Object.values(flops).reduce((a, b) => a + b, 0);
    row.approxFlopPerBlock = { total: totalFlop, ...flops };
    try {
      log(`evoformer block L=${L} S=${opts.msa} …`);
      const evo = await timeBlock(env, stamps, evoParams, 'evoformer', opts.msa, L, opts);
      row.evoformerBlock = {
        ...evo,
        approxGflops: totalFlop / (evo.msPerBlock * 1e-3) / 1e9,
        modules: evo.moduleMs && moduleRates(evo.moduleMs, flops),
      };
      log(`  ${evo.msPerBlock.toFixed(2)} ms/block, ${evo.dispatchesPerBlock} dispatches`);
    } catch (err) {
      row.evoformerBlock = { error: (err as Error).message };
      log(`  failed: ${(err as Error).message}`);
    }
    if (extraParams) {
      try {
        log(`extra-MSA block L=${L} E=${opts.extra} …`);
        const ex = await timeBlock(env, stamps, extraParams, 'extra_msa', opts.extra, L, opts);
        row.extraMsaBlock = ex;
        log(`  ${ex.msPerBlock.toFixed(2)} ms/block, ${ex.dispatchesPerBlock} dispatches`);
      } catch (err) {
        row.extraMsaBlock = { error: (err as Error).message };
        log(`  failed: ${(err as Error).message}`);
      }
    }
    // CPU reference for one Evoformer block on the same input
    const rate = cpuRateFor();
    const estS = totalFlop / (rate * 1e9);
    if (estS > opts.cpuMaxS) {
      row.cpuReference = {
        skipped: `estimated ${estS.toFixed(0)} s (at ${rate.toFixed(2)} GFLOP/s) > --cpu-max-s ${opts.cpuMaxS}`,
      };
      log(`cpu reference L=${L}: skipped (${estS.toFixed(0)} s estimated)`);
    } else {
      log(`cpu reference L=${L} (≈ ${estS.toFixed(1)} s) …`);
      const ms = cpuBlockMs(evoParams, opts.msa, L);
      cpuRate = totalFlop / (ms * 1e-3) / 1e9;
      row.cpuReference = { msPerBlock: ms, approxGflops: cpuRate, estimatedS: estS };
      const evo = row.evoformerBlock as { msPerBlock?: number };
      if (evo.msPerBlock) row.gpuSpeedupOverCpu = ms / evo.msPerBlock;
      log(`  ${ms.toFixed(0)} ms`);
    }
    results.push(row);
  }
  let recycle: Record<string, unknown>[] | undefined;
  if (opts.recycle) {
    recycle = [];
    log('random full-size weights for the whole model …');
    const full: Params = Object.fromEntries(randomParams(buildSchema(presetLayout()), PRESETS.full, 7));
    const engine = createWebGpuEngine(() => acquireNodeDevice({ label: 'webfold recycle bench' }));
    try {
      for (const L of opts.lengths) {
        const features = syntheticFeatures(L, opts.recycleMsa, opts.recycleMsa, 12345);
        const input = {
          features,
          params: { name: 'random full', arrays: full },
          options: { numRecycles: 0 },
        };
        try {
          log(`recycle L=${L} (S=E=${opts.recycleMsa}) …`);
          const tf = performance.now();
          await engine.fold(input); // uploads the weights and compiles the pipelines
          const firstMs = performance.now() - tf;
          const ts = performance.now();
          const pred = await engine.fold(input);
          const ms = performance.now() - ts;
          const pool = (await engine.gpuEnv()).pool.stats;
          recycle.push({
            nRes: L,
            nClusters: opts.recycleMsa,
            nExtra: opts.recycleMsa,
            msPerRecycle: ms,
            firstFoldMs: firstMs,
            timing:
              'wall clock around WebGpuEngine.fold with numRecycles 0 (one iteration + final read-back)',
            blockDispatches: engine.lastBlockDispatches,
            poolPeakBytes: pool.peakBytes,
            stages: pred.timings,
          });
          log(`  ${ms.toFixed(0)} ms/recycle`);
        } catch (err) {
          recycle.push({ nRes: L, error: (err as Error).message });
          log(`  failed: ${(err as Error).message}`);
        }
      }
    } finally {
      await engine.dispose();
    }
  }
  const report = {
    benchmark: 'evoformer',
    date: new Date().toISOString(),
    adapter: {
      vendor: ctx.adapter.vendor,
      architecture: ctx.adapter.architecture,
      device: ctx.adapter.device,
      description: ctx.adapter.description,
      isFallbackAdapter: ctx.adapter.isFallbackAdapter,
      software,
    },
    note: software
      ? 'SOFTWARE DRIVER (CPU rasteriser): these numbers say nothing about GPU speed; they only show ' +
        'the benchmark runs. Run bench/run-gpu.sh on a machine with a real GPU for meaningful numbers.'
      : 'hardware adapter',
    features: ctx.adapter.features,
    limits: { maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize },
    // CPU drivers share the host's cores: a busy host (load average ≫ cores) slows them down.
    host: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model,
      loadAverage: loadavg(),
      node: process.version,
    },
    model: 'random full-size weights (PRESETS.full: c_m 256, c_z 128, c_e 64, AF2 heads), all masks 1',
    timing: stamps ? 'timestamp-query where usable, else wall clock' : 'wall clock (no timestamp-query)',
    options: opts,
    totalSeconds: 0,
    results,
    ...(recycle ? { recycle } : {}),
  };
  report.totalSeconds = (performance.now() - t0) / 1000;
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  if (opts.out !== '-') {
    const here = dirname(fileURLToPath(import.meta.url));
    const file = opts.out ?? join(here, 'results', `${adapterSlug(ctx)}-evoformer.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${json}\n`);
    log(`wrote ${file}`);
  }
  stamps?.destroy();
  env.pool.destroy();
  ctx.device.destroy();
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
  return 1;
});
