/**
 * `webfold fold INPUT --params FILE [--a3m FILE] [--model-name N] [--recycles R] [--seed S]
 *  [--msa-sampling af2|none] [--backend webgpu|cpu] [--precision f32|f16] --out DIR` — one
 * AlphaFold2 monomer prediction: features from a FASTA or A3M, parameters from an AF2 .npz (or a
 * params .tar with --model-name), the forward pass on the chosen backend (default webgpu: the WGSL
 * engine on Dawn; `--precision f16` stores its activations in f16 where the adapter has
 * shader-f16), and DIR/<name>.pdb, <name>.cif, <name>_pae.json (AFDB layout) and
 * <name>_scores.json (with `extra.per_recycle` from the same helper as the app's download).
 * Progress goes to stderr (a bar on a terminal, one line per stage otherwise). Nothing is written
 * unless the fold succeeds.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InProcessDapEngine } from '../../engine/dap-engine.ts';
import { WebGpuEngine } from '../../engine/webgpu-engine.ts';
import type { Engine, EnginePrediction, FeatureDict } from '../../model/engine.ts';
import { buildFeatures, buildFeaturesPerIteration } from '../../model/features/build-features.ts';
import { FeatureInputError } from '../../model/features/errors.ts';
import { defaultCounts, rawFeaturesFromInputs } from '../../model/features/input.ts';
import type { MsaSampling } from '../../model/features/msa-sampling.ts';
import type { ForwardProgress } from '../../model/golden/types.ts';
import type { NdArray } from '../../model/ndarray.ts';
import { recycleScores, toMmcif, toPaeJson, toPdb, toScoresJson } from '../../model/output/index.ts';
import { loadParams } from '../../model/params/load.ts';
import { fileSource } from '../../model/params/source-node.ts';
import { foldFraction } from '../../model/progress.ts';
import { createCpuEngine } from '../../model/reference/cpu-engine.ts';
import { parseBytes } from './plan.ts';

export const summary = 'predict a structure (PDB, mmCIF, PAE JSON, scores JSON) from a FASTA or A3M';

export const usage = `usage: webfold fold INPUT --params FILE --out DIR [--a3m FILE] [--model-name N] [--recycles R]
                    [--seed S] [--msa-sampling af2|none] [--backend webgpu|cpu] [--precision f32|f16]
                    [--budget BYTES] [--devices P]

INPUT is a FASTA file (one sequence) or an .a3m alignment (first row = query).
  --params FILE       AF2 parameters: params_model_N[_ptm].npz, or an AlphaFold params .tar
  --model-name N      model to take from a .tar (e.g. model_1_ptm); also names the model in the
                      outputs (default: from the file name)
  --a3m FILE          MSA for a FASTA query (its first row should be the query)
  --recycles R        recycling iterations (AF2 num_recycle; default 3: the model runs R + 1 passes)
  --seed S            MSA sampling seed (default 0)
  --msa-sampling M    af2 (default: shuffle, cluster, BERT-mask 15%, seeded) or none (reproducible)
  --backend B         webgpu (default: the WGSL engine on the GPU, Dawn in Node) or cpu (the
                      TypeScript reference, slow on long inputs)
  --precision P       f32 (default, exact) or f16: store the activations (m, e, z) in f16, half
                      the memory, arithmetic in f32; small numerical differences (about 0.1
                      pLDDT). webgpu only, on an adapter with the shader-f16 feature
  --budget BYTES      device memory the fold may use (e.g. 2G): webgpu first runs the fold on a
                      dry-run device to predict its peak and refuses it, naming the bytes, if
                      the peak is over the budget
  --devices P         split the Evoformer and extra-MSA stacks over P GPU devices in this
                      process (Dynamic Axial Parallelism; webgpu only; default 1). Each device
                      still holds the whole m and z: the compute is split, not yet the memory
  --out DIR           output directory (created if missing)

Writes DIR/<name>.pdb, DIR/<name>.cif, DIR/<name>_pae.json (needs a _ptm model) and
DIR/<name>_scores.json, where <name> is INPUT's file name without its extension.`;

// ---------------------------------------------------------------------------------------------
// Progress on stderr (shared with check-golden)
// ---------------------------------------------------------------------------------------------

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporter {
  update(p: ForwardProgress, label?: string): void;
  /** a line of its own (clears a bar first) */
  note(text: string): void;
  done(): void;
}

