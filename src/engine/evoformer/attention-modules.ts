/**
 * The attention modules of the Evoformer block on the GPU, each a short kernel sequence that
 * updates m or z in place (the residual add is the output projection's epilogue):
 *
 *   Algorithm 7  MSARowAttentionWithPairBias   bias = LN(z) · feat_2d_weights; per chunk of
 *                                              sequences: LN(m) · [q|k|v|g], attention core, · W_o
 *   Algorithm 8  MSAColumnAttention            per chunk of residue columns: LN(m) · [q|k|v|g],
 *                                              attention core over sequences, · W_o
 *   Algorithm 19 MSAColumnGlobalAttention      per chunk of columns: LN(e) · [q|k|v|g], global core, · W_o
 *   Algorithm 13/14 TriangleAttention          bias = LN(z) · feat_2d_weights for every pair; per
 *                                              chunk of rows (starting) or columns (ending):
 *                                              LN(z) · [q|k|v|g], attention core, · W_o
 *
 * A tensor x [A, B, c] (m: [N_seq, N_res, c_m]; z: [N_res, N_res, c_z]) is attended along lines:
 * `rows` (line a = x[a, :, :], B positions) or `columns` (line b = x[:, b, :], A positions). A
 * chunk of R lines is normalised (LayerNorm over row groups), projected, attended and added back
 * through strided views, so the ending node and column attention need no transposed copy, and
 * the transients are [R·positions, …] instead of the whole tensor's. Line l's update reads only
 * line l and the bias (computed from the old tensor before any line changes), so updating chunk by
 * chunk in place equals AF2's all-at-once update. The bias is itself computed in row chunks.
 *
 * Transients come from the BufferPool and go back to it once recorded; the pool hands the same
 * buffers to the next chunk or module, which runs after this one in queue order.
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import type { StorageType } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS } from '../../model/reference/ops.ts';
import type { BiasView, MaskView, RowView } from '../kernels/attention.ref.ts';
import { recordAttention } from '../kernels/attention.ts';
import { recordGlobalAttention } from '../kernels/global-attention.ts';
import { type LayerNormDims, layerNormConfig, recordLayerNorm } from '../kernels/layernorm.ts';
import { type LineRange, linesOf } from '../kernels/line-range.ts';
import { recordMatmul } from '../kernels/matmul.ts';
import type {
  AttentionModuleWeights,
  GlobalAttentionWeights,
  RowAttentionWeights,
} from './module-weights.ts';

const F32 = 4;

/** Transients of one module: acquired from the pool, released when the module is recorded. */
export class Transients {
  private readonly held: GPUBuffer[] = [];
  constructor(
    readonly pool: BufferPool,
    readonly label: string,
  ) {}
  get(elements: number, what: string): GPUBuffer {
    const b = this.pool.acquire(F32 * Math.max(1, elements), `${this.label} ${what}`);
    this.held.push(b);
    return b;
  }
  release(): void {
    for (const b of this.held) this.pool.release(b);
    this.held.length = 0;
  }
}

/** Sizes of a module application; `act` is the element type of m (or e) and z (default f32). */
export interface ModuleSizes {
  nSeq: number;
  nRes: number;
  act?: StorageType;
}

/** Lines per chunk of an attention module (default: every line in one chunk). */
export interface AttentionChunks {
  /** Lines (rows, columns or sequences) per chunk of the attention. */
  lines?: number;
  /** Rows of the bias per chunk (triangle and pair bias). */
  biasRows?: number;
  /** The lines this rank updates (DAP; default all). The bias is always computed whole. */
  range?: LineRange;
  /** Called after each chunk with one past its last line (DAP starts gathers from it). */
  onLines?: (end: number) => void;
}

/** x [A, B, c] attended along rows (line a, B positions) or columns (line b, A positions). */
interface Lines {
  x: GPUBuffer;
  xType: StorageType;
  A: number;
  B: number;
  c: number;
  orientation: 'rows' | 'columns';
}

/** Lines of x, positions per line, and what chunk [l0, l0+R) covers. */
function lineGeometry(g: Lines, l0: number, R: number) {
  const rows = g.orientation === 'rows';
  const lines = rows ? g.A : g.B;
  const positions = rows ? g.B : g.A;
  // LayerNorm input: rows-orientation lines are R·B contiguous rows; columns are A groups of R rows
  const ln: Omit<LayerNormDims, 'C'> = rows
    ? { rows: R * positions, offset: l0 * g.B * g.c }
    : { rows: positions * R, groupRows: R, groupStride: g.B * g.c, offset: l0 * g.c };
  /** A chunk-local view of `width`-wide projected rows (rows: [R, B, width]; columns: [A, R, width]). */
  const view = (offset: number, width: number, strideH: number): RowView =>
    rows
      ? { offset, strideB: positions * width, strideL: width, strideH }
      : { offset, strideB: width, strideL: R * width, strideH };
  return { lines, positions, ln, view };
}

