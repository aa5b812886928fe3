/**
 * The AF2 monomer feature dict for one recycling iteration (AF2 `input_pipeline` with the
 * `model_1_ptm` eval config, no templates): sampling → BERT masking → cluster summaries →
 * extra-MSA crop → `make_msa_feat` → fixed-size padding of the MSA dimensions.
 *
 * Keys, dtypes and shapes are those of the golden `inputs.npz` (S = clusters, E = extra):
 *   aatype [N] i32, residue_index [N] i32, seq_length [] i32, seq_mask [N] f32,
 *   target_feat [N,22], msa_feat [S,N,49], msa [S,N] i32, deletion_matrix [S,N],
 *   msa_mask [S,N], msa_row_mask [S], cluster_profile [S,N,23], cluster_deletion_mean [S,N],
 *   extra_msa [E,N] i32, extra_deletion_matrix, extra_has_deletion, extra_deletion_value,
 *   extra_msa_mask [E,N], extra_msa_row_mask [E], extra_cluster_assignment [E_all] i32 (all
 *   non-centre rows, before the crop, unpadded — as AF2), atom14/atom37 maps and masks,
 *   raw_msa_hhblits_order [N_seq,N] i32, raw_deletion_matrix_int [N_seq,N] i32.
 * S and E are exact output sizes: missing rows are zero-padded with mask 0 (AF2
 * `make_fixed_size`). Supplement 1.2.9 and Table 1 list these inputs.
 */
import { float32, int32, type NdArray } from '../ndarray.ts';
import { makeAtom14Masks } from './atom-masks.ts';
import { FeatureInputError } from './errors.ts';
import { summarizeClusters } from './msa-clusters.ts';
import { type MsaSampling, sampleMsa } from './msa-sampling.ts';
import { Prng } from './prng.ts';
import type { RawFeatures } from './raw-features.ts';

export type FeatureDict = Record<string, NdArray>;

export interface FeatureOptions {
  /** Cluster-centre rows S (output size; padded). */
  clusters: number;
  /** Extra-MSA rows E (output size; padded). */
  extra: number;
  /** 'af2' (random, default) or 'none' (deterministic, golden). */
  msaSampling?: MsaSampling;
  /** Base seed for 'af2' sampling. */
  seed?: number;
  /** Recycling iteration: each gets its own sample (AF2 `resample_msa_in_recycling`). */
  iteration?: number;
}

