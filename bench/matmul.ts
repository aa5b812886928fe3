/**
 * `npm run bench` — matrix multiply throughput on the current WebGPU adapter (Node, Dawn).
 *
 * Prints ONE JSON object to stdout (progress goes to stderr) and writes the same object to
 * bench/results/<adapter>-matmul.json. For each shape: GFLOP/s of the tiled kernel
 * (shaders/matmul.wgsl, the engine's) and of the naive baseline (shaders/matmul_naive.wgsl),
 * median over several timed runs after a warm-up. Each run is one compute pass holding `reps`
 * identical dispatches (reps chosen so a pass lasts ≳ 25 ms), timed with timestamp queries when
 * the device has them, else by wall clock around submit → onSubmittedWorkDone.
 *
 * Shapes are Linear layers: C[M, N] = A[M, K] · W[K, N] + bias (epilogue none).
 *   square     256³ and 1024³
 *   evoformer  the Evoformer's projections at N_res = 256, N_seq = 512 (c_m 256, c_z 128, c_s 384)
 *   small      256³ and the Evoformer's projections at N_res = 64, N_seq = 64
 *
 * usage: node --import ./scripts/register.mjs bench/matmul.ts [--shapes square,evoformer|small|all]
 *          [--quick] [--runs N] [--budget-s S] [--naive-max-s S] [--out FILE|-]
 *   --quick          = --shapes small --runs 3 (for software drivers)
 *   --runs N         timed runs per kernel and shape (default 5); fewer when a run exceeds the budget
 *   --budget-s S     stop timing a kernel on a shape after S seconds of runs (default 10)
 *   --naive-max-s S  skip the naive kernel where it would take more than S s per run, estimated
 *                    from the tiled kernel's time × 8 (default 120)
 *   --out FILE       where to write the JSON (default bench/results/<adapter>-matmul.json; - = none)
 * Environment: VK_ICD_FILENAMES / WEBFOLD_VULKAN_DRIVER choose the Vulkan driver (src/gpu/node.ts).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveMatmulDims } from '../src/engine/kernels/matmul.ref.ts';
import {
  matmulBindings,
  matmulKernelFor,
  matmulNaiveKernel,
  vec4Flags,
} from '../src/engine/kernels/matmul.ts';
import { BufferPool } from '../src/gpu/buffers.ts';
import type { GpuContext } from '../src/gpu/device.ts';
import { type KernelDescriptor, PipelineCache } from '../src/gpu/kernel.ts';
import { acquireNodeDevice } from '../src/gpu/node.ts';
import { BufferUsage, MapMode } from '../src/gpu/usage.ts';
import { adapterSlug, fill, median } from './common.ts';

interface Shape {
  name: string;
  M: number;
  K: number;
  N: number;
  note: string;
}

function evoformerShapes(nRes: number, nSeq: number, tag: string): Shape[] {
  const msa = nSeq * nRes;
  const pair = nRes * nRes;
  const s = `N_res=${nRes}, N_seq=${nSeq}`;
  return [
    {
      name: `msa-qkv-${tag}`,
      M: msa,
      K: 256,
      N: 768,
      note: `MSA row attention q,k,v [N_seq·N_res, c_m]→[3·8·32] (${s})`,
    },
    {
      name: `msa-transition-up-${tag}`,
      M: msa,
      K: 256,
      N: 1024,
      note: `MSA transition [N_seq·N_res, c_m]→[4·c_m] (${s})`,
    },
    {
      name: `msa-transition-down-${tag}`,
      M: msa,
      K: 1024,
      N: 256,
      note: `MSA transition [N_seq·N_res, 4·c_m]→[c_m] (${s})`,
    },
    {
      name: `outer-product-ab-${tag}`,
      M: msa,
      K: 256,
      N: 64,
      note: `outer product mean a,b [N_seq·N_res, c_m]→[2·32] (${s})`,
    },
    {
      name: `pair-proj-${tag}`,
      M: pair,
      K: 128,
      N: 128,
      note: `triangle multiplication projection [N_res², c_z]→[c_z] (${s})`,
    },
    {
      name: `pair-tri-attn-qkv-${tag}`,
      M: pair,
      K: 128,
      N: 384,
      note: `triangle attention q,k,v [N_res², c_z]→[3·4·32] (${s})`,
    },
    {
      name: `pair-transition-up-${tag}`,
      M: pair,
      K: 128,
      N: 512,
      note: `pair transition [N_res², c_z]→[4·c_z] (${s})`,
    },
    {
      name: `single-proj-${tag}`,
      M: nRes,
      K: 384,
      N: 384,
      note: `structure module single projection [N_res, c_s]→[c_s] (${s})`,
    },
  ];
}

const SQUARES: Shape[] = [
  { name: 'square-256', M: 256, K: 256, N: 256, note: '256³' },
  { name: 'square-1024', M: 1024, K: 1024, N: 1024, note: '1024³' },
];

function shapeSet(spec: string): Shape[] {
  const out: Shape[] = [];
  for (const part of spec.split(',')) {
    if (part === 'square') out.push(...SQUARES);
    else if (part === 'evoformer') out.push(...evoformerShapes(256, 512, 'full'));
    else if (part === 'small') out.push(SQUARES[0], ...evoformerShapes(64, 64, 'small'));
    else if (part === 'all')
      out.push(...SQUARES, ...evoformerShapes(64, 64, 'small'), ...evoformerShapes(256, 512, 'full'));
    else throw new Error(`bench: unknown shape set '${part}' (square, evoformer, small, all)`);
  }
  return out.filter((s, i) => out.findIndex((t) => t.name === s.name) === i);
}

interface Options {
  shapes: string;
  runs: number;
  budgetS: number;
  naiveMaxS: number;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { shapes: 'square,evoformer', runs: 5, budgetS: 10, naiveMaxS: 120, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!(v > 0)) throw new Error(`bench: ${flag} needs a positive number`);
      return v;
    };
    if (flag === '--quick') {
      o.shapes = 'small';
      o.runs = 3;
    } else if (flag === '--shapes') o.shapes = value();
    else if (flag === '--runs') o.runs = Math.round(num());
    else if (flag === '--budget-s') o.budgetS = num();
    else if (flag === '--naive-max-s') o.naiveMaxS = num();
    else if (flag === '--out') o.out = value();
    else throw new Error(`bench: unknown argument '${a}'`);
  }
  return o;
}

/** Times passes of `reps` dispatches: timestamp queries when available, else wall clock. */
class PassTimer {
  private readonly querySet: GPUQuerySet | undefined;
  private readonly resolve: GPUBuffer | undefined;
  private readonly readback: GPUBuffer | undefined;
  useTimestamps: boolean;

