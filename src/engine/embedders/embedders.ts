/**
 * The embedders on the GPU (AF2 `EmbeddingsAndEvoformer`, before the stacks):
 *   Algorithm 3 lines 1–5 + Algorithm 4 (InputEmbedder + relpos)     2 matmuls + 1 pair kernel + 1 matmul
 *   Algorithm 32 lines 1–5 (RecyclingEmbedder)                         LN + dgram kernel + LN + add
 *   Algorithm 2 line 13 (extra-MSA embedding: one-hot Linear)          1 kernel
 * Dense Linears are matmul.wgsl launches, the rest shaders/embedding.wgsl.
 * References: src/model/reference/{input-embedder,recycling-embedder,extra-msa-embedding}.ts.
 */
import embeddingWgsl from '../../../shaders/embedding.wgsl?raw';
import type { KernelDescriptor, StorageType } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { EVOFORMER_EMBED } from '../../model/reference/input-embedder.ts';
import { LN_EPS, param } from '../../model/reference/ops.ts';
import { RECYCLE_DGRAM } from '../../model/reference/recycling-embedder.ts';
import { layerNormConfig, recordLayerNorm } from '../kernels/layernorm.ts';
import { recordMatmul, unusedBinding } from '../kernels/matmul.ts';
import type { DeviceWeights } from '../weights.ts';

type Entry = 'pair' | 'dgram' | 'add' | 'extra';

interface EmbedDims {
  n: number;
  nRes?: number;
  c?: number;
  bins?: number;
  /** dgram: first row i of the chunk. */
  row0?: number;
  /** add: element offset into y. */
  yOffset?: number;
}

const WG = 256;
const GRID_X = 65535;

function embeddingKernel(entry: Entry, yType: StorageType): KernelDescriptor<EmbedDims> {
  const groups = (d: EmbedDims) => Math.ceil(d.n / WG);
  return {
    name: 'embedding',
    source: embeddingWgsl,
    entryPoint: entry,
    constants: { WG },
    types: { y_t: yType },
    bindings: [
      { name: 'params', kind: 'uniform' },
      { name: 'a', kind: 'read-only-storage' },
      { name: 'b', kind: 'read-only-storage' },
      { name: 'c', kind: 'read-only-storage' },
      { name: 'idx', kind: 'read-only-storage' },
      { name: 'table', kind: 'read-only-storage' },
      { name: 'y', kind: 'storage' },
    ],
    workgroups: (d) => {
      const g = groups(d);
      const x = Math.min(g, GRID_X);
      return [x, x === 0 ? 0 : Math.ceil(g / x), 1];
    },
    uniforms: (d) =>
      Uint32Array.of(
        d.n,
        d.nRes ?? 0,
        d.c ?? 0,
        d.bins ?? 0,
        Math.min(groups(d), GRID_X),
        d.row0 ?? 0,
        d.yOffset ?? 0,
        0,
      ),
  };
}

async function dispatchEmbedding(
  rec: Recorder,
  entry: Entry,
  dims: EmbedDims,
  bufs: Partial<Record<'a' | 'b' | 'c' | 'idx' | 'table', GPUBuffer>> & { y: GPUBuffer },
  yType: StorageType = 'f32',
): Promise<void> {
  const dummy = unusedBinding(rec.ctx.device);
  await rec.dispatch(embeddingKernel(entry, yType), dims, {
    a: bufs.a ?? dummy,
    b: bufs.b ?? dummy,
    c: bufs.c ?? dummy,
    idx: bufs.idx ?? dummy,
    table: bufs.table ?? dummy,
    y: bufs.y,
  });
}

/** Records y[yOffset + k] += x[k] for k < n (x f32, y stored as `yType`). */
export async function recordAdd(
  rec: Recorder,
  n: number,
  x: GPUBuffer,
  y: GPUBuffer,
  yType: StorageType = 'f32',
  yOffset = 0,
): Promise<void> {
  await dispatchEmbedding(rec, 'add', { n, yOffset }, { a: x, y }, yType);
}