/** AF2's deletion transform: 2/π · atan(d/3). */
export function deletionValue(d: number): number {
  return (2 / Math.PI) * Math.atan(d / 3);
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new FeatureInputError(`${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

export function buildFeatures(raw: RawFeatures, opts: FeatureOptions): FeatureDict {
  const { clusters: S, extra: E } = opts;
  checkCount('clusters', S, 1);
  checkCount('extra', E, 0);
  const sampling = opts.msaSampling ?? 'af2';
  const seed = opts.seed ?? 0;
  const prng = new Prng(Prng.derive(seed, opts.iteration ?? 0));
  const N = raw.numRes;

  const sample = sampleMsa(raw, S, E, sampling, prng);
  const sSel = sample.clusterRows.length;
  const eAll = sample.extraRows.length;

  // Cluster deletions [sSel, N], extra tokens and deletions [eAll, N] (before the crop).
  const del = new Int32Array(sSel * N);
  sample.clusterRows.forEach((r, s) => {
    del.set(raw.deletionMatrix.subarray(r * N, (r + 1) * N), s * N);
  });
  const extraAll = new Int32Array(eAll * N);
  const extraDelAll = new Int32Array(eAll * N);
  sample.extraRows.forEach((r, e) => {
    extraAll.set(raw.msa.subarray(r * N, (r + 1) * N), e * N);
    extraDelAll.set(raw.deletionMatrix.subarray(r * N, (r + 1) * N), e * N);
  });
  const clus = summarizeClusters(sample.msa, del, extraAll, extraDelAll, N);

  const f: FeatureDict = {};
  f.aatype = int32([N], raw.aatype.slice());
  f.residue_index = int32([N], raw.residueIndex.slice());
  f.seq_length = int32([], Int32Array.of(N));
  f.seq_mask = float32([N], new Float32Array(N).fill(1));

  // target_feat [N, 22] = (between_segment_residues = 0, onehot21(aatype))
  const tf = float32([N, 22]);
  for (let i = 0; i < N; i++) tf.data[i * 22 + 1 + raw.aatype[i]] = 1;
  f.target_feat = tf;

  // Cluster MSA, padded to S rows.
  const msa = int32([S, N]);
  const delM = float32([S, N]);
  const msaMask = float32([S, N]);
  const rowMask = float32([S]);
  const prof = float32([S, N, 23]);
  const delMean = float32([S, N]);
  const msaFeat = float32([S, N, 49]); // [S, N_res, 23 onehot | has_del | del_value | profile 23 | del_mean]
  for (let s = 0; s < sSel; s++) {
    rowMask.data[s] = 1;
    for (let i = 0; i < N; i++) {
      const sj = s * N + i;
      const tok = sample.msa[sj];
      const d = del[sj];
      msa.data[sj] = tok;
      delM.data[sj] = d;
      msaMask.data[sj] = 1;
      delMean.data[sj] = clus.deletionMean[sj];
      const o = sj * 49;
      msaFeat.data[o + tok] = 1;
      msaFeat.data[o + 23] = Math.min(Math.max(d, 0), 1);
      msaFeat.data[o + 24] = deletionValue(d);
      for (let k = 0; k < 23; k++) {
        prof.data[sj * 23 + k] = clus.profile[sj * 23 + k];
        msaFeat.data[o + 25 + k] = clus.profile[sj * 23 + k];
      }
      msaFeat.data[o + 48] = deletionValue(Math.fround(clus.deletionMean[sj]));
    }
  }
  Object.assign(f, {
    msa,
    deletion_matrix: delM,
    msa_mask: msaMask,
    msa_row_mask: rowMask,
    cluster_profile: prof,
    cluster_deletion_mean: delMean,
    msa_feat: msaFeat,
  });

  // Extra MSA, cropped then padded to E rows.
  const eMsa = int32([E, N]);
  const eDel = float32([E, N]);
  const eHas = float32([E, N]);
  const eVal = float32([E, N]);
  const eMask = float32([E, N]);
  const eRow = float32([E]);
  sample.extraKept.forEach((p, e) => {
    eRow.data[e] = 1;
    for (let i = 0; i < N; i++) {
      const d = extraDelAll[p * N + i];
      eMsa.data[e * N + i] = extraAll[p * N + i];
      eDel.data[e * N + i] = d;
      eHas.data[e * N + i] = Math.min(Math.max(d, 0), 1);
      eVal.data[e * N + i] = deletionValue(d);
      eMask.data[e * N + i] = 1;
    }
  });
  Object.assign(f, {
    extra_msa: eMsa,
    extra_deletion_matrix: eDel,
    extra_has_deletion: eHas,
    extra_deletion_value: eVal,
    extra_msa_mask: eMask,
    extra_msa_row_mask: eRow,
    extra_cluster_assignment: int32([eAll], clus.assignment),
  });

  Object.assign(f, makeAtom14Masks(raw.aatype));
  f.raw_msa_hhblits_order = int32([raw.numSeq, N], raw.msaHhblits.slice());
  f.raw_deletion_matrix_int = int32([raw.numSeq, N], raw.deletionMatrix.slice());
  return f;
}

/** One feature dict per recycling iteration, each with a fresh MSA sample (AF2 inference). */
export function buildFeaturesPerIteration(
  raw: RawFeatures,
  opts: FeatureOptions,
  numIterations: number,
): FeatureDict[] {
  checkCount('numIterations', numIterations, 1);
  return Array.from({ length: numIterations }, (_, r) => buildFeatures(raw, { ...opts, iteration: r }));
}
