/**
 * Algorithm 6, lines 2–10 (one Evoformer block) and Algorithm 18, lines 2–10 (one extra-MSA
 * block, with Algorithm 19 in place of Algorithm 8) on the GPU, in AF2's order, every update
 * added in place to the device buffers m (or e) and z:
 *
 *   m += MSARowAttentionWithPairBias(m, z)     Alg 7    6 dispatches (bias: 2, attention: 4 per chunk)
 *   m += MSAColumnAttention(m)                 Alg 8    4 per chunk of columns  (Alg 19: 4)
 *   m += MSATransition(m)                      Alg 9    1 (fused, c ≤ 256), else 3 per row chunk
 *   z += OuterProductMean(m)                   Alg 10   3 (2 + row windows)
 *   z += TriangleMultiplicationOutgoing(z)     Alg 11   3 (1 + 2 per row window)
 *   z += TriangleMultiplicationIncoming(z)     Alg 12   3
 *   z += TriangleAttentionStartingNode(z)      Alg 13   5 (bias 2 per chunk of rows, 4 per chunk
 *   z += TriangleAttentionEndingNode(z)        Alg 14   5  of lines; one LayerNorm when unchunked)
 *   z += PairTransition(z)                     Alg 15   1 (fused), else 3 per row chunk
 *                                                       = 30 with one chunk/window per module
 *
 * Nothing is read back inside a block; the caller records one block per Recorder and submits it
 * as one command buffer. Reference: src/model/reference/evoformer-block.ts.
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import { type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import type { LineRange } from '../kernels/line-range.ts';
import { recordOuterProductMean } from '../kernels/outer-product-mean.ts';
import {
  FUSED_TRANSITION_MAX_C,
  recordTransition,
  transitionChunkRows,
  transitionScratchBytes,
} from '../kernels/transition.ts';
import {
  recordTriangleMultiplication,
  type TriangleMultiplicationOrientation,
  triangleScratchBytes,
} from '../kernels/triangle-multiplication.ts';
import {
  recordMsaColumnAttention,
  recordMsaColumnGlobalAttention,
  recordMsaRowAttention,
  recordTriangleAttention,
  Transients,
} from './attention-modules.ts';
import { type BlockShare, LineGather, shareOf } from './dap-share.ts';
import type {
  EvoformerBlockWeights,
  PairStackWeights,
  TransitionDeviceWeights,
  TriangleMultiplicationDeviceWeights,
} from './module-weights.ts';

export interface BlockSizes {
  /** N_seq (or N_extra_seq for the extra-MSA stack) */
  nSeq: number;
  nRes: number;
  /** Element type of m (e) and z: f32, or f16 storage with f32 arithmetic (default f32). */
  act?: StorageType;
}

export interface BlockBuffers {
  /** [N_seq, N_res, c_m] (e [N_extra, N_res, c_e]), updated in place */
  m: GPUBuffer;
  /** [N_res, N_res, c_z], updated in place */
  z: GPUBuffer;
  /** [N_seq, N_res] */
  msaMask: GPUBuffer;
  /** [N_res, N_res] */
  pairMask: GPUBuffer;
}

/** Chunking of the row-wise modules (default: one chunk / window each). */
export interface BlockChunks {
  msaTransitionRows?: number;
  pairTransitionRows?: number;
  outerProductMeanRows?: number;
  triangleRows?: number;
  /** Projection channels per triangle-multiplication chunk (default: all that fit one binding). */
  triangleChannels?: number;
  /** Sequences (row attention) or residue columns (column attention) per attention chunk. */
  msaAttentionLines?: number;
  /** Pair rows (starting node) or columns (ending node) per triangle-attention chunk. */
  pairAttentionLines?: number;
  /** Pair rows per chunk of the attention biases (LN(z) · W_b). */
  biasRows?: number;
}