  constructor(readonly ctx: GpuContext) {
    this.useTimestamps = ctx.hasTimestamps;
    if (this.useTimestamps) {
      const { device } = ctx;
      this.querySet = device.createQuerySet({ label: 'bench timestamps', type: 'timestamp', count: 2 });
      this.resolve = device.createBuffer({
        label: 'bench timestamp resolve',
        size: 16,
        usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC,
      });
      this.readback = device.createBuffer({
        label: 'bench timestamp readback',
        size: 16,
        usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
      });
    }
  }

  /** Milliseconds for one pass of `reps` dispatches of `pipeline`. */
  async time(
    pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    wg: [number, number, number],
    reps: number,
  ) {
    const { device } = this.ctx;
    const enc = device.createCommandEncoder({ label: 'bench pass' });
    const ts = this.useTimestamps && this.querySet;
    const pass = enc.beginComputePass({
      label: 'bench pass',
      ...(ts
        ? { timestampWrites: { querySet: ts, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }
        : {}),
    });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...wg);
    pass.end();
    if (ts) {
      enc.resolveQuerySet(ts, 0, 2, this.resolve!, 0);
      enc.copyBufferToBuffer(this.resolve!, 0, this.readback!, 0, 16);
    }
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    const wall = performance.now() - t0;
    if (!ts) return wall;
    await this.readback!.mapAsync(MapMode.READ);
    const [begin, end] = new BigUint64Array(this.readback!.getMappedRange().slice(0));
    this.readback!.unmap();
    const ms = Number(end - begin) / 1e6;
    // A driver that reports nonsense (zero, or longer than the wall clock) is not trusted.
    if (!(ms > 0) || ms > wall * 1.5 + 1) {
      this.useTimestamps = false;
      process.stderr.write(`bench: timestamp queries gave ${ms} ms vs wall ${wall} ms; using wall clock\n`);
      return wall;
    }
    return ms;
  }
}

interface KernelResult {
  gflops: number;
  medianMs: number;
  reps: number;
  runsMs: number[];
}

