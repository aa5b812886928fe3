/**
 * Algorithm 10, lines 1–5: OuterProductMean (AF2 `OuterProductMean`).
 *   m ← LayerNorm(m);  a_si = mask_si · Linear(m_si),  b_sj = mask_sj · Linear(m_sj)   (C channels)
 *   o_ij = (flatten(Σ_s a_si ⊗ b_sj) · output_w + output_b) / (1e-3 + Σ_s mask_si mask_sj)
 * AF2 divides by the mask count after the bias (not the mean before the projection, as the
 * supplement writes it); output_w is [C, C, c_z] with the left (a) channel first.
 * Returns the residual update to z.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import {
  asF32,
  layerNormByKey,
  linear,
  linearByKey,
  type Params,
  param,
  type Tensor,
  tensor,
} from './ops.ts';

export const OUTER_PRODUCT_MEAN = `${EVOFORMER_ITERATION}/outer_product_mean`;
export const OUTER_PRODUCT_MEAN_EPS = 1e-3;

/**
 * @param m       [N_seq, N_res, c_m]
 * @param msaMask [N_seq, N_res]
 * @returns       [N_res, N_res, c_z] update
 */
export function outerProductMean(
  m: Tensor,
  msaMask: Tensor,
  params: Params,
  path = OUTER_PRODUCT_MEAN,
): Tensor {
  const mask = asF32(msaMask).data;
  const w = param(params, path, 'output_w'); // [C, C, c_z]
  const bias = param(params, path, 'output_b'); // [c_z]
  const [nSeq, nRes] = m.shape;
  const [C, C2, cz] = w.shape;
  // [N_seq, N_res, c_m]  (line 1)
  const mNorm = layerNormByKey(m, params, `${path}/layer_norm_input`);
  // [N_seq, N_res, C] each  (line 2)
  const a = linearByKey(mNorm, params, `${path}/left_projection`);
  const b = linearByKey(mNorm, params, `${path}/right_projection`);
  for (let si = 0; si < nSeq * nRes; si++) {
    for (let c = 0; c < C; c++) a.data[si * C + c] *= mask[si];
    for (let e = 0; e < C2; e++) b.data[si * C2 + e] *= mask[si];
  }
  // [N_res, C, N_seq] left and right, so each sum over s runs contiguously
  const aT = new Float32Array(nRes * C * nSeq);
  const bT = new Float32Array(nRes * C2 * nSeq);
  for (let s = 0; s < nSeq; s++) {
    for (let i = 0; i < nRes; i++) {
      for (let c = 0; c < C; c++) aT[(i * C + c) * nSeq + s] = a.data[(s * nRes + i) * C + c];
      for (let e = 0; e < C2; e++) bT[(i * C2 + e) * nSeq + s] = b.data[(s * nRes + i) * C2 + e];
    }
  }

  // [C·C, c_z] output weights with the (c, e) pair flattened, left channel first
  const wFlat = tensor([C * C2, cz], w.data);
  // [N_res, N_res, c_z], one row i at a time so the outer products take N_res·C·C floats
  const out = tensor([nRes, nRes, cz]);
  const outer = tensor([nRes, C * C2]); // [N_res (j), C·C] for the current i
  for (let i = 0; i < nRes; i++) {
    // [N_res, C, C] outer_ij = Σ_s a_si ⊗ b_sj  (line 3)
    outer.data.fill(0);
    for (let j = 0; j < nRes; j++) {
      const oj = j * C * C2;
      for (let c = 0; c < C; c++) {
        const ao = (i * C + c) * nSeq;
        const oo = oj + c * C2;
        for (let e = 0; e < C2; e++) {
          let sum = 0;
          for (let s = 0; s < nSeq; s++) sum += aT[ao + s] * bT[(j * C2 + e) * nSeq + s];
          outer.data[oo + e] = sum;
        }
      }
    }
    // [N_res, c_z] = outer_i · output_w + output_b  (line 4)
    const row = linear(outer, wFlat, bias);
    // ÷ (eps + Σ_s mask_si mask_sj)  (line 3, the mean)
    for (let j = 0; j < nRes; j++) {
      let norm = 0;
      for (let s = 0; s < nSeq; s++) norm += mask[s * nRes + i] * mask[s * nRes + j];
      const inv = 1 / (OUTER_PRODUCT_MEAN_EPS + norm);
      const oo = (i * nRes + j) * cz;
      for (let f = 0; f < cz; f++) out.data[oo + f] = row.data[j * cz + f] * inv;
    }
  }
  return out;
}