/** x[chunk lines] += o · W_o + b_o, o chunk-local [R·positions, H·C] in the chunk's layout. */
async function addLines(
  rec: Recorder,
  g: Lines,
  l0: number,
  R: number,
  o: GPUBuffer,
  w: { heads: number; headDim: number; cOut: number; outW: GPUBuffer; outB: GPUBuffer },
): Promise<void> {
  const hc = w.heads * w.headDim;
  const dims =
    g.orientation === 'rows'
      ? { M: R * g.B, K: hc, N: w.cOut, offsetC: l0 * g.B * g.c }
      : // one [R, c] block per row a of x: rows a·B + l0 … of the flattened tensor
        {
          M: R,
          K: hc,
          N: w.cOut,
          batch: g.A,
          strideA: R * hc,
          strideB: 0,
          strideC: g.B * g.c,
          offsetC: l0 * g.c,
        };
  await recordMatmul(
    rec,
    dims,
    { a: o, b: w.outW, bias: w.outB, c: g.x },
    { bias: true, epilogue: 'residual-in-place', types: { c: g.xType } },
  );
}

/**
 * bias [N, N, H] = LN(z) · W_b for every pair, in chunks of `chunkRows` rows of z (triangle
 * attention's b_jk and row attention's pair bias b_ij: both unbiased Linears of a LayerNorm).
 */
async function recordPairBias(
  rec: Recorder,
  t: Transients,
  z: GPUBuffer,
  zType: StorageType,
  N: number,
  cz: number,
  H: number,
  norm: { scale: GPUBuffer; offset: GPUBuffer },
  biasW: GPUBuffer,
  chunkRows: number,
): Promise<{ bias: GPUBuffer; zNorm: GPUBuffer; whole: boolean }> {
  const bias = t.get(N * N * H, 'bias [N_res, N_res, H]');
  const R = Math.max(1, Math.min(chunkRows, N));
  const zNorm = t.get(R * N * cz, 'LayerNorm(z) rows');
  for (let r0 = 0; r0 < N; r0 += R) {
    const rows = Math.min(R, N - r0) * N;
    // [rows, c_z] → [rows, H]
    await recordLayerNorm(
      rec,
      { rows, C: cz, eps: LN_EPS, offset: r0 * N * cz },
      { x: z, scale: norm.scale, offset: norm.offset, y: zNorm },
      layerNormConfig(cz, 128, zType),
    );
    await recordMatmul(rec, { M: rows, K: cz, N: H, offsetC: r0 * N * H }, { a: zNorm, b: biasW, c: bias });
  }
  return { bias, zNorm, whole: R === N };
}

/**
 * x += GatedSelfAttention(LN(x)) along lines, in chunks of `chunkLines` lines, with an optional
 * bias view (shared by all lines) and the mask view of line 0 (`perLine`: its step per line).
 * `normed`: LN(x) of the whole of a square x already at hand (one chunk of all lines then has
 * exactly that layout in either orientation), so the chunk's LayerNorm is skipped.
 */
