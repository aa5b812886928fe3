/**
 * The ExecutionPlan's data types: what the planner is asked (model, input sizes, device,
 * precision, budget) and what it answers (chunk sizes per module, every device buffer with its
 * size and lifetime, the stages of one recycle, the predicted peak).
 */

import type { PartitionPlan } from '../../dap/types.ts';
import type { AF2Config } from '../../model/params/config.ts';
import type { DeviceProfile } from './device-profile.ts';

/** Storage precision of weights and activations; contractions always accumulate in f32. */
export type Precision = 'f32' | 'f16';

/** Element type of a planned tensor. `act` tensors take the storage precision. */
export type DType = 'f32' | 'f16' | 'i32';

/** The sizes of one fold's input. */
export interface InputSizes {
  /** N_res */
  nRes: number;
  /** N_seq: MSA cluster rows (the first one is the query). */
  nSeq: number;
  /** N_extra_seq */
  nExtra: number;
  /** N_templ */
  nTempl: number;
}

/** A model as the planner needs it: its config and the shape of every parameter array. */
export interface PlanModel {
  name: string;
  config: AF2Config;
  /** Parameter key → shape (stacked keys keep their leading block axis). */
  shapes: Map<string, number[]>;
}

export interface PlanRequest {
  model: PlanModel;
  sizes: InputSizes;
  /** Limits and features to plan for; the small-device profile when absent. */
  device?: DeviceProfile;
  /** Requested storage precision (default f32); f16 falls back to f32 without shader-f16. */
  precision?: Precision;
  /** Device memory the fold may use, in bytes; unbounded when absent. */
  budgetBytes?: number;
  /** Caps every buffer (and so every binding) below the device's maxStorageBufferBindingSize. */
  maxBindingBytes?: number;
  /** Largest chunked transient before the budget forces smaller ones (default 64 MiB). */
  chunkTargetBytes?: number;
  /** P: ranks of Dynamic Axial Parallelism (devices, workers or tabs); 1 when absent. */
  devices?: number;
}

/** What a tensor is for; decides nothing, but makes the buffer list readable. */
export type BufferRole = 'weights' | 'input' | 'activation' | 'scratch' | 'transient' | 'output' | 'recycle';

/** A tensor declaration: row-major, axis 0 is the axis buffers are split along. */
export interface TensorDecl {
  name: string;
  dtype: DType;
  /** Row-major shape; `layout` names the axes, e.g. `[N_res, N_res, c_z]`. */
  shape: number[];
  layout: string;
  role: BufferRole;
}

/** One device buffer: a tensor, or one row segment of a tensor larger than a buffer may be. */
export interface PlannedBuffer {
  /** `tensor` or `tensor#k` for segment k. */
  name: string;
  tensor: string;
  role: BufferRole;
  dtype: DType;
  /** Rows [start, end) of axis 0 of the tensor held here. */
  rows: [number, number];
  /** Bytes as BufferPool allocates them (alignedSize: 16-byte multiples, at least 16). */
  bytes: number;
  /** Index into `stages` of the first stage it is live in (acquired at that stage's start). */
  from: number;
  /** Index of the last stage it is live in (released at that stage's end). */
  to: number;
}

/** A tensor split into row segments, each one buffer. */
export interface PlannedTensor extends TensorDecl {
  /** Rows of axis 0 per segment (the last may hold fewer). */
  rowsPerSegment: number;
  segments: number;
  /** Sum of its buffers' aligned bytes. */
  bytes: number;
  from: number;
  to: number;
}

/** One dispatch shape of a kernel at the largest chunk a module uses. */
export interface DispatchShape {
  kernel: string;
  grid: [number, number, number];
}

/** Chunk sizes a module runs with, and the largest dispatch of each kernel it launches. */
export interface ModulePlan {
  /** e.g. `evoformer.triangle_multiplication_outgoing` */
  name: string;
  /** Chunk sizes by name, e.g. `{ rows: 16 }` or `{ channels: 8, rows: 32 }`. */
  chunks: Record<string, number>;
  /** Number of chunks each loop runs, same keys as `chunks`. */
  loops: Record<string, number>;
  dispatches: DispatchShape[];
}

/** A step of one recycle; buffers are acquired at its start and released at its end. */
export interface Stage {
  index: number;
  name: string;
  /** How often the stage runs per recycle (e.g. 48 for an Evoformer module). */
  repeat: number;
  /** Bytes of the buffers live during the stage. */
  liveBytes: number;
}

export interface ExecutionPlan {
  model: string;
  sizes: InputSizes;
  device: { name: string; limits: PlanLimits; hasF16: boolean };
  precision: { requested: Precision; storage: Precision; accumulate: 'f32'; note?: string };
  /** Buffer cap: min(maxStorageBufferBindingSize, maxBufferSize, --max-binding, budget). */
  maxBufferBytes: number;
  /** The chunked-transient cap the chunk sizes were chosen under. */
  chunkTargetBytes: number;
  budgetBytes: number | null;
  modules: ModulePlan[];
  stages: Stage[];
  tensors: PlannedTensor[];
  buffers: PlannedBuffer[];
  weights: { buffers: number; bytes: number; parameters: number };
  peak: { bytes: number; stage: string; persistentBytes: number };
  /** Only when planned for P > 1 ranks: `peak` is then each rank's peak. */
  dap?: DapPlanSummary;
}

/** How a fold is split over P ranks, and what the ranks exchange (see src/dap/partition.ts). */
export interface DapPlanSummary {
  ranks: number;
  /** N_res padded up to a multiple of P. */
  paddedResidues: number;
  /** Per stack: its block count, the partition of one block and the bytes one block exchanges. */
  stacks: {
    stack: 'extra_msa' | 'evoformer';
    blocks: number;
    partition: PartitionPlan;
  }[];
  /** Bytes all ranks send in one recycle (Σ blocks × bytes per block; template stack not counted). */
  bytesPerRecycle: number;
  /** Largest host memory one rank holds for exchanges in flight (send and receive copies). */
  hostBytesPerRank: number;
}

/** The limits a plan depends on. */
export interface PlanLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}
