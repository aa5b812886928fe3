/**
 * The plan under construction: the input sizes and model, the caps, the stages of one recycle in
 * order, and every tensor with the stages it is live in. Module planners (modules/*.ts) call
 * `stage()` to open a stage, `alloc`/`free` for tensors that span stages, `transient` for
 * buffers of the current stage only, and `fit` to choose a chunk size.
 */

import { splitAxis } from '../../dap/axis-split.ts';
import type { AF2Config } from '../../model/params/config.ts';
import { type ChunkShape, chunkCount, fitChunk } from './chunk.ts';
import { PlanError } from './errors.ts';
import { rowBytes, segmentSizes } from './tensor-bytes.ts';
import type { DType, InputSizes, ModulePlan, PlannedTensor, Precision, TensorDecl } from './types.ts';
import type { Grid } from './workgroups.ts';

export interface ContextOptions {
  config: AF2Config;
  sizes: InputSizes;
  storage: Precision;
  /** Largest buffer (= largest binding): min of the device's limits, --max-binding and the budget. */
  maxBufferBytes: number;
  maxWorkgroups: number;
  chunkTargetBytes: number;
  /** P: ranks of Dynamic Axial Parallelism (src/dap); 1 (the default) plans one device. */
  ranks?: number;
}

interface StageRec {
  name: string;
  repeat: number;
}

/** Returns a grid entry for `ChunkShape.grids`. */
export function grid(kernel: string, g: Grid): { kernel: string; grid: Grid } {
  return { kernel, grid: g };
}

export class PlanContext {
  readonly config: AF2Config;
  readonly sizes: InputSizes;
  /** N_res, padded up to a multiple of P (= N_res when P = 1): the length of every pair row. */
  readonly L: number;
  /** P: DAP ranks. Each rank holds 1/P of every pair and MSA tensor (see src/dap/partition.ts). */
  readonly ranks: number;
  /** Pair rows one rank owns: L / P (= N_res when P = 1). Pair tensors are [Lr, L, c] per rank. */
  readonly Lr: number;
  /** Storage dtype of weights and activations. */
  readonly act: DType;
  readonly maxBufferBytes: number;
  readonly maxWorkgroups: number;
  readonly chunkTargetBytes: number;
  readonly stages: StageRec[] = [];
  readonly tensors: PlannedTensor[] = [];
  readonly modules: ModulePlan[] = [];
  private readonly open = new Map<string, PlannedTensor>();

  constructor(o: ContextOptions) {
    this.config = o.config;
    this.sizes = o.sizes;
    this.ranks = o.ranks ?? 1;
    const res = splitAxis(o.sizes.nRes, this.ranks, 'N_res');
    this.L = res.padded;
    this.Lr = res.perRank;
    this.act = o.storage;
    this.maxBufferBytes = o.maxBufferBytes;
    this.maxWorkgroups = o.maxWorkgroups;
    this.chunkTargetBytes = o.chunkTargetBytes;
  }

  /** MSA rows one rank owns when the MSA is split by sequences: ⌈n / P⌉ (n when P = 1). */
  localRows(n: number): number {
    return Math.ceil(n / this.ranks);
  }

  /** An MSA row count padded up to a multiple of P (n when P = 1). */
  paddedRows(n: number): number {
    return this.localRows(n) * this.ranks;
  }

  /** Index of the current stage. */
  get current(): number {
    return this.stages.length - 1;
  }

  /** Opens the next stage of the recycle. */
  stage(name: string, repeat = 1): number {
    this.stages.push({ name, repeat });
    return this.current;
  }

  /** A storage-precision tensor declaration. */
  decl(name: string, shape: number[], layout: string, role: TensorDecl['role'] = 'transient'): TensorDecl {
    return { name, dtype: this.act, shape, layout, role };
  }

  f32(name: string, shape: number[], layout: string, role: TensorDecl['role'] = 'transient'): TensorDecl {
    return { name, dtype: 'f32', shape, layout, role };
  }

  /** Rows of axis 0 one buffer may hold for `t`. */
  rowsPerSegment(t: Pick<TensorDecl, 'name' | 'dtype' | 'shape' | 'layout'>): number {
    const rb = rowBytes(t);
    if (rb === 0) return Math.max(1, t.shape[0] ?? 1);
    if (rb > this.maxBufferBytes) {
      throw new PlanError(
        t.name,
        rb,
        this.maxBufferBytes,
        'maxBufferBytes',
        `one row of ${t.name} ${t.layout}`,
      );
    }
    return Math.max(1, Math.min(t.shape[0] ?? 1, Math.floor(this.maxBufferBytes / rb)));
  }

  /** Allocates `t` at the start of the current stage; it stays live until `free`. */
  alloc(t: TensorDecl): PlannedTensor {
    if (this.open.has(t.name)) throw new Error(`plan: tensor ${t.name} allocated twice`);
    const rows = t.shape[0] ?? 1;
    const rps = this.rowsPerSegment(t);
    const sizes = segmentSizes(rows, rps, rowBytes(t));
    const p: PlannedTensor = {
      ...t,
      rowsPerSegment: rps,
      segments: sizes.length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      from: Math.max(0, this.current),
      to: -1,
    };
    this.tensors.push(p);
    this.open.set(t.name, p);
    return p;
  }

  /** Releases a tensor at the end of the current stage. */
  free(name: string): void {
    const p = this.open.get(name);
    if (!p) throw new Error(`plan: tensor ${name} freed but not live`);
    p.to = this.current;
    this.open.delete(name);
  }

  isLive(name: string): boolean {
    return this.open.has(name);
  }

  /** A buffer of the current stage only. */
  transient(t: TensorDecl): PlannedTensor {
    const p = this.alloc(t);
    this.free(t.name);
    return p;
  }

  /** Allocated before the first stage, live until the end of the recycle loop. */
  persistent(t: TensorDecl): PlannedTensor {
    const p = this.alloc(t);
    p.from = 0;
    return p;
  }

  /** Chooses a chunk size (see chunk.ts) under this plan's caps. */
  fit(where: string, max: number, shapeOf: (n: number) => ChunkShape): number {
    return fitChunk(where, max, shapeOf, {
      chunkBytes: this.chunkTargetBytes,
      bufferBytes: this.maxBufferBytes,
      maxWorkgroups: this.maxWorkgroups,
    });
  }

  /** Records a module's chunking and registers one chunk's transients in the current stage. */
  module(
    name: string,
    chunks: Record<string, number>,
    loops: Record<string, number>,
    shape: ChunkShape,
    register = true,
  ): void {
    if (register) for (const t of shape.transients) this.transient(t);
    const existing = this.modules.find((m) => m.name === name);
    const dispatches = shape.grids.map((g) => ({ kernel: g.kernel, grid: g.grid }));
    if (existing) {
      Object.assign(existing.chunks, chunks);
      Object.assign(existing.loops, loops);
      existing.dispatches.push(...dispatches);
    } else {
      this.modules.push({ name, chunks: { ...chunks }, loops: { ...loops }, dispatches });
    }
  }

  chunkCount(total: number, n: number, segmentRows = total): number {
    return chunkCount(total, n, segmentRows);
  }

  /** Closes the recycle: tensors still open are live to the last stage. */
  finish(): void {
    for (const p of this.open.values()) p.to = this.current;
    this.open.clear();
  }
}