/** x += Transition(x) over `rows` rows (fused, or composed in chunks); true when only `range` was updated. */
export async function transitionStep(
  rec: Recorder,
  pool: BufferPool,
  rows: number,
  w: TransitionDeviceWeights,
  x: GPUBuffer,
  chunkRows: number | undefined,
  label: string,
  xType: StorageType,
  range?: LineRange,
): Promise<boolean> {
  const { c, hidden } = w.layout;
  if (c <= FUSED_TRANSITION_MAX_C) {
    // [rows, c] x += Transition(x), hidden activations in workgroup memory
    await recordTransition(rec, rows, w.layout, w.buffer, { x }, { fused: true, xType, range });
    return range !== undefined;
  }
  const chunk = transitionChunkRows(
    rows,
    c,
    rec.ctx.device.limits.minStorageBufferOffsetAlignment,
    chunkRows,
    storageBytes(xType),
  );
  const bytes = transitionScratchBytes(chunk, { c, hidden });
  const t = new Transients(pool, label);
  const xNorm = t.get(bytes.xNorm / 4, 'LayerNorm(x)');
  const hiddenBuf = t.get(bytes.hidden / 4, 'hidden');
  // [rows, c] x += Transition(x), composed per row chunk
  await recordTransition(
    rec,
    rows,
    w.layout,
    w.buffer,
    { x, xNorm, hidden: hiddenBuf },
    { fused: false, chunkRows: chunk, xType },
  );
  t.release();
  // every row, also under DAP (the composed path's chunks are aligned windows, not ranges)
  return false;
}

/** z += TriangleMultiplication(z), rows `range` of the update (default all). */
export async function triangleStep(
  rec: Recorder,
  pool: BufferPool,
  orientation: TriangleMultiplicationOrientation,
  N: number,
  w: TriangleMultiplicationDeviceWeights,
  bufs: BlockBuffers,
  rows: number | undefined,
  wantChannels: number | undefined,
  label: string,
  zType: StorageType,
  range?: LineRange,
  onRows?: (end: number) => void,
): Promise<void> {
  const { c, cz } = w.layout;
  // left/right [channels, N, N] each (stored like z): split the channels when all c would not fit one binding
  const plane = storageBytes(zType) * N * N;
  const fit = Math.floor(rec.ctx.device.limits.maxStorageBufferBindingSize / plane);
  const maxChannels = Math.max(1, Math.min(fit, wantChannels ?? c));
  const channels = maxChannels >= c ? c : Math.ceil(c / Math.ceil(c / maxChannels));
  const bytes = triangleScratchBytes(N, w.layout, rows ?? N, channels, zType);
  const t = new Transients(pool, label);
  // channel chunks re-project z for every chunk, so the update goes out of place, then back into z
  const zOut = channels < c ? t.get((N * N * cz * storageBytes(zType)) / 4, 'z + update') : undefined;
  // [N_res, N_res, c_z] z += TriangleMultiplication(z)
  await recordTriangleMultiplication(
    rec,
    orientation,
    N,
    w.layout,
    {
      z: bufs.z,
      mask: bufs.pairMask,
      weights: w.buffer,
      out: t.get(bytes.out / 4, 'z + update window'),
      left: t.get(bytes.left / 4, 'left'),
      right: t.get(bytes.right / 4, 'right'),
      t: t.get(bytes.t / 4, 't'),
      zOut,
    },
    // with channel groups the rows are final only once copied back below
    { rows, zType, channels, range, onRows: zOut ? undefined : onRows },
  );
  if (zOut) {
    const { start, end } = range ?? { start: 0, end: N };
    const rowBytes = N * cz * storageBytes(zType);
    rec.commandEncoder.copyBufferToBuffer(
      zOut,
      start * rowBytes,
      bufs.z,
      start * rowBytes,
      (end - start) * rowBytes,
    );
  }
  t.release();
}

/**
 * Records one Evoformer (or extra-MSA) block into `rec`. Returns the dispatches recorded.
 * `label` names the block in buffer labels (e.g. `evoformer_iteration[3]`). With `share` (DAP)
 * this rank updates its share of every module's lines and gathers the others' after each module
 * (dap-share.ts): `rec` is then submitted after every module and m, z are whole again on return.
 */
