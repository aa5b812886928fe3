/**
 * The attention modules of the Evoformer block on the GPU, each a short kernel sequence that
 * updates m or z in place (the residual add is the output projection's epilogue):
 *
 *   Algorithm 7  MSARowAttentionWithPairBias   LN(m) · [q|k|v|g], LN(z) · feat_2d_weights,
 *                                              attention core (pair bias), · W_o  m += …   6 dispatches
 *   Algorithm 8  MSAColumnAttention            LN(m) · [q|k|v|g], attention core over
 *                                              sequences (column strides), · W_o           4 dispatches
 *   Algorithm 19 MSAColumnGlobalAttention      LN(m) · [k|v|g], global core, · W_o         4 dispatches
 *   Algorithm 13/14 TriangleAttention          LN(z) · [q|k|v|g|bias], attention core
 *                                              (starting: row strides; ending: transposed
 *                                              strides, never a transposed copy), · W_o    4 dispatches
 *
 * Transients come from the BufferPool and go back to it once recorded; the pool hands the same
 * buffers to the next module, which runs after this one in queue order.
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import type { StorageType } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS } from '../../model/reference/ops.ts';
import type { AttentionDims, RowView } from '../kernels/attention.ref.ts';
import { recordAttention } from '../kernels/attention.ts';
import { recordGlobalAttention } from '../kernels/global-attention.ts';
import { layerNormConfig, recordLayerNorm } from '../kernels/layernorm.ts';
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

/** A view of the `part`-th H·C slice (0 q, 1 k, 2 v, 3 g) of projected rows of `width` floats. */
function part(w: AttentionModuleWeights, n: number, strideB: number, strideL: number): RowView {
  return { offset: n * w.heads * w.headDim, strideB, strideL, strideH: w.headDim };
}

/** Sizes of a module application; `act` is the element type of m (or e) and z (default f32). */
export interface ModuleSizes {
  nSeq: number;
  nRes: number;
  act?: StorageType;
}

/** y[rows, C] = LN(x) (f32), x stored as `xType`. */
async function layerNorm(
  rec: Recorder,
  rows: number,
  C: number,
  bufs: { x: GPUBuffer; scale: GPUBuffer; offset: GPUBuffer; y: GPUBuffer },
  xType: StorageType = 'f32',
): Promise<void> {
  await recordLayerNorm(rec, { rows, C, eps: LN_EPS }, bufs, layerNormConfig(C, 128, xType));
}

/** LN(x) · W + b for `rows` rows of `w.c` channels: returns the projected [rows, width] buffer. */
async function projectNormed(
  rec: Recorder,
  t: Transients,
  x: GPUBuffer,
  rows: number,
  w: AttentionModuleWeights,
  xType: StorageType = 'f32',
): Promise<GPUBuffer> {
  const xNorm = t.get(rows * w.c, 'LayerNorm(x)');
  // [rows, c]
  await layerNorm(rec, rows, w.c, { x, scale: w.lnScale, offset: w.lnOffset, y: xNorm }, xType);
  const proj = t.get(rows * w.width, 'q|k|v|g');
  // [rows, width]
  await recordMatmul(
    rec,
    { M: rows, K: w.c, N: w.width },
    { a: xNorm, b: w.projW, bias: w.projB, c: proj },
    { bias: true },
  );
  return proj;
}