async function benchKernel(
  ctx: GpuContext,
  cache: PipelineCache,
  timer: PassTimer,
  kernel: KernelDescriptor<{ M: number; N: number; K: number }>,
  shape: Shape,
  bufs: Record<string, GPUBuffer>,
  opts: Options,
): Promise<KernelResult> {
  const { device } = ctx;
  const dims = resolveMatmulDims(shape);
  const compiled = await cache.get(kernel);
  const params = device.createBuffer({
    label: `bench ${kernel.name} params`,
    size: 48,
    usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(params, 0, kernel.uniforms!(dims) as Uint32Array<ArrayBuffer>);
  const bindGroup = device.createBindGroup({
    label: `bench ${compiled.label}`,
    layout: compiled.layout,
    entries: kernel.bindings.map((b, i) => ({
      binding: i,
      resource: { buffer: b.name === 'params' ? params : bufs[b.name] },
    })),
  });
  const wg = kernel.workgroups(dims);
  const flop = 2 * shape.M * shape.N * shape.K;
  // Warm-up (one dispatch) also sizes the passes: ≳ 25 ms each, at most 64 dispatches.
  const warm = await timer.time(compiled.pipeline, bindGroup, wg, 1);
  const reps = Math.max(1, Math.min(64, Math.ceil(25 / Math.max(warm, 1e-3))));
  const runsMs: number[] = [];
  let spent = 0;
  for (let r = 0; r < opts.runs; r++) {
    const ms = (await timer.time(compiled.pipeline, bindGroup, wg, reps)) / reps;
    runsMs.push(ms);
    spent += ms * reps;
    if (spent > opts.budgetS * 1000) break;
  }
  params.destroy();
  const med = median(runsMs);
  return { gflops: flop / (med * 1e-3) / 1e9, medianMs: med, reps, runsMs };
}

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const shapes = shapeSet(opts.shapes);
  const ctx = await acquireNodeDevice({ label: 'webfold bench' });
  const cache = new PipelineCache(ctx.device);
  const pool = new BufferPool(ctx.device);
  const timer = new PassTimer(ctx);
  const maxBinding = ctx.device.limits.maxStorageBufferBindingSize;
  const results: Record<string, unknown>[] = [];
  const t0 = performance.now();
  for (const shape of shapes) {
    const { M, N, K } = shape;
    const flop = 2 * M * N * K;
    const row: Record<string, unknown> = { ...shape, flop, vec4: vec4Flags(shape) };
    const biggest = Math.max(M * K, K * N, M * N) * 4;
    if (biggest > maxBinding) {
      row.skipped = `a ${biggest}-byte operand exceeds maxStorageBufferBindingSize ${maxBinding}`;
      results.push(row);
      process.stderr.write(`bench: ${shape.name}: skipped (${row.skipped})\n`);
      continue;
    }
    const a = pool.upload(fill(M * K, 1), `bench ${shape.name} A`);
    const b = pool.upload(fill(K * N, 2), `bench ${shape.name} B`);
    const bias = pool.upload(fill(N, 3), `bench ${shape.name} bias`);
    const c = pool.acquire(M * N * 4, `bench ${shape.name} C`);
    const bufs = { ...matmulBindings(ctx.device, { a, b, bias, c }, { bias: true }) };
    const tiled = await benchKernel(
      ctx,
      cache,
      timer,
      matmulKernelFor(shape, { bias: true }),
      shape,
      bufs,
      opts,
    );
    row.tiled = tiled;
    process.stderr.write(`bench: ${shape.name} tiled ${tiled.gflops.toFixed(2)} GFLOP/s\n`);
    const naiveEstimateS = (tiled.medianMs * 8) / 1000;
    if (naiveEstimateS > opts.naiveMaxS) {
      row.naive = {
        skipped: `estimated ${naiveEstimateS.toFixed(0)} s per run > --naive-max-s ${opts.naiveMaxS}`,
      };
    } else {
      const naive = await benchKernel(
        ctx,
        cache,
        timer,
        matmulNaiveKernel({ bias: true }),
        shape,
        bufs,
        opts,
      );
      row.naive = naive;
      row.speedup = tiled.gflops / naive.gflops;
      process.stderr.write(`bench: ${shape.name} naive ${naive.gflops.toFixed(2)} GFLOP/s\n`);
    }
    for (const buf of [a, b, bias, c]) pool.release(buf);
    pool.trim();
    results.push(row);
  }
  const report = {
    benchmark: 'matmul',
    date: new Date().toISOString(),
    adapter: {
      vendor: ctx.adapter.vendor,
      architecture: ctx.adapter.architecture,
      device: ctx.adapter.device,
      description: ctx.adapter.description,
      isFallbackAdapter: ctx.adapter.isFallbackAdapter,
    },
    features: ctx.adapter.features,
    // CPU drivers share the host's cores: a busy host (load average ≫ cores) slows them down.
    host: { cpus: availableParallelism(), loadAverage1m: loadavg()[0], node: process.version },
    timing: timer.useTimestamps ? 'timestamp-query' : 'wall-clock (submit → onSubmittedWorkDone)',
    kernel: {
      tiled: 'shaders/matmul.wgsl 16×16 invocations, 4×4 outputs each, TILE_K 16',
      naive: 'shaders/matmul_naive.wgsl',
    },
    epilogue: 'none + bias',
    options: opts,
    totalSeconds: (performance.now() - t0) / 1000,
    results,
  };
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  if (opts.out !== '-') {
    const here = dirname(fileURLToPath(import.meta.url));
    const file = opts.out ?? join(here, 'results', `${adapterSlug(ctx)}-matmul.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${json}\n`);
    process.stderr.write(`bench: wrote ${file}\n`);
  }
  pool.destroy();
  ctx.device.destroy();
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  return 1;
});
