/**
 * Algorithm 19, lines 1–9: MSAColumnGlobalAttention (AF2 `MSAColumnGlobalAttention` +
 * `GlobalAttention`), used by the extra-MSA stack instead of Algorithm 8.
 * Per residue column i, one query per head from the masked mean over sequences, one shared
 * key/value head:
 *   q_ih = (mean_s m_si) · query_w · C^-1/2     (masked mean over sequences)
 *   k_si = m_si · key_w,  v_si = m_si · value_w  (key_w, value_w are [c_e, C]: no head axis)
 *   a_ish = softmax_s(q_ih · k_si + 1e9 (mask_si − 1)),  o_ih = Σ_s a_ish v_si
 *   out_si = (sigmoid(m_si · gating_w + gating_b)_h ⊙ o_ih) · output_w + output_b
 * Returns the residual update.
 *
 * DISCREPANCY: the masked-mean epsilon is AF2's 1e-10 (`utils.mask_mean`); OpenFold, which
 * generated the golden vectors, uses 1e-8. Every column has at least one unmasked sequence, so
 * the difference is below 1e-8 relative; `eps` can be set to reproduce either.
 */
import { EXTRA_MSA_STACK } from './af2-paths.ts';
import {
  asF32,
  layerNormByKey,
  linear,
  MASK_BIAS,
  type Params,
  param,
  sigmoid,
  swapLeadingAxes,
  type Tensor,
  tensor,
} from './ops.ts';

export const MSA_COLUMN_GLOBAL_ATTENTION = `${EXTRA_MSA_STACK}/msa_column_global_attention`;
export const GLOBAL_ATTENTION_MEAN_EPS = 1e-10;

/**
 * @param m       [N_seq, N_res, c_e]  (extra MSA)
 * @param msaMask [N_seq, N_res]
 * @returns       [N_seq, N_res, c_e] update
 */
export function msaColumnGlobalAttention(
  m: Tensor,
  msaMask: Tensor,
  params: Params,
  path = MSA_COLUMN_GLOBAL_ATTENTION,
  eps = GLOBAL_ATTENTION_MEAN_EPS,
): Tensor {
  const attn = `${path}/attention`;
  const queryW = param(params, attn, 'query_w'); // [c_e, H, C]
  const keyW = param(params, attn, 'key_w'); // [c_e, C]
  const valueW = param(params, attn, 'value_w'); // [c_e, C_v]
  const outputW = param(params, attn, 'output_w'); // [H, C_v, c_out]
  const outputB = param(params, attn, 'output_b'); // [c_out]
  const gated = params[`${attn}//gating_w`] !== undefined;
  const [, H, C] = queryW.shape;
  const Cv = valueW.shape[1];

  // [N_res, N_seq, c_e] and [N_res, N_seq]: columns become the batch
  const mT = swapLeadingAxes(m);
  const maskT = swapLeadingAxes(asF32(msaMask)).data;
  const [nRes, nSeq, c] = mT.shape;
  // [N_res, N_seq, c_e]  (line 1)
  const x = layerNormByKey(mT, params, `${path}/query_norm`);

  // [N_res, c_e] masked mean over sequences  (line 2)
  const qAvg = tensor([nRes, c]);
  for (let i = 0; i < nRes; i++) {
    let count = 0;
    for (let s = 0; s < nSeq; s++) count += maskT[i * nSeq + s];
    for (let a = 0; a < c; a++) {
      let sum = 0;
      for (let s = 0; s < nSeq; s++) sum += maskT[i * nSeq + s] * x.data[(i * nSeq + s) * c + a];
      qAvg.data[i * c + a] = sum / (count + eps);
    }
  }
  // [N_res, H, C]  (line 3)
  const q = linear(qAvg, queryW);
  const scale = 1 / Math.sqrt(C);
  for (let i = 0; i < q.data.length; i++) q.data[i] *= scale;
  // [N_res, N_seq, C] and [N_res, N_seq, C_v]  (line 4)
  const k = linear(x, keyW);
  const v = linear(x, valueW);

  // [N_res, H, C_v] weighted average  (lines 5–6)
  const o = tensor([nRes, H, Cv]);
  const logits = new Float64Array(nSeq);
  for (let i = 0; i < nRes; i++) {
    for (let h = 0; h < H; h++) {
      const qo = (i * H + h) * C;
      let max = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < nSeq; s++) {
        const ko = (i * nSeq + s) * C;
        let dot = 0;
        for (let cc = 0; cc < C; cc++) dot += q.data[qo + cc] * k.data[ko + cc];
        dot += MASK_BIAS * (maskT[i * nSeq + s] - 1);
        logits[s] = dot;
        if (dot > max) max = dot;
      }
      let sum = 0;
      for (let s = 0; s < nSeq; s++) {
        logits[s] = Math.exp(logits[s] - max);
        sum += logits[s];
      }
      const oo = (i * H + h) * Cv;
      for (let cc = 0; cc < Cv; cc++) {
        let acc = 0;
        for (let s = 0; s < nSeq; s++) acc += logits[s] * v.data[(i * nSeq + s) * Cv + cc];
        o.data[oo + cc] = acc / sum;
      }
    }
  }

  let out: Tensor;
  if (gated) {
    // [N_res, N_seq, H, C_v] gate per sequence, times the column's shared o_ih  (line 7)
    const g = sigmoid(linear(x, param(params, attn, 'gating_w'), param(params, attn, 'gating_b')));
    const hc = H * Cv;
    for (let i = 0; i < nRes; i++) {
      for (let s = 0; s < nSeq; s++) {
        const go = (i * nSeq + s) * hc;
        for (let t = 0; t < hc; t++) g.data[go + t] *= o.data[i * hc + t];
      }
    }
    // [N_res, N_seq, c_e]  (line 8)
    out = linear(g, outputW, outputB, 2);
  } else {
    // [N_res, c_e], the same for every sequence of the column
    const col = linear(o, outputW, outputB, 2);
    const cOut = col.shape[1];
    out = tensor([nRes, nSeq, cOut]);
    for (let i = 0; i < nRes; i++) {
      for (let s = 0; s < nSeq; s++)
        out.data.set(col.data.subarray(i * cOut, (i + 1) * cOut), (i * nSeq + s) * cOut);
    }
  }
  // [N_seq, N_res, c_e]
  return swapLeadingAxes(out);
}
