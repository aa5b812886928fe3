/**
 * The Evoformer stack (Algorithm 6) and the extra-MSA stack (Algorithm 18) block by block on the
 * GPU: block weights from the stacked AF2 parameters, one Recorder (one command buffer) per block.
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK } from '../../model/reference/af2-paths.ts';
import { blockCount, blockParams } from '../../model/reference/ops.ts';
import type { DeviceWeights } from '../weights.ts';
import { type BlockBuffers, type BlockChunks, type BlockSizes, recordEvoformerBlock } from './block.ts';
import { blockChunks } from './chunks.ts';
import type { BlockShare } from './dap-share.ts';
import { type EvoformerBlockWeights, evoformerBlockWeights } from './module-weights.ts';

export type StackKind = 'evoformer' | 'extra_msa';

export const STACK_PATH: Record<StackKind, string> = {
  evoformer: EVOFORMER_ITERATION,
  extra_msa: EXTRA_MSA_STACK,
};

const STACK_LABEL: Record<StackKind, string> = {
  evoformer: 'evoformer_iteration',
  extra_msa: 'extra_msa_stack',
};

export function stackBlocks(dw: DeviceWeights, kind: StackKind): number {
  return blockCount(dw.params, STACK_PATH[kind]);
}

/** Block `b`'s device weights (uploaded on first use, then cached in `dw`). */
export function stackBlockWeights(dw: DeviceWeights, kind: StackKind, b: number): EvoformerBlockWeights {
  const label = `${STACK_LABEL[kind]}[${b}]`;
  const path = STACK_PATH[kind];
  return dw.module(label, () =>
    evoformerBlockWeights(dw, blockParams(dw.params, path, b), path, label, kind === 'extra_msa'),
  );
}

/** Chunks of block `b` whose transients stay within `targetBytes` (see chunks.ts). */
export function stackBlockChunks(
  dw: DeviceWeights,
  kind: StackKind,
  b: number,
  sizes: BlockSizes,
  targetBytes: number,
): BlockChunks {
  return blockChunks(stackBlockWeights(dw, kind, b), sizes, targetBytes);
}

export interface GpuEnv {
  ctx: GpuContext;
  cache: PipelineCache;
  pool: BufferPool;
}

/**
 * Records and submits block `b` of the stack as one command buffer. Returns its dispatch count.
 * Nothing is awaited on the queue, except, with `share` (DAP), each module's gather of lines.
 */
export async function submitStackBlock(
  env: GpuEnv,
  dw: DeviceWeights,
  kind: StackKind,
  b: number,
  sizes: BlockSizes,
  bufs: BlockBuffers,
  chunks?: BlockChunks,
  share?: BlockShare,
): Promise<number> {
  const w = stackBlockWeights(dw, kind, b);
  const label = `${STACK_LABEL[kind]}[${b}]`;
  const rec = new Recorder(env.ctx, env.cache, label);
  const n = await recordEvoformerBlock(rec, env.pool, w, sizes, bufs, label, chunks, share);
  rec.submit();
  return n;
}