export async function recordEvoformerBlock(
  rec: Recorder,
  pool: BufferPool,
  w: EvoformerBlockWeights,
  sizes: BlockSizes,
  bufs: BlockBuffers,
  label: string,
  chunks: BlockChunks = {},
  share?: BlockShare,
): Promise<number> {
  const before = rec.dispatches;
  const { nSeq: S, nRes: N } = sizes;
  const act = sizes.act ?? 'f32';
  const at = (m: string) => `${label}/${m}`;
  const cm = w.rowAttention.c;
  const cz = w.rowAttention.cz;
  /** This rank's lines of `total` (all of them without DAP). */
  const mine = (total: number) => (share ? shareOf(total, share) : undefined);
  /** Lines per chunk: under DAP at most 1/pieces of the share, so gathers overlap the next chunk. */
  const pipelined = (total: number, chunk: number | undefined) => {
    if (!share) return chunk;
    const r = shareOf(total, share);
    return Math.min(chunk ?? total, Math.max(1, Math.ceil((r.end - r.start) / share.pieces)));
  };
  /** The gather of a split module's lines (undefined without DAP). */
  const gatherOf = (buffer: GPUBuffer, A: number, c: number, orientation: 'rows' | 'columns', what: string) =>
    share && new LineGather(rec, share, { buffer, A, B: N, c, type: act, orientation, label: at(what) });
  const done = (g: LineGather | undefined) => g && ((end: number) => g.linesDone(end));
  const pairChunks = (total: number) => ({
    lines: pipelined(total, chunks.pairAttentionLines),
    biasRows: chunks.biasRows,
    range: mine(total),
  });
  // [N_seq, N_res, c_m]  (line 3): lines = sequences
  rec.section('msa_row_attention_with_pair_bias');
  let g = gatherOf(bufs.m, S, cm, 'rows', 'msa_row_attention_with_pair_bias');
  await recordMsaRowAttention(
    rec,
    pool,
    w.rowAttention,
    sizes,
    bufs,
    at('msa_row_attention_with_pair_bias'),
    {
      lines: pipelined(S, chunks.msaAttentionLines),
      biasRows: chunks.biasRows,
      range: mine(S),
      onLines: done(g),
    },
  );
  await g?.finish();
  // [N_seq, N_res, c_m]  (line 4): lines = residue columns
  rec.section('msa_column_attention');
  g = gatherOf(bufs.m, S, cm, 'columns', 'msa_column_attention');
  const columns = { lines: pipelined(N, chunks.msaAttentionLines), range: mine(N), onLines: done(g) };
  if (w.globalColumnAttention) {
    await recordMsaColumnGlobalAttention(
      rec,
      pool,
      w.globalColumnAttention,
      sizes,
      bufs,
      at('msa_column_global_attention'),
      columns,
    );
  } else if (w.columnAttention) {
    await recordMsaColumnAttention(
      rec,
      pool,
      w.columnAttention,
      sizes,
      bufs,
      at('msa_column_attention'),
      columns,
    );
  } else {
    throw new Error(`${label}: no column attention weights`);
  }
  await g?.finish();
  // [N_seq, N_res, c_m]  (line 5): lines = sequences (N_res transition rows each)
  rec.section('msa_transition');
  const seqs = mine(S);
  const split = await transitionStep(
    rec,
    pool,
    S * N,
    w.msaTransition,
    bufs.m,
    chunks.msaTransitionRows,
    at('msa_transition'),
    act,
    seqs && { start: seqs.start * N, end: seqs.end * N },
  );
  if (split) await gatherOf(bufs.m, S, cm, 'rows', 'msa_transition')?.finish();
  rec.section('outer_product_mean');
  // [N_res, N_res, c_z]  (line 6): lines = rows i
  {
    const o = w.outerProductMean;
    const t = new Transients(pool, at('outer_product_mean'));
    g = gatherOf(bufs.z, N, cz, 'rows', 'outer_product_mean');
    await recordOuterProductMean(
      rec,
      N,
      S,
      o,
      {
        m: bufs.m,
        mask: bufs.msaMask,
        z: bufs.z,
        ab: t.get(S * N * 2 * o.C, 'a|b'),
      },
      { rows: pipelined(N, chunks.outerProductMeanRows), act, range: mine(N), onRows: done(g) },
    );
    t.release();
    await g?.finish();
  }
  // [N_res, N_res, c_z]  (lines 7–8): lines = rows i of the update
  for (const [orientation, weights] of [
    ['outgoing', w.triangleMultiplicationOutgoing],
    ['incoming', w.triangleMultiplicationIncoming],
  ] as const) {
    const name = `triangle_multiplication_${orientation}`;
    rec.section(name);
    g = gatherOf(bufs.z, N, cz, 'rows', name);
    await triangleStep(
      rec,
      pool,
      orientation,
      N,
      weights,
      bufs,
      pipelined(N, chunks.triangleRows),
      chunks.triangleChannels,
      at(name),
      act,
      mine(N),
      done(g),
    );
    await g?.finish();
  }
  // [N_res, N_res, c_z]  (lines 9–10): lines = rows (starting node), columns (ending node)
  for (const [node, weights] of [
    ['starting', w.triangleAttentionStarting],
    ['ending', w.triangleAttentionEnding],
  ] as const) {
    const name = `triangle_attention_${node}_node`;
    rec.section(name);
    g = gatherOf(bufs.z, N, cz, node === 'starting' ? 'rows' : 'columns', name);
    await recordTriangleAttention(rec, pool, weights, node, N, bufs, at(name), act, {
      ...pairChunks(N),
      onLines: done(g),
    });
    await g?.finish();
  }
  // [N_res, N_res, c_z]  (line 11): lines = rows i (N_res transition rows each)
  rec.section('pair_transition');
  const rows = mine(N);
  const pairSplit = await transitionStep(
    rec,
    pool,
    N * N,
    w.pairTransition,
    bufs.z,
    chunks.pairTransitionRows,
    at('pair_transition'),
    act,
    rows && { start: rows.start * N, end: rows.end * N },
  );
  if (pairSplit) await gatherOf(bufs.z, N, cz, 'rows', 'pair_transition')?.finish();
  return rec.dispatches - before;
}