/** x[rows, c_out] += o[rows, H·C] · W_o + b_o (the module's residual add). */
async function projectOut(
  rec: Recorder,
  o: GPUBuffer,
  rows: number,
  w: { heads: number; headDim: number; cOut: number; outW: GPUBuffer; outB: GPUBuffer },
  x: GPUBuffer,
  xType: StorageType = 'f32',
): Promise<void> {
  await recordMatmul(
    rec,
    { M: rows, K: w.heads * w.headDim, N: w.cOut },
    { a: o, b: w.outW, bias: w.outB, c: x },
    { bias: true, epilogue: 'residual-in-place', types: { c: xType } },
  );
}

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
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const t = new Transients(pool, label);
  const H = w.heads;
  const hc = H * w.headDim;
  // [N_seq, N_res, 4·H·C]  (lines 1–2, 5)
  const proj = await projectNormed(rec, t, bufs.m, S * N, w, sizes.act);
  // [N_res, N_res, c_z] LayerNorm(z)  (line 3)
  const zNorm = t.get(N * N * w.cz, 'LayerNorm(z)');
  await layerNorm(
    rec,
    N * N,
    w.cz,
    { x: bufs.z, scale: w.zLnScale, offset: w.zLnOffset, y: zNorm },
    sizes.act,
  );
  // [N_res, N_res, H] pair bias b_ij^h  (line 3)
  const bias = t.get(N * N * H, 'pair bias');
  await recordMatmul(rec, { M: N * N, K: w.cz, N: H }, { a: zNorm, b: w.pairBiasW, c: bias });
  // [N_seq, N_res, H, C] gated attention over residues of each row  (lines 4–6)
  const o = t.get(S * N * hc, 'attention output');
  const rowStride = N * w.width;
  const dims: AttentionDims = {
    batch: S,
    queries: N,
    keys: N,
    heads: H,
    headDim: w.headDim,
    q: part(w, 0, rowStride, w.width),
    k: part(w, 1, rowStride, w.width),
    v: part(w, 2, rowStride, w.width),
    gate: part(w, 3, rowStride, w.width),
    out: { offset: 0, strideB: N * hc, strideL: hc, strideH: w.headDim },
    bias: { offset: 0, strideQ: N * H, strideK: H, strideH: 1 },
    mask: { offset: 0, strideB: N, strideK: 1 },
  };
  await recordAttention(rec, dims, {
    q: proj,
    k: proj,
    v: proj,
    gate: proj,
    bias,
    mask: bufs.msaMask,
    out: o,
  });
  // [N_seq, N_res, c_m] m += o · W_o + b_o  (line 7)
  await projectOut(rec, o, S * N, w, bufs.m, sizes.act);
  t.release();
}

/**
 * Algorithm 8: m += MSAColumnAttention(m): each residue column attends over the sequences,
 * read through column strides of the row-major [N_seq, N_res, …] projections.
 */
export async function recordMsaColumnAttention(
  rec: Recorder,
  pool: BufferPool,
  w: AttentionModuleWeights,
  sizes: ModuleSizes,
  bufs: { m: GPUBuffer; msaMask: GPUBuffer },
  label: string,
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const t = new Transients(pool, label);
  const hc = w.heads * w.headDim;
  // [N_seq, N_res, 4·H·C]  (lines 1–2)
  const proj = await projectNormed(rec, t, bufs.m, S * N, w, sizes.act);
  // [N_seq, N_res, H, C]: batch = residue i, queries/keys = sequences  (lines 3–5)
  const o = t.get(S * N * hc, 'attention output');
  const dims: AttentionDims = {
    batch: N,
    queries: S,
    keys: S,
    heads: w.heads,
    headDim: w.headDim,
    q: part(w, 0, w.width, N * w.width),
    k: part(w, 1, w.width, N * w.width),
    v: part(w, 2, w.width, N * w.width),
    gate: part(w, 3, w.width, N * w.width),
    out: { offset: 0, strideB: hc, strideL: N * hc, strideH: w.headDim },
    mask: { offset: 0, strideB: 1, strideK: N },
  };
  await recordAttention(rec, dims, { q: proj, k: proj, v: proj, gate: proj, mask: bufs.msaMask, out: o });
  // [N_seq, N_res, c_m] m += o · W_o + b_o  (line 6)
  await projectOut(rec, o, S * N, w, bufs.m, sizes.act);
  t.release();
}

