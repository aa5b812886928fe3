/**
 * The golden check's vocabulary: a golden set (read through a `GoldenSource`, so the same code
 * runs on Node files or browser fetches), a backend under test, and the result rows.
 * Backend-neutral: nothing here touches `node:`.
 */
import type { NdArray } from '../ndarray.ts';

export type GoldenSection = 'features' | 'modules' | 'model';
export const GOLDEN_SECTIONS: readonly GoldenSection[] = ['features', 'modules', 'model'];

/** One compared array (or a failure to produce one). */
export interface CheckRow {
  section: GoldenSection;
  /** e.g. 'msa_feat', 'invariant_point_attention/update', 'r1/evoformer_block0_pair', 'templates:plddt' */
  name: string;
  /** max |got − want| over compared elements; Infinity when nothing comparable was produced. */
  maxAbsError: number;
  /** what the tolerance is relative to: max |want| for relative rules, 1 for absolute ones. */
  scale: number;
  /** the absolute bound actually applied to maxAbsError. */
  tolerance: number;
  passed: boolean;
  /** why a row failed without a number (missing key, shape mismatch, not implemented...). */
  note?: string;
}

/** Read access to a golden directory (`DIR/params.npz`, `DIR/modules/index.json`, ...). */
export interface GoldenSource {
  /** Where the set lives, for messages. */
  readonly name: string;
  /** Whether `file` (relative to the set's root) exists. */
  has(file: string): Promise<boolean>;
  readText(file: string): Promise<string>;
  readNpz(file: string): Promise<Record<string, NdArray>>;
}

/** `modules/index.json`: one entry per per-module golden pair. */
export interface ModuleIndexEntry {
  param_prefixes: string[];
  stack_index: number | null;
  note?: string;
  params: Record<string, number[]>;
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}
export type ModuleIndex = Record<string, ModuleIndexEntry>;

/** A per-module golden pair, split into parameters, inputs (`in_*`) and outputs (`out_*`). */
export interface GoldenModuleCase {
  name: string;
  entry: ModuleIndexEntry;
  /** parameters under full AF2 keys, block dimension already removed */
  params: Record<string, NdArray>;
  inputs: Record<string, NdArray>;
  outputs: Record<string, NdArray>;
}

export interface ForwardProgress {
  recycle: number;
  numRecycles: number;
  stage: string;
  block?: number;
  blocks?: number;
}

/** The options every backend's forward pass understands (the reference `ForwardOptions`). */
export interface BackendForwardOptions {
  /** AF2 `num_recycle`: the model runs numRecycles + 1 iterations (r0..rK). */
  numRecycles?: number;
  structureLayers?: number;
  /** intermediates under the golden key names ('r0/input_msa_act', …) */
  onStage?: (key: string, value: NdArray) => void;
  onProgress?: (p: ForwardProgress) => void;
  signal?: AbortSignal;
  /** storage precision of the activations (engines that offer f16 storage) */
  precision?: Precision;
}

/** Storage precision a golden check runs the model with: f32 (exact path) or f16 storage. */
export type Precision = 'f32' | 'f16';

/**
 * An implementation under test. `forward` is the full model (final outputs under the golden
 * final key names); `module` runs one per-module golden pair and returns its outputs under the
 * golden output names, or `undefined` when the backend has no implementation of that module
 * (reported as a failure row, never skipped).
 */
export interface GoldenBackend {
  readonly name: string;
  forward(
    features: Record<string, NdArray>,
    params: Record<string, NdArray>,
    opts: BackendForwardOptions,
  ): Promise<Record<string, NdArray>>;
  module?(c: GoldenModuleCase): Promise<Record<string, NdArray> | undefined>;
}