export interface EmbedderWeights {
  cm: number;
  cz: number;
  /** Channels of target_feat (22) and msa_feat (49). */
  cTarget: number;
  cMsa: number;
  /** [22, 2·c_z] left_single | right_single, and bias */
  lrW: GPUBuffer;
  lrB: GPUBuffer;
  /** [2k+1, c_z] relpos */
  relW: GPUBuffer;
  relB: GPUBuffer;
  relBins: number;
  /** [22, c_m] preprocess_1d */
  m1dW: GPUBuffer;
  m1dB: GPUBuffer;
  /** [49, c_m] preprocess_msa */
  msaW: GPUBuffer;
  msaB: GPUBuffer;
  /** Recycling: LayerNorms and prev_pos_linear [15, c_z]. */
  prevPairScale: GPUBuffer;
  prevPairOffset: GPUBuffer;
  prevMsaScale: GPUBuffer;
  prevMsaOffset: GPUBuffer;
  prevPosW: GPUBuffer;
  prevPosB: GPUBuffer;
  /** Squared lower bin edges (f32 linspace, squared in f32, as AF2). */
  dgramLower: GPUBuffer;
  /** Extra-MSA: [25, c_e] extra_msa_activations */
  extraW: GPUBuffer;
  extraB: GPUBuffer;
  ce: number;
}

export function embedderWeights(dw: DeviceWeights, path = EVOFORMER_EMBED): EmbedderWeights {
  return dw.module('embedders', () => {
    const p = dw.params;
    const left = param(p, `${path}/left_single`, 'weights');
    const right = param(p, `${path}/right_single`, 'weights');
    const [cTarget, cz] = left.shape;
    const lr = new Float32Array(cTarget * 2 * cz);
    for (let k = 0; k < cTarget; k++) {
      lr.set(left.data.subarray(k * cz, (k + 1) * cz), k * 2 * cz);
      lr.set(right.data.subarray(k * cz, (k + 1) * cz), k * 2 * cz + cz);
    }
    const lrB = new Float32Array(2 * cz);
    lrB.set(param(p, `${path}/left_single`, 'bias').data, 0);
    lrB.set(param(p, `${path}/right_single`, 'bias').data, cz);
    const rel = param(p, `${path}/pair_activiations`, 'weights');
    const msa = param(p, `${path}/preprocess_msa`, 'weights');
    const m1d = param(p, `${path}/preprocess_1d`, 'weights');
    const extra = param(p, `${path}/extra_msa_activations`, 'weights');
    const { numBins, minBin, maxBin } = RECYCLE_DGRAM;
    const lower = new Float32Array(numBins);
    for (let b = 0; b < numBins; b++) {
      const edge = Math.fround(minBin + ((maxBin - minBin) * b) / (numBins - 1));
      lower[b] = Math.fround(edge * edge);
    }
    const up = (name: string, what: string) => dw.array(`${path}/${name}//${what}`);
    return {
      cm: m1d.shape[1],
      cz,
      cTarget,
      cMsa: msa.shape[0],
      lrW: dw.upload(`${path} left_single|right_single weights`, lr),
      lrB: dw.upload(`${path} left_single|right_single bias`, lrB),
      relW: up('pair_activiations', 'weights'),
      relB: up('pair_activiations', 'bias'),
      relBins: rel.shape[0],
      m1dW: up('preprocess_1d', 'weights'),
      m1dB: up('preprocess_1d', 'bias'),
      msaW: up('preprocess_msa', 'weights'),
      msaB: up('preprocess_msa', 'bias'),
      prevPairScale: up('prev_pair_norm', 'scale'),
      prevPairOffset: up('prev_pair_norm', 'offset'),
      prevMsaScale: up('prev_msa_first_row_norm', 'scale'),
      prevMsaOffset: up('prev_msa_first_row_norm', 'offset'),
      prevPosW: up('prev_pos_linear', 'weights'),
      prevPosB: up('prev_pos_linear', 'bias'),
      dgramLower: dw.upload('recycling dgram lower edges²', lower),
      extraW: up('extra_msa_activations', 'weights'),
      extraB: up('extra_msa_activations', 'bias'),
      ce: extra.shape[1],
    };
  });
}

/**
 * Algorithm 3 + 4: z = (a_i + b_j) + relpos_ij, m = Linear(msa_feat) + Linear(target_feat).
 * `lr` is scratch [N_res, 2·c_z]. Writes z [N_res, N_res, c_z] and m [N_seq, N_res, c_m].
 */