/**
 * Algorithm 16, lines 2–6: one TemplatePairStack block on a template's pair activations
 * t [N_res, N_res, c_t] (f32), in AF2's template order — attention before multiplication:
 *   t += TriangleAttentionStartingNode(t), t += TriangleAttentionEndingNode(t),
 *   t += TriangleMultiplicationOutgoing(t), t += TriangleMultiplicationIncoming(t),
 *   t += PairTransition(t).
 * Reference: src/model/reference/template-pair-stack-block.ts.
 */
export async function recordTemplatePairBlock(
  rec: Recorder,
  pool: BufferPool,
  w: PairStackWeights,
  nRes: number,
  bufs: { t: GPUBuffer; pairMask: GPUBuffer },
  label: string,
  chunks: BlockChunks = {},
): Promise<number> {
  const before = rec.dispatches;
  const N = nRes;
  const at = (m: string) => `${label}/${m}`;
  const pairChunks = { lines: chunks.pairAttentionLines, biasRows: chunks.biasRows };
  const z = { z: bufs.t, pairMask: bufs.pairMask, m: bufs.t, msaMask: bufs.pairMask };
  // [N_res, N_res, c_t]  (lines 2–3)
  for (const [node, weights] of [
    ['starting', w.triangleAttentionStarting],
    ['ending', w.triangleAttentionEnding],
  ] as const) {
    await recordTriangleAttention(
      rec,
      pool,
      weights,
      node,
      N,
      z,
      at(`triangle_attention_${node}_node`),
      'f32',
      pairChunks,
    );
  }
  // [N_res, N_res, c_t]  (lines 4–5)
  for (const [orientation, weights] of [
    ['outgoing', w.triangleMultiplicationOutgoing],
    ['incoming', w.triangleMultiplicationIncoming],
  ] as const) {
    await triangleStep(
      rec,
      pool,
      orientation,
      N,
      weights,
      z,
      chunks.triangleRows,
      chunks.triangleChannels,
      at(`triangle_multiplication_${orientation}`),
      'f32',
    );
  }
  // [N_res, N_res, c_t]  (line 6)
  await transitionStep(
    rec,
    pool,
    N * N,
    w.pairTransition,
    bufs.t,
    chunks.pairTransitionRows,
    at('pair_transition'),
    'f32',
  );
  return rec.dispatches - before;
}