async function recordLineAttention(
  rec: Recorder,
  t: Transients,
  g: Lines,
  w: AttentionModuleWeights,
  chunks: AttentionChunks,
  bias: { buf: GPUBuffer; view: BiasView } | undefined,
  mask: { buf: GPUBuffer; view: MaskView; perLine: number },
  normed?: GPUBuffer,
): Promise<void> {
  const { lines, positions } = lineGeometry(g, 0, 1);
  const { start, end } = linesOf(lines, chunks.range);
  const R = Math.max(1, Math.min(chunks.lines ?? ALL, end - start));
  const H = w.heads;
  const hc = H * w.headDim;
  const W = w.width;
  const reuse = normed !== undefined && R === lines && g.A === g.B;
  const xNorm = reuse ? normed : t.get(R * positions * w.c, 'LayerNorm(x) chunk');
  const proj = t.get(R * positions * W, 'q|k|v|g chunk');
  const o = t.get(R * positions * hc, 'attention output chunk');
  for (let l0 = start; l0 < end; l0 += R) {
    const n = Math.min(R, end - l0);
    const geo = lineGeometry(g, l0, n);
    // [n·positions, c]
    if (!reuse) {
      await recordLayerNorm(
        rec,
        { ...geo.ln, C: w.c, eps: LN_EPS },
        { x: g.x, scale: w.lnScale, offset: w.lnOffset, y: xNorm },
        layerNormConfig(w.c, 128, g.xType),
      );
    }
    // [n·positions, 4·H·C] q | k | v | g
    await recordMatmul(
      rec,
      { M: n * positions, K: w.c, N: W },
      { a: xNorm, b: w.projW, bias: w.projB, c: proj },
      { bias: true },
    );
    // [n·positions, H, C] gated attention along each line
    const part = (k: number) => geo.view(k * hc, W, w.headDim);
    await recordAttention(
      rec,
      {
        batch: n,
        queries: positions,
        keys: positions,
        heads: H,
        headDim: w.headDim,
        q: part(0),
        k: part(1),
        v: part(2),
        gate: part(3),
        out: geo.view(0, hc, w.headDim),
        bias: bias?.view,
        mask: { ...mask.view, offset: mask.view.offset + l0 * mask.perLine },
      },
      { q: proj, k: proj, v: proj, gate: proj, bias: bias?.buf, mask: mask.buf, out: o },
    );
    await addLines(rec, g, l0, n, o, w);
    chunks.onLines?.(l0 + n);
  }
}

/** Default chunking: everything at once. */
const ALL = Number.MAX_SAFE_INTEGER;

/**
 * Algorithm 7: m += MSARowAttentionWithPairBias(m, z).
 * m [N_seq, N_res, c_m], z [N_res, N_res, c_z], msaMask [N_seq, N_res].
 */
export async function recordMsaRowAttention(
  rec: Recorder,
  pool: BufferPool,
  w: RowAttentionWeights,
  sizes: ModuleSizes,
  bufs: { m: GPUBuffer; z: GPUBuffer; msaMask: GPUBuffer },
  label: string,
  chunks: AttentionChunks = {},
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const act = sizes.act ?? 'f32';
  const t = new Transients(pool, label);
  // [N_res, N_res, H] pair bias b_ij^h  (line 3)
  const { bias } = await recordPairBias(
    rec,
    t,
    bufs.z,
    act,
    N,
    w.cz,
    w.heads,
    { scale: w.zLnScale, offset: w.zLnOffset },
    w.pairBiasW,
    chunks.biasRows ?? ALL,
  );
  // lines = sequences: [N_seq, N_res, c_m] m += gated attention over the residues of each row  (lines 1–2, 4–7)
  await recordLineAttention(
    rec,
    t,
    { x: bufs.m, xType: act, A: S, B: N, c: w.c, orientation: 'rows' },
    w,
    chunks,
    { buf: bias, view: { offset: 0, strideQ: N * w.heads, strideK: w.heads, strideH: 1 } },
    { buf: bufs.msaMask, view: { offset: 0, strideB: N, strideK: 1 }, perLine: N },
  );
  t.release();
}

/**
 * Algorithm 8: m += MSAColumnAttention(m): each residue column attends over the sequences,
 * read and written through column views of the row-major [N_seq, N_res, …] tensors.
 */
export async function recordMsaColumnAttention(
  rec: Recorder,
  pool: BufferPool,
  w: AttentionModuleWeights,
  sizes: ModuleSizes,
  bufs: { m: GPUBuffer; msaMask: GPUBuffer },
  label: string,
  chunks: AttentionChunks = {},
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const t = new Transients(pool, label);
  // lines = residue columns  (lines 1–6)
  await recordLineAttention(
    rec,
    t,
    { x: bufs.m, xType: sizes.act ?? 'f32', A: S, B: N, c: w.c, orientation: 'columns' },
    w,
    chunks,
    undefined,
    { buf: bufs.msaMask, view: { offset: 0, strideB: 1, strideK: N }, perLine: 1 },
  );
  t.release();
}

