/**
 * The `Engine` interface: features + parameters + options → `EnginePrediction`. One interface,
 * several implementations: the CPU reference (`reference/cpu-engine.ts`) and the WebGPU engine
 * (src/engine), hosted in a worker, the Node CLI or tests.
 *
 * Also here, backend-neutral helpers every engine uses the same way: turning the forward pass's
 * output dict (golden key names: `final_atom_positions`, `plddt`, `predicted_aligned_error`, …)
 * into a prediction, refusing non-finite results, per-recycle metrics and stage timings.
 */
import type { Collective } from '../dap/collectives/collective.ts';
import type { NdArray } from './ndarray.ts';
import type { Prediction } from './output/types.ts';

export type { Prediction } from './output/types.ts';

/** AF2 feature dict (keys of `features/build-features.ts` and the golden `inputs*.npz`). */
export type FeatureDict = Record<string, NdArray>;

/**
 * A loaded parameter set. Engines key their caches (packed or uploaded weights) on the handle's
 * identity, so keep one handle per loaded file.
 */
export interface ParamsHandle {
  /** what to call it in messages: file or model name (e.g. 'params_model_1_ptm.npz') */
  readonly name: string;
  /** AF2 parameters by key (`alphafold/alphafold_iteration/...//weights`) */
  readonly arrays: Readonly<Record<string, NdArray>>;
}

/** Stages in execution order (per iteration); 'heads' and 'done' come once, at the end. */
export type FoldStage =
  | 'input_embedding'
  | 'recycling'
  | 'template_embedding'
  | 'extra_msa_stack'
  | 'evoformer'
  | 'structure_module'
  | 'heads'
  | 'done';
export interface FoldProgress {
  /** 0-based iteration; runs 0..numRecycles */
  recycle: number;
  numRecycles: number;
  stage: FoldStage;
  /** blocks (or structure-module layers) done in this stage, and how many there are */
  block?: number;
  blocks?: number;
  /** milliseconds since fold() started */
  elapsedMs: number;
}

export interface FoldOptions {
  /** iterations after the first; default: the features' `num_recycles`, else as many as
   *  per-iteration feature dicts − 1 when there are several, else 3 (AF2) */
  numRecycles?: number;
  /** structure-module layers (not in the parameters); default 8 */
  structureLayers?: number;
  onProgress?: (p: FoldProgress) => void;
  /** every intermediate under the golden key names (debugging, golden checks); may cost copies */
  onStage?: (key: string, value: NdArray) => void;
  /** checked between blocks; an aborted fold rejects with a DOMException named 'AbortError' */
  signal?: AbortSignal;
  /** storage of the activations (m, e, z): 'f32' (default, exact) or 'f16' (half the memory and
   *  bandwidth, arithmetic in f32; WebGPU engine with shader-f16 only) */
  precision?: 'f32' | 'f16';
  /** also return the logits heads, m and z under the golden key names (golden checks; the
   *  [N_res, N_res, 64] logits are large); engines may always return them */
  fullOutputs?: boolean;
  /**
   * Dynamic Axial Parallelism (WebGPU engine): this rank's collective of a group of P ranks. Every
   * rank calls fold with the same input on its own engine and device (SPMD); the extra-MSA and
   * Evoformer stacks are split over the ranks, and every rank returns the same prediction. A rank
   * that fails closes the collective, so the others stop with a CollectiveError naming it.
   */
  dap?: Collective;
}

export interface FoldInput {
  /** one dict for every iteration, or one per iteration (AF2 re-samples the MSA per recycle;
   *  iteration r uses features[min(r, length − 1)]) */
  features: FeatureDict | FeatureDict[];
  params: ParamsHandle;
  options?: FoldOptions;
}

export interface RecycleMetrics {
  /** 0-based iteration */
  recycle: number;
  /** mean pLDDT of this iteration's structure (0–100), when the model has the pLDDT head */
  meanPlddt?: number;
  /** pTM from this iteration's pair representation, when the model has the PAE/pTM head (the
   *  last iteration's equals the prediction's `ptm`); optional while not every engine fills it */
  ptm?: number;
  /** RMS change (Å) of all Cα–Cα distances against the previous iteration (superposition-free,
   *  AF2's recycling convergence measure); absent for the first iteration */
  caDistanceRmsChange?: number;
  /** wall time of the iteration (ms) */
  ms: number;
}

export interface StageTiming {
  stage: FoldStage;
  /** total wall time over all iterations (ms) */
  ms: number;
}

/** A prediction as the output writers take it (`output/types.ts`), plus what the run measured. */
export interface EnginePrediction extends Prediction {
  /** mean pLDDT of the final structure */
  meanPlddt?: number;
  /** iterations run (numRecycles + 1) */
  iterations: number;
  recycles: RecycleMetrics[];
  timings: StageTiming[];
  totalMs: number;
  /** which engine made it, e.g. 'cpu-reference' */
  engine: string;
  /** every final output under the golden key names (distogram, logits, …) */
  outputs: Record<string, NdArray>;
}

export interface Engine {
  readonly name: string;
  fold(input: FoldInput): Promise<EnginePrediction>;
  /** release device memory, workers, caches */
  dispose?(): void | Promise<void>;
}