function progressLine(p: ForwardProgress, label?: string): string {
  const parts = [`${label ? `${label}: ` : ''}iteration ${p.recycle + 1}/${p.numRecycles + 1}`, p.stage];
  if (p.blocks !== undefined && p.block !== undefined) parts.push(`block ${p.block}/${p.blocks}`);
  return parts.join(' · ');
}

export function progressReporter(stream: ProgressStream, now: () => number = Date.now): ProgressReporter {
  const tty = !!stream.isTTY;
  let lastStage = '';
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(p, label) {
      const stageKey = `${label ?? ''}|${p.recycle}|${p.stage}`;
      const newStage = stageKey !== lastStage;
      lastStage = stageKey;
      if (!tty) {
        if (newStage) stream.write(`${progressLine({ ...p, block: undefined, blocks: undefined }, label)}\n`);
        return;
      }
      const t = now();
      if (!newStage && t - lastDraw < 100) return;
      lastDraw = t;
      const width = 24;
      const filled = Math.round(foldFraction(p) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressLine(p, label)}`;
      const cols = stream.columns || 100;
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, cols - 1))}`);
      drawn = true;
    },
    note(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

export class UsageError extends Error {}

export const BACKENDS = ['cpu', 'webgpu'] as const;
export const PRECISIONS = ['f32', 'f16'] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface Args {
  input: string;
  params: string;
  a3m?: string;
  modelName?: string;
  recycles: number;
  seed: number;
  sampling: MsaSampling;
  backend: string;
  precision: Precision;
  budgetBytes?: number;
  devices: number;
  out: string;
}

function count(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} expects an integer ≥ 0, got '${v}'`);
  return Number(v);
}

/** The fold's arguments, or a `UsageError` naming the bad one. */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  const known = [
    '--params',
    '--a3m',
    '--model-name',
    '--recycles',
    '--seed',
    '--msa-sampling',
    '--backend',
    '--precision',
    '--budget',
    '--devices',
    '--out',
  ];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq >= 0 ? a.slice(0, eq) : a;
    if (!known.includes(flag)) throw new UsageError(`unknown option '${flag}'`);
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`option ${flag} needs a value`);
    opts[flag] = value;
  }
  if (positional.length !== 1) {
    throw new UsageError(
      `expected exactly one INPUT file, got ${positional.length ? positional.join(' ') : 'none'}`,
    );
  }
  if (!opts['--params']) throw new UsageError('--params FILE is required');
  if (!opts['--out']) throw new UsageError('--out DIR is required');
  const sampling = opts['--msa-sampling'] ?? 'af2';
  if (sampling !== 'af2' && sampling !== 'none') {
    throw new UsageError(`--msa-sampling must be 'af2' or 'none', got '${sampling}'`);
  }
  const backend = opts['--backend'] ?? 'webgpu';
  const precision = opts['--precision'] ?? 'f32';
  if (precision !== 'f32' && precision !== 'f16') {
    throw new UsageError(`--precision must be 'f32' or 'f16', got '${precision}'`);
  }
  if (precision === 'f16' && backend === 'cpu') {
    throw new UsageError(
      '--precision f16 needs --backend webgpu: the CPU reference computes in f32 only (drop --precision f16, or fold on webgpu)',
    );
  }
  let budgetBytes: number | undefined;
  if (opts['--budget'] !== undefined) {
    try {
      budgetBytes = parseBytes(opts['--budget']);
    } catch (err) {
      throw new UsageError(`--budget: ${(err as Error).message} (e.g. 1536, 64M, 1.5G)`);
    }
    if (backend !== 'webgpu')
      throw new UsageError('--budget needs --backend webgpu (the CPU reference uses host memory)');
  }
  const devices = opts['--devices'] !== undefined ? count('--devices', opts['--devices']) : 1;
  if (devices < 1) throw new UsageError('--devices expects an integer ≥ 1');
  if (devices > 1 && backend !== 'webgpu')
    throw new UsageError('--devices needs --backend webgpu (the ranks are GPU devices)');
  return {
    input: positional[0],
    params: opts['--params'],
    a3m: opts['--a3m'],
    modelName: opts['--model-name'],
    recycles: opts['--recycles'] !== undefined ? count('--recycles', opts['--recycles']) : 3,
    seed: opts['--seed'] !== undefined ? count('--seed', opts['--seed']) : 0,
    sampling,
    backend,
    precision,
    budgetBytes,
    devices,
    out: opts['--out'],
  };
}

/** The engine for a backend name, or a clear error; `devices` > 1: a DAP fold over that many devices. */
export function engineFor(backend: string, budgetBytes?: number, devices = 1): Engine {
  if (backend === 'cpu') return createCpuEngine();
  if (backend === 'webgpu') {
    const acquire = async (rank: number) => {
      const { acquireNodeDevice } = await import('../../gpu/node.ts');
      return acquireNodeDevice({ label: devices > 1 ? `webfold fold rank ${rank}` : 'webfold fold' });
    };
    if (devices > 1) return new InProcessDapEngine(devices, acquire, { budgetBytes });
    return new WebGpuEngine({ acquire: () => acquire(0), budgetBytes });
  }
  throw new Error(`unknown backend '${backend}' (known: ${BACKENDS.join(', ')})`);
}

// ---------------------------------------------------------------------------------------------
// The fold
// ---------------------------------------------------------------------------------------------

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new FeatureInputError(`cannot read ${what} '${path}': ${(err as Error).message}`);
  }
}

/** `model_1_ptm` from `…/params_model_1_ptm.npz` or a tar member name; else the file's base name. */
export function modelNameOf(sourceName: string): string {
  const base = basename(sourceName.slice(sourceName.lastIndexOf(':') + 1)).replace(/\.npz$/i, '');
  return base.replace(/^params_/, '') || 'model';
}

/** Output base name: INPUT's file name without extension, safe for file names and mmCIF ids. */
export function outputName(input: string): string {
  const base = basename(input).replace(/\.(fasta|fa|faa|a3m|txt)$/i, '');
  return base.replace(/[^A-Za-z0-9_.-]/g, '_') || 'prediction';
}

/** Refuse a prediction holding NaN/Inf anywhere the files would carry it. */
function assertFinite(p: EnginePrediction): void {
  const check = (what: string, a: ArrayLike<number> | undefined) => {
    if (!a) return;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]))
        throw new Error(`refusing to write a non-finite result: ${what}[${i}] = ${a[i]}`);
    }
  };
  check('positions', p.positions);
  check('plddt', p.plddt);
  check('pae', p.pae);
  if (p.ptm !== undefined) check('ptm', [p.ptm]);
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`webfold fold: ${err.message}\n\n${usage}`);
    return 2;
  }
  const engine = engineFor(args.backend, args.budgetBytes, args.devices);
  const t0 = performance.now();

  // features
  const isA3m = /\.a3m$/i.test(args.input);
  if (isA3m && args.a3m) throw new FeatureInputError('INPUT is already an .a3m; do not also pass --a3m');
  const text = await readText(args.input, isA3m ? 'A3M' : 'FASTA');
  const a3m = isA3m ? text : args.a3m ? await readText(args.a3m, 'A3M') : undefined;
  const raw = rawFeaturesFromInputs(isA3m ? { a3m } : { fasta: text, a3m });
  const { clusters, extra } = defaultCounts(raw);
  const featureOpts = { clusters, extra, msaSampling: args.sampling, seed: args.seed };
  const features: FeatureDict[] =
    args.sampling === 'af2'
      ? buildFeaturesPerIteration(raw, featureOpts, args.recycles + 1)
      : [buildFeatures(raw, featureOpts)];
  const tFeatures = performance.now();

  // parameters
  const source = await fileSource(args.params);
  let arrays: Record<string, NdArray>;
  let modelName: string;
  try {
    const loaded = await loadParams(source, { model: args.modelName });
    arrays = Object.fromEntries(loaded.arrays);
    modelName = args.modelName?.replace(/^params_/, '').replace(/\.npz$/, '') ?? modelNameOf(args.params);
  } finally {
    await source.close?.();
  }
  const tParams = performance.now();

  // forward pass
  const progress = progressReporter(process.stderr);
  progress.note(
    `folding ${args.input}: N_res=${raw.numRes}, MSA rows=${raw.numSeq}, clusters=${clusters}, extra=${extra}, ` +
      `${args.recycles} recycles, backend ${args.backend} (${engine.name}${args.devices > 1 ? ` on ${args.devices} devices` : ''}), ${args.precision} activations, model ${modelName}`,
  );
  let pred: EnginePrediction;
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    pred = await engine.fold({
      features: features.length === 1 ? features[0] : features,
      params: { name: modelName, arrays },
      options: {
        numRecycles: args.recycles,
        precision: args.precision,
        onProgress: (p) => progress.update(p),
        signal: abort.signal,
      },
    });
  } catch (err) {
    if (!(err instanceof Error && err.name === 'AbortError')) throw err;
    progress.note('webfold fold: cancelled; nothing written');
    return 130;
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.done();
    await engine.dispose?.();
  }
  assertFinite(pred);
  const tModel = performance.now();

  // files
  await mkdir(args.out, { recursive: true });
  const name = outputName(args.input);
  const files: string[] = [];
  const put = async (file: string, content: string) => {
    const path = join(args.out, file);
    await writeFile(path, content);
    files.push(path);
  };
  await put(`${name}.pdb`, toPdb(pred, { model: 1 }));
  await put(`${name}.cif`, toMmcif(pred, { entryId: name, modelName }));
  if (pred.pae)
    await put(`${name}_pae.json`, toPaeJson(pred.pae, pred.plddt.length, { maxPae: pred.maxPae }));
  else
    console.error(
      `webfold fold: ${modelName} has no PAE head (not a _ptm model); no ${name}_pae.json written`,
    );
  const timings: Record<string, number> = {
    features: Math.round(tFeatures - t0),
    params: Math.round(tParams - tFeatures),
    model: Math.round(tModel - tParams),
  };
  for (const t of pred.timings) timings[`model_${t.stage}`] = Math.round(t.ms);
  timings.total = Math.round(performance.now() - t0);
  await put(
    `${name}_scores.json`,
    toScoresJson(pred, {
      modelName,
      seed: args.sampling === 'af2' ? args.seed : null,
      recycles: args.recycles,
      timings,
      extra: {
        backend: args.backend,
        engine: pred.engine,
        precision: args.precision,
        devices: args.devices,
        msa_sampling: args.sampling,
        msa_clusters: clusters,
        extra_msa: extra,
        per_recycle: recycleScores(pred.recycles),
      },
    }),
  );
  const ptm = pred.ptm !== undefined ? `, pTM ${pred.ptm.toFixed(4)}` : '';
  const plddt = pred.meanPlddt !== undefined ? `mean pLDDT ${pred.meanPlddt.toFixed(2)}` : 'no pLDDT head';
  console.log(
    `${plddt}${ptm}; ${(timings.total / 1000).toFixed(1)} s\n${files.map((f) => `wrote ${f}`).join('\n')}`,
  );
  return 0;
}