/** Algorithm 19: e += MSAColumnGlobalAttention(e) (extra-MSA stack), in chunks of columns. */
export async function recordMsaColumnGlobalAttention(
  rec: Recorder,
  pool: BufferPool,
  w: GlobalAttentionWeights,
  sizes: ModuleSizes,
  bufs: { m: GPUBuffer; msaMask: GPUBuffer },
  label: string,
  chunks: AttentionChunks = {},
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const g: Lines = { x: bufs.m, xType: sizes.act ?? 'f32', A: S, B: N, c: w.c, orientation: 'columns' };
  const t = new Transients(pool, label);
  const hc = w.heads * w.headDim;
  const W = w.width;
  const { start, end } = linesOf(N, chunks.range);
  const R = Math.max(1, Math.min(chunks.lines ?? ALL, end - start));
  const xNorm = t.get(S * R * w.c, 'LayerNorm(e) chunk');
  const proj = t.get(S * R * W, 'q|k|v|g chunk');
  const o = t.get(S * R * hc, 'global attention output chunk');
  for (let l0 = start; l0 < end; l0 += R) {
    const n = Math.min(R, end - l0);
    const geo = lineGeometry(g, l0, n);
    // [N_extra, n, c_e]  (line 1)
    await recordLayerNorm(
      rec,
      { ...geo.ln, C: w.c, eps: LN_EPS },
      { x: g.x, scale: w.lnScale, offset: w.lnOffset, y: xNorm },
      layerNormConfig(w.c, 128, g.xType),
    );
    // [N_extra, n, H·C | C | C_v | H·C_v] q | k | v | g  (lines 2, 4, 7; the query is projected
    // per sequence and averaged in the kernel: mean and projection commute)
    await recordMatmul(
      rec,
      { M: S * n, K: w.c, N: W },
      { a: xNorm, b: w.projW, bias: w.projB, c: proj },
      { bias: true },
    );
    // [N_extra, n, H, C_v]  (lines 2–3, 5–7); batch = the chunk's columns, attended over sequences
    await recordGlobalAttention(
      rec,
      {
        batch: n,
        seqs: S,
        heads: w.heads,
        headDim: w.headDim,
        q: geo.view(0, W, w.headDim),
        k: geo.view(hc, W, 0),
        v: geo.view(hc + w.headDim, W, 0),
        gate: geo.view(hc + 2 * w.headDim, W, w.headDim),
        out: geo.view(0, hc, w.headDim),
        mask: { offset: l0, strideB: 1, strideK: N },
      },
      { q: proj, k: proj, v: proj, gate: proj, mask: bufs.msaMask, out: o },
    );
    // [N_extra, n, c_e] e += o · W_o + b_o  (line 8)
    await addLines(rec, g, l0, n, o, w);
    chunks.onLines?.(l0 + n);
  }
  t.release();
}

/**
 * Algorithms 13/14: z += TriangleAttention(z) for the starting (row i attends over k) or ending
 * (column j attends over k) node. The ending node reads and writes through column views.
 */
export async function recordTriangleAttention(
  rec: Recorder,
  pool: BufferPool,
  w: AttentionModuleWeights,
  orientation: 'starting' | 'ending',
  nRes: number,
  bufs: { z: GPUBuffer; pairMask: GPUBuffer },
  label: string,
  act: StorageType = 'f32',
  chunks: AttentionChunks = {},
): Promise<void> {
  const N = nRes;
  const H = w.heads;
  if (!w.biasW) throw new Error(`${label}: triangle attention weights without feat_2d_weights`);
  const t = new Transients(pool, label);
  // [N_res, N_res, H] b_jk^h from the old z, before any line is updated  (line 3); the same
  // LayerNorm (query_norm) feeds the projections, so with one chunk it is computed once
  const { bias, zNorm, whole } = await recordPairBias(
    rec,
    t,
    bufs.z,
    act,
    N,
    w.c,
    H,
    { scale: w.lnScale, offset: w.lnOffset },
    w.biasW,
    chunks.biasRows ?? ALL,
  );
  const ending = orientation === 'ending';
  // (query, key) of line l → bias of pair (query, key), or of its transpose for the ending node
  const biasView: BiasView = ending
    ? { offset: 0, strideQ: H, strideK: N * H, strideH: 1 }
    : { offset: 0, strideQ: N * H, strideK: H, strideH: 1 };
  const maskView: MaskView = ending
    ? { offset: 0, strideB: 1, strideK: N }
    : { offset: 0, strideB: N, strideK: 1 };
  // [N_res, N_res, c_z] z += gated attention along rows (starting) or columns (ending)  (lines 1–2, 4–7)
  await recordLineAttention(
    rec,
    t,
    { x: bufs.z, xType: act, A: N, B: N, c: w.c, orientation: ending ? 'columns' : 'rows' },
    w,
    chunks,
    { buf: bias, view: biasView },
    { buf: bufs.pairMask, view: maskView, perLine: ending ? 1 : N },
    whole ? zNorm : undefined,
  );
  t.release();
}
