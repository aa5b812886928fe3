/**
 * The message contract of the fold worker (src/worker/fold.worker.ts), shared with the app.
 * The app imports only types (and tiny pure helpers) from here, so no model code ends up in the
 * page bundle.
 */
import type { DapExchangeStats } from '../engine/evoformer/dap-share.ts';
import type { EnginePrediction, FoldStage } from '../model/engine.ts';
import type { DapStatus, DapTransportKind, HelperEvent, HelperResult, TabInvite } from './dap-api.ts';

/** A prediction as the app keeps it: everything but the raw forward-pass outputs dict. */
export type JobPrediction = Omit<EnginePrediction, 'outputs'>;

/** The built-in demo set: never stored in OPFS, fetched from the app's own files. */
export const DEMO_PARAMS_ID = 'demo';
export const DEMO_PARAMS_FILE = 'params_demo_untrained.npz';
export const DEMO_LABEL = 'untrained demo weights — structures mean nothing';

/** What the parameter list shows about one set (inferred from the weights' shapes). */
export interface ParamsSummary {
  c_m: number;
  c_z: number;
  c_s: number;
  evoformerBlocks: number;
  extraMsaBlocks: number;
  templates: boolean;
  ptm: boolean;
  parameterCount: number;
}

export interface StoredParams {
  /** SHA-256 content hash of the runtime pack (also its OPFS file name), or DEMO_PARAMS_ID */
  id: string;
  /** display name, e.g. 'model_1_ptm' */
  name: string;
  /** file the set came from (and the tar member, as 'file.tar:params_model_1_ptm.npz') */
  source: string;
  /** bytes of the runtime pack as stored */
  bytes: number;
  /** ms since epoch when stored */
  storedAt: number;
  precision: 'f32' | 'f16';
  summary: ParamsSummary;
  /** the shipped, untrained demo set */
  demo?: boolean;
}

export type LoadPhase = 'reading' | 'validating' | 'converting' | 'hashing' | 'storing' | 'done';

export interface LoadProgress {
  phase: LoadPhase;
  /** 0..1 over the whole import */
  fraction: number;
  /** e.g. 'array 120 of 338' */
  detail?: string;
}

export interface StorageInfo {
  /** bytes used / quota from navigator.storage.estimate(), when the browser reports them */
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

export type MsaSamplingMode = 'af2' | 'none';
export type Precision = 'f32' | 'f16';

export interface RunSettings {
  paramsId: string;
  /** recycling iterations after the first (AF2 num_recycle); default 3 */
  recycles: number;
  /** MSA sampling seed */
  seed: number;
  /** 'af2': AF2's random MSA sampling (seeded); 'none': deterministic (first rows, no masking) */
  msaSampling: MsaSamplingMode;
  /** cluster rows / extra rows; undefined = AF2 defaults (≤ 512 / ≤ 1024) */
  clusters?: number;
  extra?: number;
  precision: Precision;
  /** 'auto': WebGPU on a hardware adapter, else the CPU reference; 'webgpu': WebGPU even on a
   *  software adapter; 'cpu': always the CPU reference */
  engine?: EnginePreference;
  /** DAP: dedicated workers in this tab the fold is split over (1–4; absent or 1: not split;
   *  WebGPU engine only) */
  ranks?: number;
  /** DAP: browser tabs the fold is split over (this one + invited ones; absent or 1: this tab
   *  only; WebGPU engine only) */
  tabs?: number;
}

export type EnginePreference = 'auto' | 'webgpu' | 'cpu';

export interface FoldJob {
  /** FASTA text (one record); used when there is no A3M */
  fasta?: string;
  /** A3M alignment (first row = query) */
  a3m?: string;
  settings: RunSettings;
  /** the app's job id: names the tab group of a fold split over tabs (letters, digits, -) */
  id?: string;
  /** the job's name, shown by the tabs that help fold it */
  name?: string;
}

export interface FoldProgressEvent {
  stage: FoldStage | 'features' | 'params' | 'joining';
  /** 0-based iteration and how many recycles follow the first */
  recycle: number;
  numRecycles: number;
  block?: number;
  blocks?: number;
  elapsedMs: number;
  /** 0..1 over the whole fold */
  fraction: number;
  /** estimated ms left (from elapsed / fraction), once the fraction is meaningful */
  etaMs?: number;
  /** a fold split over several ranks: how, and whether the group is formed */
  dap?: DapStatus;
}

export interface EngineChoice {
  /** engine name as it reports itself, e.g. 'cpu-reference' */
  engine: string;
  /** what the user is told, e.g. 'CPU reference (no WebGPU engine yet)' */
  label: string;
  gpu: boolean;
  /** whether f16 can be chosen */
  f16: boolean;
  /** why f16 cannot be chosen */
  f16Reason?: string;
}

export interface FoldResult {
  prediction: JobPrediction;
  numRes: number;
  msaRows: number;
  clusters: number;
  extra: number;
  engineLabel: string;
  /** storage of the activations the engine folded with (absent in jobs stored before f16: f32) */
  precision?: Precision;
  paramsName: string;
  featuresMs: number;
  paramsMs: number;
  /** how the fold was split (absent: one rank); rank = the rank whose prediction this is */
  dap?: {
    transport: DapTransportKind;
    size: number;
    rank: number;
    /** this rank's all-gathers, bytes sent and time waiting for exchanges (WebGPU engine) */
    exchange?: DapExchangeStats;
  };
}

export type LoadProgressListener = (p: LoadProgress) => void;
export type FoldProgressListener = (p: FoldProgressEvent) => void;

export interface FoldWorkerApi {
  /** Which engine a fold with this preference would use. */
  engine(prefer?: EnginePreference): Promise<EngineChoice>;
  /** Model names inside an AlphaFold params .tar (empty for a plain .npz). */
  tarModels(file: Blob, name: string): Promise<string[]>;
  /** Read, validate, convert to the runtime pack and store it in OPFS. */
  loadParams(
    file: Blob,
    name: string,
    opts: { model?: string },
    onProgress?: LoadProgressListener,
  ): Promise<StoredParams>;
  /** The demo set plus every complete stored set. */
  listParams(): Promise<StoredParams[]>;
  deleteParams(id: string): Promise<void>;
  storage(): Promise<StorageInfo>;
  /** One prediction; typed arrays of the result are transferred. */
  fold(job: FoldJob, onProgress?: FoldProgressListener): Promise<FoldResult>;
  /** Helps fold another tab's job as one of its ranks (this tab opened its invitation link). */
  help(invite: TabInvite, onEvent?: (e: HelperEvent) => void): Promise<HelperResult>;
}