/** A forward pass produced NaN or ±Inf: names the output (and the first stage that went bad). */
/** Throws the DOMException 'AbortError' every engine uses when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('The fold was cancelled', 'AbortError');
}

/** Between blocks: gives the event loop a turn (so an abort can arrive), then checks the signal. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (signal) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  throwIfAborted(signal);
}

export class NonFiniteOutputError extends Error {
  constructor(
    readonly output: string,
    readonly index: number,
    readonly value: number,
    readonly firstBadStage?: string,
  ) {
    super(
      `the forward pass produced a non-finite value (${value}) in ${output} at flat index ${index}` +
        (firstBadStage ? `; the first non-finite intermediate was ${firstBadStage}` : '') +
        ' — check the parameters (wrong or corrupt file, f16 overflow) and the input features',
    );
    this.name = 'NonFiniteOutputError';
  }
}

/** Index of the first NaN/±Inf in a float array, or −1 (integer arrays are always finite). */
export function firstNonFinite(a: NdArray): number {
  const d = a.data;
  if (!(d instanceof Float32Array || d instanceof Float64Array)) return -1;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}

/** Throws `NonFiniteOutputError` for the first output holding NaN/Inf. */
export function assertFiniteOutputs(outputs: Record<string, NdArray>, firstBadStage?: string): void {
  for (const [k, a] of Object.entries(outputs)) {
    const i = firstNonFinite(a);
    if (i >= 0) throw new NonFiniteOutputError(k, i, Number(a.data[i]), firstBadStage);
  }
}

function f32(outputs: Record<string, NdArray>, key: string): Float32Array {
  const a = outputs[key];
  if (!a) throw new Error(`forward pass output ${key} is missing`);
  return a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>);
}

function i32(features: FeatureDict, key: string): Int32Array {
  const a = features[key];
  if (!a) throw new Error(`missing feature ${key}`);
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data as ArrayLike<number>, Number);
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : Number.NaN;
}

/** The structure and confidence part of a prediction from the forward pass's final outputs. */
export function predictionFromOutputs(outputs: Record<string, NdArray>, features: FeatureDict): Prediction {
  const aatype = i32(features, 'aatype');
  const n = aatype.length;
  const pred: Prediction = {
    positions: f32(outputs, 'final_atom_positions'),
    atomMask: f32(outputs, 'final_atom_mask'),
    aatype: aatype.slice(),
    residueIndex: i32(features, 'residue_index').slice(),
    plddt: outputs.plddt ? f32(outputs, 'plddt') : new Float32Array(n),
  };
  if (outputs.predicted_aligned_error) pred.pae = f32(outputs, 'predicted_aligned_error');
  if (outputs.max_predicted_aligned_error) pred.maxPae = Number(outputs.max_predicted_aligned_error.data[0]);
  if (outputs.ptm_score) pred.ptm = Number(outputs.ptm_score.data[0]);
  return pred;
}

/** CA index in atom37. */
const CA = 1;

/**
 * RMS over residue pairs i < j of the change in Cα–Cα distance between two atom37 structures
 * ([N_res, 37, 3], Å); invariant to rigid motions, so no superposition is needed.
 */
export function caDistanceRmsChange(
  prev: ArrayLike<number>,
  next: ArrayLike<number>,
  numRes: number,
): number {
  if (numRes < 2) return 0;
  const dist = (p: ArrayLike<number>, i: number, j: number) => {
    const a = (i * 37 + CA) * 3;
    const b = (j * 37 + CA) * 3;
    return Math.hypot(p[a] - p[b], p[a + 1] - p[b + 1], p[a + 2] - p[b + 2]);
  };
  let s = 0;
  let count = 0;
  for (let i = 0; i < numRes; i++) {
    for (let j = i + 1; j < numRes; j++) {
      const d = dist(next, i, j) - dist(prev, i, j);
      s += d * d;
      count++;
    }
  }
  return Math.sqrt(s / count);
}

/** Accumulates wall time per stage from a stream of stage changes. */
export class StageTimer {
  private readonly totals = new Map<FoldStage, number>();
  private current: FoldStage | null = null;
  private since = 0;
  readonly start = performance.now();

  /** Call whenever the running stage may have changed. */
  enter(stage: FoldStage): void {
    const now = performance.now();
    if (this.current === stage) return;
    this.stop(now);
    this.current = stage;
    this.since = now;
  }

  elapsed(): number {
    return performance.now() - this.start;
  }

  /** Stop timing and return the totals in first-seen order. */
  finish(): StageTiming[] {
    this.stop(performance.now());
    this.current = null;
    return [...this.totals].map(([stage, ms]) => ({ stage, ms }));
  }

  private stop(now: number): void {
    if (this.current) this.totals.set(this.current, (this.totals.get(this.current) ?? 0) + now - this.since);
  }
}

/** AF2's default number of recycling iterations after the first. */
export const DEFAULT_NUM_RECYCLES = 3;

/** Iterations after the first: `requested`, else the features' `num_recycles`, else one per extra
 *  feature dict, else AF2's default. */
export function resolveNumRecycles(list: FeatureDict[], requested: number | undefined): number {
  let n = requested;
  if (n === undefined) {
    const f = list[0].num_recycles;
    if (f && f.data.length > 0) n = Number(f.data[0]);
    else n = list.length > 1 ? list.length - 1 : DEFAULT_NUM_RECYCLES;
  }
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`numRecycles must be an integer ≥ 0, got ${n}`);
  return n;
}