export async function recordInputEmbedder(
  rec: Recorder,
  w: EmbedderWeights,
  sizes: { nRes: number; nSeq: number; act?: StorageType },
  bufs: {
    targetFeat: GPUBuffer;
    msaFeat: GPUBuffer;
    residueIndex: GPUBuffer;
    lr: GPUBuffer;
    m: GPUBuffer;
    z: GPUBuffer;
  },
): Promise<void> {
  const { nRes: N, nSeq: S } = sizes;
  const act = sizes.act ?? 'f32';
  // [N_res, 2·c_z] a | b  (line 1)
  await recordMatmul(
    rec,
    { M: N, K: w.cTarget, N: 2 * w.cz },
    { a: bufs.targetFeat, b: w.lrW, bias: w.lrB, c: bufs.lr },
    { bias: true },
  );
  // [N_res, N_res, c_z] z = a_i + b_j + relpos  (lines 2–3)
  await dispatchEmbedding(
    rec,
    'pair',
    { n: N * N * w.cz, nRes: N, c: w.cz, bins: w.relBins },
    { a: bufs.lr, b: w.relW, c: w.relB, idx: bufs.residueIndex, y: bufs.z },
    act,
  );
  // [N_seq, N_res, c_m] m = Linear(msa_feat)  (line 4)
  await recordMatmul(
    rec,
    { M: S * N, K: w.cMsa, N: w.cm },
    { a: bufs.msaFeat, b: w.msaW, bias: w.msaB, c: bufs.m },
    { bias: true, types: { c: act } },
  );
  // m_s += Linear(target_feat) for every row s (A broadcast over the batch)  (line 4)
  await recordMatmul(
    rec,
    { M: N, K: w.cTarget, N: w.cm, batch: S, strideA: 0, strideB: 0, strideC: N * w.cm },
    { a: bufs.targetFeat, b: w.m1dW, bias: w.m1dB, c: bufs.m },
    { bias: true, epilogue: 'residual-in-place', types: { c: act } },
  );
}

/**
 * Algorithm 32 lines 1–4 and the residual add: z += LayerNorm(z^prev) + Linear(dgram(x^prev_Cβ)),
 * in chunks of `rows` rows (the update [rows, N_res, c_z] f32 is `update`, which must hold one
 * chunk; with one chunk it holds the whole update afterwards). z and z^prev are stored as `act`.
 * Line 5 (first-row update) is `recordRecyclingMsaUpdate`.
 */
export async function recordRecyclingPairUpdate(
  rec: Recorder,
  w: EmbedderWeights,
  nRes: number,
  bufs: { prevZ: GPUBuffer; pseudoBeta: GPUBuffer; update: GPUBuffer; z: GPUBuffer },
  act: StorageType = 'f32',
  rows = nRes,
): Promise<void> {
  const N = nRes;
  const R = Math.max(1, Math.min(rows, N));
  for (let r0 = 0; r0 < N; r0 += R) {
    const n = Math.min(R, N - r0) * N;
    // [n, c_z] = LayerNorm(z^prev rows) + Linear(dgram)
    await recordLayerNorm(
      rec,
      { rows: n, C: w.cz, eps: LN_EPS, offset: r0 * N * w.cz },
      { x: bufs.prevZ, scale: w.prevPairScale, offset: w.prevPairOffset, y: bufs.update },
      layerNormConfig(w.cz, 128, act),
    );
    await dispatchEmbedding(
      rec,
      'dgram',
      { n: n * w.cz, nRes: N, c: w.cz, bins: RECYCLE_DGRAM.numBins, row0: r0 },
      { a: bufs.pseudoBeta, b: w.prevPosW, c: w.prevPosB, table: w.dgramLower, y: bufs.update },
    );
    // z rows += update
    await recordAdd(rec, n * w.cz, bufs.update, bufs.z, act, r0 * N * w.cz);
  }
}

/** Algorithm 32 line 5: update [N_res, c_m] = LayerNorm(m^prev_1). */
export async function recordRecyclingMsaUpdate(
  rec: Recorder,
  w: EmbedderWeights,
  nRes: number,
  bufs: { prevMsaFirstRow: GPUBuffer; update: GPUBuffer },
  act: StorageType = 'f32',
): Promise<void> {
  await recordLayerNorm(
    rec,
    { rows: nRes, C: w.cm, eps: LN_EPS },
    { x: bufs.prevMsaFirstRow, scale: w.prevMsaScale, offset: w.prevMsaOffset, y: bufs.update },
    layerNormConfig(w.cm, 128, act),
  );
}

/** Algorithm 2 line 13: e [N_extra, N_res, c_e] = Linear(one_hot(extra_msa) ‖ has_del ‖ del_val). */
export async function recordExtraMsaEmbedding(
  rec: Recorder,
  w: EmbedderWeights,
  rows: number,
  bufs: { extraMsa: GPUBuffer; hasDeletion: GPUBuffer; deletionValue: GPUBuffer; e: GPUBuffer },
  act: StorageType = 'f32',
): Promise<void> {
  await dispatchEmbedding(
    rec,
    'extra',
    { n: rows * w.ce, c: w.ce },
    {
      a: bufs.hasDeletion,
      b: w.extraW,
      c: w.extraB,
      idx: bufs.extraMsa,
      table: bufs.deletionValue,
      y: bufs.e,
    },
    act,
  );
}