/** Algorithm 19: e += MSAColumnGlobalAttention(e) (extra-MSA stack). */
export async function recordMsaColumnGlobalAttention(
  rec: Recorder,
  pool: BufferPool,
  w: GlobalAttentionWeights,
  sizes: ModuleSizes,
  bufs: { m: GPUBuffer; msaMask: GPUBuffer },
  label: string,
): Promise<void> {
  const { nSeq: S, nRes: N } = sizes;
  const t = new Transients(pool, label);
  const hc = w.heads * w.headDim;
  // [N_seq, N_res, c_e]  (line 1)
  const xNorm = t.get(S * N * w.c, 'LayerNorm(e)');
  await layerNorm(rec, S * N, w.c, { x: bufs.m, scale: w.lnScale, offset: w.lnOffset, y: xNorm }, sizes.act);
  // [N_seq, N_res, H·C | C | C_v | H·C_v] q | k | v | g  (lines 2, 4, 7; the query is projected
  // per sequence and averaged in the kernel: mean and projection commute)
  const W = w.width;
  const proj = t.get(S * N * W, 'q|k|v|g');
  await recordMatmul(
    rec,
    { M: S * N, K: w.c, N: W },
    { a: xNorm, b: w.projW, bias: w.projB, c: proj },
    { bias: true },
  );
  // [N_seq, N_res, H, C_v]  (lines 2–3, 5–7); batch = residue columns, attended over sequences
  const o = t.get(S * N * hc, 'global attention output');
  const view = (offset: number, strideH: number) => ({ offset, strideB: W, strideL: N * W, strideH });
  await recordGlobalAttention(
    rec,
    {
      batch: N,
      seqs: S,
      heads: w.heads,
      headDim: w.headDim,
      q: view(0, w.headDim),
      k: view(hc, 0),
      v: view(hc + w.headDim, 0),
      gate: view(hc + 2 * w.headDim, w.headDim),
      out: { offset: 0, strideB: hc, strideL: N * hc, strideH: w.headDim },
      mask: { offset: 0, strideB: 1, strideK: N },
    },
    { q: proj, k: proj, v: proj, gate: proj, mask: bufs.msaMask, out: o },
  );
  // [N_seq, N_res, c_e] e += o · W_o + b_o  (line 8)
  await projectOut(rec, o, S * N, w, bufs.m, sizes.act);
  t.release();
}

/**
 * Algorithms 13/14: z += TriangleAttention(z) for the starting (row i attends over k) or ending
 * (column j attends over k) node. The ending node reads and writes through transposed strides.
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
): Promise<void> {
  const N = nRes;
  const t = new Transients(pool, label);
  const H = w.heads;
  const hc = H * w.headDim;
  const W = w.width;
  // [N_res, N_res, 4·H·C + H'] q | k | v | g | bias  (lines 1–3)
  const proj = await projectNormed(rec, t, bufs.z, N * N, w, act);
  const ending = orientation === 'ending';
  // (batch b, position l) → pair (b, l) for the starting node, (l, b) for the ending node
  const [sB, sL] = ending ? [W, N * W] : [N * W, W];
  const o = t.get(N * N * hc, 'attention output');
  const dims: AttentionDims = {
    batch: N,
    queries: N,
    keys: N,
    heads: H,
    headDim: w.headDim,
    q: part(w, 0, sB, sL),
    k: part(w, 1, sB, sL),
    v: part(w, 2, sB, sL),
    gate: part(w, 3, sB, sL),
    out: ending
      ? { offset: 0, strideB: hc, strideL: N * hc, strideH: w.headDim }
      : { offset: 0, strideB: N * hc, strideL: hc, strideH: w.headDim },
    // b_jk^h of the (possibly transposed) pair representation
    bias: ending
      ? { offset: w.biasColumn, strideQ: W, strideK: N * W, strideH: 1 }
      : { offset: w.biasColumn, strideQ: N * W, strideK: W, strideH: 1 },
    mask: ending ? { offset: 0, strideB: 1, strideK: N } : { offset: 0, strideB: N, strideK: 1 },
  };
  // [N_res, N_res, H, C]  (lines 4–6)
  await recordAttention(rec, dims, {
    q: proj,
    k: proj,
    v: proj,
    gate: proj,
    bias: proj,
    mask: bufs.pairMask,
    out: o,
  });
  // [N_res, N_res, c_z] z += o · W_o + b_o  (line 7)
  await projectOut(rec, o, N * N, w, bufs.z, act);
  t.release();
}
