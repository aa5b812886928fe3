/**
 * Dynamic Axial Parallelism per rank count P (issue 7): one fold of synthetic features on random
 * weights over P in-process Dawn devices (InProcessDapEngine: every rank folds the same input,
 * computes its share of each module's lines and all-gathers the rest,
 * src/engine/evoformer/dap-share.ts), numRecycles 0, after one untimed warm-up fold (compiles
 * the pipelines). Per P:
 *   evoformerBlock, extraMsaBlock  ms per block from the block completions in rank 0's progress
 *                                  events: msPerBlock = (last block's end − first block's end) ÷
 *                                  (blocks − 1), which holds when completions arrive in bursts;
 *                                  medianMs = median of the times between consecutive completions
 *                                  (the first counts from the stack's start, so it can include
 *                                  work queued before it; also firstBlockMs)
 *   foldMs, foldSpeedup            wall time of the whole fold, and the first P's over it
 *   exchange                       per rank (WebGpuEngine.lastExchange): gathers, bytes sent,
 *                                  span and exposed wait; per block: the measured bytes ÷ blocks
 *                                  and the bytes expected from the shapes (src/dap/gather-bytes.ts),
 *                                  checked to agree; hidden share = 1 − exposed / span
 * All P devices are on this host's one adapter; with a software driver they share the CPU cores,
 * so the times say nothing of the speed-up on real GPUs.
 *
 * Prints ONE JSON object to stdout (progress goes to stderr) and writes it to
 * bench/results/<adapter>-dap.json (rewritten after every P, so a run cut short keeps what it
 * measured).
 *
 * usage: node --import ./scripts/register.mjs bench/dap.ts [--devices 1,2,3,4] [--length 64]
 *          [--msa 16] [--extra 32] [--dims golden|full] [--blocks 4] [--no-warmup] [--out FILE|-]
 *   --devices P,..   rank counts (default 1,2,3,4)
 *   --length N       N_res of the synthetic features (default 64)
 *   --msa S          MSA cluster rows (default 16)
 *   --extra E        extra-MSA rows (default 32)
 *   --dims D         channel and head sizes of the random weights: golden (the shrunk test model,
 *                    default) or full (model_1_ptm: c_m 256, c_z 128; for real GPUs)
 *   --blocks B       Evoformer blocks and extra-MSA blocks of the random model, each (default 4)
 *   --no-warmup      time the first fold at each P (pipeline compilation included)
 *   --out FILE       where to write the JSON (default bench/results/<adapter>-dap.json; - = none)
 * Environment: VK_ICD_FILENAMES / WEBFOLD_VULKAN_DRIVER choose the Vulkan driver (src/gpu/node.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GatherBlockBytes, gatherBlockBytes } from '../src/dap/gather-bytes.ts';
import { InProcessDapEngine } from '../src/engine/dap-engine.ts';
import type { DapExchangeStats } from '../src/engine/evoformer/dap-share.ts';
import { FUSED_TRANSITION_MAX_C } from '../src/engine/kernels/transition.ts';
import { acquireNodeDevice } from '../src/gpu/node.ts';
import type { FoldProgress, FoldStage } from '../src/model/engine.ts';
import { syntheticFeatures } from '../src/model/features/synthetic.ts';
import { PRESETS, type PresetName, presetLayout } from '../src/model/params/presets.ts';
import { randomParams } from '../src/model/params/random-params.ts';
import { buildSchema } from '../src/model/params/schema.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK } from '../src/model/reference/af2-paths.ts';
import { blockCount, type Params } from '../src/model/reference/ops.ts';
import { adapterSlug, isSoftwareAdapter, median } from './common.ts';

interface Options {
  devices: number[];
  length: number;
  msa: number;
  extra: number;
  dims: PresetName;
  blocks: number;
  warmup: boolean;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    devices: [1, 2, 3, 4],
    length: 64,
    msa: 16,
    extra: 32,
    dims: 'golden',
    blocks: 4,
    warmup: true,
    out: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    const int = (v: string, min: number) => {
      const n = Number(v);
      if (!(Number.isInteger(n) && n >= min))
        throw new Error(`bench: ${flag} needs integers ≥ ${min} (got '${v}')`);
      return n;
    };
    if (flag === '--devices')
      o.devices = value()
        .split(',')
        .map((v) => int(v, 1));
    else if (flag === '--length') o.length = int(value(), 2);
    else if (flag === '--msa') o.msa = int(value(), 1);
    else if (flag === '--extra') o.extra = int(value(), 0);
    else if (flag === '--blocks') o.blocks = int(value(), 1);
    else if (flag === '--no-warmup') o.warmup = false;
    else if (flag === '--out') o.out = value();
    else if (flag === '--dims') {
      const d = value();
      if (!(d in PRESETS))
        throw new Error(`bench: --dims must be one of ${Object.keys(PRESETS).join(', ')} (got '${d}')`);
      o.dims = d as PresetName;
    } else throw new Error(`bench: unknown argument '${flag}'`);
  }
  return o;
}

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/**
 * A stack's block times from rank 0's progress events (block 0 = the stack's start, block b = b
 * blocks done): each block's time since the one before, their median, and the steady rate
 * (first block's end → last block's end ÷ blocks − 1), which holds when completions are
 * delivered in bursts.
 */
