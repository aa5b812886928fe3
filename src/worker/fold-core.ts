/**
 * The fold worker's work, apart from the messaging so it can run in tests: parameter import
 * (any AF2 .npz, or one model of the params .tar → validated → runtime pack → OPFS) and one fold
 * (features → engine → a prediction whose arrays can be transferred).
 */
import type { Collective } from '../dap/collectives/collective.ts';
import type { DapExchangeStats } from '../engine/evoformer/dap-share.ts';
import type { Engine, EnginePrediction, FeatureDict, FoldOptions, ParamsHandle } from '../model/engine.ts';
import { buildFeatures, buildFeaturesPerIteration } from '../model/features/build-features.ts';
import { FeatureInputError } from '../model/features/errors.ts';
import { defaultCounts, rawFeaturesFromInputs } from '../model/features/input.ts';
import type { NdArray } from '../model/ndarray.ts';
import { validateParams } from '../model/params/config.ts';
import { isTar, resolveNpz } from '../model/params/load.ts';
import { openNpz, readNpz } from '../model/params/npz.ts';
import { decodePack, encodePack, readPackHeader } from '../model/params/pack.ts';
import { blobSource, bufferSource } from '../model/params/source.ts';
import { listTar, tarModelNames } from '../model/params/tar.ts';
import { etaMs, foldFraction, MonotoneFraction } from '../model/progress.ts';
import type { DapTransportKind } from './dap-api.ts';
import {
  DEMO_LABEL,
  DEMO_PARAMS_ID,
  type EngineChoice,
  type FoldJob,
  type FoldProgressEvent,
  type FoldResult,
  type JobPrediction,
  type LoadProgress,
  type Precision,
  type StoredParams,
} from './fold-api.ts';
import { findStored, putStored, readPack, summaryOf } from './params-store.ts';

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

export async function tarModels(file: Blob, name: string): Promise<string[]> {
  const src = blobSource(file, name);
  if (!(await isTar(src))) return [];
  return tarModelNames(await listTar(src));
}

/** `model_1_ptm` from `params_model_1_ptm.npz` (also a tar member path); else the base name. */
export function modelNameOf(sourceName: string): string {
  const member = sourceName.slice(sourceName.lastIndexOf(':') + 1);
  const base = member.slice(member.lastIndexOf('/') + 1).replace(/\.npz$/i, '');
  return base.replace(/^params_/, '') || 'model';
}

/** Read → validate → pack (f32) → store; an existing set with the same hash is reused. */
export async function importParams(
  file: Blob,
  name: string,
  opts: { model?: string },
  onProgress: (p: LoadProgress) => void = () => {},
): Promise<StoredParams> {
  onProgress({ phase: 'reading', fraction: 0 });
  const npzSource = await resolveNpz(blobSource(file, name), opts);
  onProgress({ phase: 'validating', fraction: 0.02 });
  const npz = await openNpz(npzSource);
  const infos = await npz.infos();
  const { config } = validateParams(infos, npzSource.name);
  const modelName = opts.model ? modelNameOf(opts.model) : modelNameOf(npzSource.name);
  let done = 0;
  const total = infos.length;
  async function* withProgress(): AsyncGenerator<[string, NdArray]> {
    for await (const entry of npz.arrays()) {
      yield entry;
      done++;
      if (done % 8 === 0 || done === total) {
        onProgress({
          phase: 'converting',
          fraction: 0.05 + 0.75 * (done / total),
          detail: `array ${done} of ${total}`,
        });
      }
    }
  }
  const summary = summaryOf(config);
  const pack = await encodePack(
    infos.map((i) => ({ key: i.key, shape: i.shape })),
    withProgress(),
    { precision: 'f32', meta: { name: modelName, source: npzSource.name, summary } },
  );
  onProgress({ phase: 'hashing', fraction: 0.82 });
  const id = readPackHeader(pack, modelName).sha256;
  const existing = await findStored(id);
  if (existing) {
    onProgress({ phase: 'done', fraction: 1 });
    return existing;
  }
  const rec: StoredParams = {
    id,
    name: modelName,
    source: npzSource.name,
    bytes: pack.length,
    storedAt: Date.now(),
    precision: 'f32',
    summary,
  };
  onProgress({ phase: 'storing', fraction: 0.85 });
  await putStored(rec, pack);
  onProgress({ phase: 'done', fraction: 1 });
  return rec;
}

/** The shipped demo parameters, as a list entry and as arrays. */
export async function demoParams(
  url: string,
): Promise<{ info: StoredParams; arrays: Record<string, NdArray> }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the demo parameters could not be loaded from ${url} (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const src = bufferSource(bytes, 'params_demo_untrained.npz');
  const npz = await openNpz(src);
  const { config } = validateParams(await npz.infos(), src.name);
  const arrays = await readNpz(src);
  return {
    info: {
      id: DEMO_PARAMS_ID,
      name: `Demo (${DEMO_LABEL})`,
      source: 'shipped with webfold (random, golden-size model_1_ptm)',
      bytes: bytes.length,
      storedAt: 0,
      precision: 'f32',
      summary: summaryOf(config),
      demo: true,
    },
    arrays,
  };
}

/** A stored set as an engine handle (pack digests verified). */
export async function storedParamsHandle(id: string): Promise<ParamsHandle> {
  const rec = await findStored(id);
  if (!rec) {
    throw new Error(
      `parameter set ${id.slice(0, 12)}… is no longer stored (removed, or the browser cleared site data); import it again`,
    );
  }
  const { arrays } = await decodePack(await readPack(id), { verify: true, name: rec.name });
  return { name: rec.name, arrays: Object.fromEntries(arrays) };
}