function blockTiming(events: FoldProgress[], stage: FoldStage) {
  const t = events
    .filter((e) => e.stage === stage && e.block !== undefined)
    .sort((a, b) => (a.block ?? 0) - (b.block ?? 0))
    .map((e) => e.elapsedMs);
  const blockMs = t.slice(1).map((ms, i) => ms - t[i]);
  const n = blockMs.length;
  return {
    msPerBlock: n > 1 ? (t[n] - t[1]) / (n - 1) : blockMs[0],
    medianMs: median(blockMs),
    firstBlockMs: blockMs[0],
    blockMs,
  };
}

const hiddenShare = (s: { spanMs: number; exposedMs: number }) =>
  s.spanMs > 0 ? 1 - s.exposedMs / s.spanMs : null;

/** Channels of a stack (read from its parameters). */
function stackChannels(params: Params, path: string) {
  const c = (m: string) => params[`${path}/${m}/input_layer_norm//scale`].shape.at(-1) as number;
  return { cm: c('msa_transition'), cz: c('pair_transition') };
}

async function main(opts: Options): Promise<number> {
  const t0 = performance.now();
  const probe = await acquireNodeDevice({ label: 'webfold dap bench adapter' });
  const adapter = { ...probe.adapter, software: isSoftwareAdapter(probe) };
  const slug = adapterSlug(probe);
  probe.device.destroy();
  log(
    `adapter ${adapter.vendor} ${adapter.architecture} ${adapter.description}${adapter.software ? ' (software)' : ''}`,
  );

  log(`random ${opts.dims} weights, ${opts.blocks} Evoformer + ${opts.blocks} extra-MSA blocks …`);
  const dims = { ...PRESETS[opts.dims], N_evoformer_blocks: opts.blocks, N_extra_blocks: opts.blocks };
  const arrays: Params = Object.fromEntries(randomParams(buildSchema(presetLayout()), dims, 7));
  const features = syntheticFeatures(opts.length, opts.msa, opts.extra, 12345);
  const N = opts.length;
  const nSeq = features.msa_feat.shape[0];
  const nExtra = features.extra_msa.data.length / N;
  const evoBlocks = blockCount(arrays, EVOFORMER_ITERATION);
  const extraBlocks = blockCount(arrays, EXTRA_MSA_STACK);
  const evoC = stackChannels(arrays, EVOFORMER_ITERATION);
  const extraC = stackChannels(arrays, EXTRA_MSA_STACK);
  const shape = (S: number, c: { cm: number; cz: number }) => ({
    nSeq: S,
    nRes: N,
    ...c,
    elementBytes: 4, // f32 activations
    splitMsaTransition: c.cm <= FUSED_TRANSITION_MAX_C,
    splitPairTransition: c.cz <= FUSED_TRANSITION_MAX_C,
  });

  const report = {
    benchmark: 'dap',
    date: new Date().toISOString(),
    adapter,
    note: adapter.software
      ? 'SOFTWARE DRIVER: the P devices share the CPU cores, so more ranks cannot be faster here; ' +
        'these numbers only show the benchmark runs and what is exchanged. Run bench/run-gpu.sh on a GPU.'
      : 'hardware adapter; all P devices are on this one adapter',
    host: { cpus: availableParallelism(), loadAverage: loadavg(), node: process.version },
    model: {
      weights: `random, --dims ${opts.dims}`,
      evoformer: { blocks: evoBlocks, ...evoC },
      extraMsa: { blocks: extraBlocks, ...extraC },
      activations: 'f32',
    },
    features: { nRes: N, nSeq, nExtra, templates: 0 },
    exchange:
      'per rank from WebGpuEngine.lastExchange (DapExchangeStats, src/engine/evoformer/dap-share.ts, ' +
      'defines gathers, bytesSent, spanMs and exposedMs); hidden share = 1 − exposedMs ÷ spanMs',
    options: opts,
    totalSeconds: 0,
    results: [] as Record<string, unknown>[],
  };
  const { results } = report;
  const file =
    opts.out === '-'
      ? undefined
      : (opts.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `${slug}-dap.json`));
  /** Writes what is measured so far (so a run cut short by a time cap still leaves its results). */
  const save = () => {
    report.totalSeconds = (performance.now() - t0) / 1000;
    const json = JSON.stringify(report, null, 2);
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.part`, `${json}\n`);
      renameSync(`${file}.part`, file); // never a half-written result
    }
    return json;
  };
  for (const P of opts.devices) {
    const engine = new InProcessDapEngine(P, (r) =>
      acquireNodeDevice({ label: `webfold dap bench rank ${r}` }),
    );
    const events: FoldProgress[] = [];
    const input = { features, params: { name: `random ${opts.dims}`, arrays } };
    try {
      if (opts.warmup) {
        log(`P=${P}: warm-up fold …`);
        await engine.fold({ ...input, options: { numRecycles: 0 } });
      }
      log(`P=${P}: fold N_res=${N} S=${nSeq} E=${nExtra} …`);
      const tf = performance.now();
      await engine.fold({ ...input, options: { numRecycles: 0, onProgress: (p) => events.push(p) } });
      const foldMs = performance.now() - tf;
      const none: DapExchangeStats = { gathers: 0, bytesSent: 0, spanMs: 0, exposedMs: 0 };
      const stats = engine.ranks.map((e) => (P > 1 ? e.lastExchange : undefined) ?? none);
      const evoBytes = gatherBlockBytes(shape(nSeq, evoC), P);
      // with no extra rows the extra-MSA blocks are skipped
      const extraBytes: GatherBlockBytes =
        nExtra > 0
          ? gatherBlockBytes(shape(nExtra, extraC), P)
          : { moduleGathers: 0, bytesSentPerRank: new Array<number>(P).fill(0), bytesSent: 0 };
      const blocks = evoBlocks + extraBlocks;
      const expectedFold = (r: number) =>
        evoBlocks * evoBytes.bytesSentPerRank[r] + extraBlocks * extraBytes.bytesSentPerRank[r];
      const moduleGathers = evoBlocks * evoBytes.moduleGathers + extraBlocks * extraBytes.moduleGathers;
      const sum = (f: (s: DapExchangeStats) => number) => stats.reduce((a, s) => a + f(s), 0);
      const span = sum((s) => s.spanMs);
      const exposed = sum((s) => s.exposedMs);
      const row = {
        P,
        foldMs,
        evoformerBlock: blockTiming(events, 'evoformer'),
        extraMsaBlock: blockTiming(events, 'extra_msa_stack'),
        exchange: {
          perRank: stats.map((s, r) => ({ rank: r, ...s, hiddenShare: hiddenShare(s) })),
          gathersPerBlock: stats[0].gathers / blocks,
          moduleGathersPerBlock: moduleGathers / blocks,
          // the engine may gather each module's lines in pieces
          gathersPerModule: moduleGathers > 0 ? stats[0].gathers / moduleGathers : null,
          bytesPerBlock: {
            perRank: stats.map((s) => s.bytesSent / blocks),
            total: sum((s) => s.bytesSent) / blocks,
          },
          expectedBytesPerBlock: {
            evoformer: evoBytes,
            extraMsa: extraBytes,
          },
          bytesMatchShapes: stats.every((s, r) => s.bytesSent === expectedFold(r)),
          spanMsPerBlock: span / P / blocks,
          exposedMsPerBlock: exposed / P / blocks,
          hiddenShare: hiddenShare({ spanMs: span, exposedMs: exposed }),
        },
      };
      // speed-up over the first rank count measured (P = 1 by default)
      const first = results.find((r) => 'foldMs' in r) as { P: number; foldMs: number } | undefined;
      const base = first ?? { P, foldMs };
      results.push({ ...row, foldSpeedup: { overP: base.P, speedup: base.foldMs / foldMs } });
      log(
        `  fold ${foldMs.toFixed(0)} ms, Evoformer ${row.evoformerBlock.msPerBlock.toFixed(1)} ms/block, ` +
          `extra-MSA ${row.extraMsaBlock.msPerBlock.toFixed(1)} ms/block, ` +
          `${(row.exchange.bytesPerBlock.total / 2 ** 20).toFixed(2)} MiB/block sent, ` +
          `bytes ${row.exchange.bytesMatchShapes ? 'match' : 'DO NOT match'} the shapes`,
      );
    } catch (err) {
      results.push({ P, error: (err as Error).message });
      log(`  failed: ${(err as Error).message}`);
    } finally {
      await engine.dispose();
    }
    save();
  }
  console.log(save());
  if (file) log(`wrote ${file}`);
  // a rank count that failed is recorded in its result (like the other benches' failed sizes)
  return 0;
}

let opts: Options;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
process.exitCode = await main(opts).catch((err: Error) => {
  process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
  return 1;
});