// ---------------------------------------------------------------------------------------------
// Fold
// ---------------------------------------------------------------------------------------------

export class NonFiniteResultError extends Error {
  override name = 'NonFiniteResultError';
}

/** Refuse a prediction holding NaN/±Inf anywhere the user would see it. */
export function assertFinitePrediction(p: JobPrediction): void {
  const check = (what: string, a: ArrayLike<number> | undefined) => {
    if (!a) return;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new NonFiniteResultError(
          `The fold produced a non-finite value (${a[i]}) in ${what} at index ${i}. Nothing was kept. ` +
            'The parameters may be corrupt or not AlphaFold2 weights, or reduced precision overflowed; ' +
            'try f32 or import the parameters again.',
        );
      }
    }
  };
  check('atom positions', p.positions);
  check('pLDDT', p.plddt);
  check('PAE', p.pae);
  if (p.ptm !== undefined) check('pTM', [p.ptm]);
}

export interface FoldFeatures {
  features: FeatureDict[];
  numRes: number;
  msaRows: number;
  clusters: number;
  extra: number;
}

export function featuresFor(job: FoldJob): FoldFeatures {
  const { settings } = job;
  if (!job.a3m && !job.fasta)
    throw new FeatureInputError('no input: paste a FASTA sequence or upload an A3M');
  const raw = rawFeaturesFromInputs(job.a3m ? { a3m: job.a3m } : { fasta: job.fasta });
  const { clusters, extra } = defaultCounts(raw, settings.clusters, settings.extra);
  const opts = { clusters, extra, msaSampling: settings.msaSampling, seed: settings.seed };
  const features =
    settings.msaSampling === 'af2'
      ? buildFeaturesPerIteration(raw, opts, settings.recycles + 1)
      : [buildFeatures(raw, opts)];
  return { features, numRes: raw.numRes, msaRows: raw.numSeq, clusters, extra };
}

/** A tight copy when the array is a view into a larger buffer, so transferring it moves only it. */
function own<T extends Float32Array | Int32Array | Uint8Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

export function toJobPrediction(p: EnginePrediction): JobPrediction {
  const { outputs: _outputs, ...rest } = p;
  return {
    ...rest,
    positions: own(p.positions),
    atomMask: own(p.atomMask),
    aatype: own(p.aatype),
    residueIndex: own(p.residueIndex),
    plddt: own(p.plddt),
    pae: p.pae ? own(p.pae) : undefined,
  };
}

/** The buffers of a prediction to transfer (each once). */
export function transferables(p: JobPrediction): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [p.positions, p.atomMask, p.aatype, p.residueIndex, p.plddt, p.pae]) {
    if (a && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  }
  return [...set];
}

export class PrecisionUnavailableError extends Error {
  override name = 'PrecisionUnavailableError';
}

/**
 * Refuses a job asking for f16 storage on an engine that cannot give it (the CPU reference, or an
 * adapter without shader-f16), before any work: the job then fails saying why, instead of folding
 * in f32 under an f16 label. (A stored job re-run on another computer can ask for it.)
 */
export function assertPrecisionAvailable(precision: Precision, choice: EngineChoice): void {
  if (precision === 'f16' && !choice.f16) {
    throw new PrecisionUnavailableError(
      `This job asks for f16 storage, which ${choice.label} cannot give (${choice.f16Reason ?? 'f16 unavailable'}). ` +
        'Nothing was folded; choose f32 in the run settings and fold again.',
    );
  }
}

export class SplitUnavailableError extends Error {
  override name = 'SplitUnavailableError';
}

/**
 * Refuses a fold split over several workers or tabs where this tab cannot fold on WebGPU: each
 * rank needs its own WebGPU engine and device (the CPU reference does not split).
 */
export function assertSplitAvailable(choice: EngineChoice): void {
  if (!choice.gpu) {
    throw new SplitUnavailableError(
      `A fold split over several workers or tabs needs the WebGPU engine, and this tab has none (${choice.label}). ` +
        'Nothing was folded; fold with one worker instead.',
    );
  }
}

export async function runFold(
  engine: Engine,
  engineLabel: string,
  job: FoldJob,
  params: ParamsHandle,
  paramsMs: number,
  onProgress: (p: FoldProgressEvent) => void = () => {},
  /** this rank's part when the fold is split over several ranks (DAP; same job on each) */
  dap?: { collective: Collective; transport: DapTransportKind },
): Promise<FoldResult> {
  const t0 = performance.now();
  const f = featuresFor(job);
  const featuresMs = performance.now() - t0;
  const numRecycles = job.settings.recycles;
  const precision: Precision = job.settings.precision ?? 'f32';
  const mono = new MonotoneFraction();
  const options: FoldOptions = {
    numRecycles,
    precision,
    onProgress: (p) => {
      const fraction = mono.next(foldFraction(p));
      onProgress({ ...p, fraction, etaMs: etaMs(p.elapsedMs, fraction) });
    },
  };
  if (dap) options.dap = dap.collective;
  const pred = await engine.fold({
    features: f.features.length === 1 ? f.features[0] : f.features,
    params,
    options,
  });
  const prediction = toJobPrediction(pred);
  assertFinitePrediction(prediction);
  return {
    prediction,
    numRes: f.numRes,
    msaRows: f.msaRows,
    clusters: f.clusters,
    extra: f.extra,
    engineLabel,
    precision,
    paramsName: params.name,
    featuresMs,
    paramsMs,
    ...(dap && {
      dap: {
        transport: dap.transport,
        size: dap.collective.size,
        rank: dap.collective.rank,
        // what this rank exchanged (the WebGPU engine measures it)
        exchange: (engine as { lastExchange?: DapExchangeStats }).lastExchange,
      },
    }),
  };
}
