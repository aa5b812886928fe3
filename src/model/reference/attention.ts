/**
 * Gated multi-head attention, the one routine behind
 *   Algorithm 7  (MSARowAttentionWithPairBias), lines 2–10,
 *   Algorithm 8  (MSAColumnAttention), lines 2–8,
 *   Algorithm 13/14 (TriangleAttentionStartingNode/EndingNode), lines 2–9,
 *   Algorithm 17 (TemplatePointwiseAttention), lines 2–7 (ungated, q and kv of different widths).
 * AF2 `modules.Attention`:
 *   q = (q_data · query_w) · C^-1/2, k = m_data · key_w, v = m_data · value_w
 *   a_bhqk = softmax_k(q_bqh · k_bkh + 1e9 (mask_bk − 1) + pairBias_qkh)
 *   o_bqh = sigmoid(q_data · gating_w + gating_b) ⊙ Σ_k a_bhqk v_bkh          (gate only if present)
 *   out = o · output_w + output_b
 * Heads H and head widths C come from the weight shapes (query_w [c_q, H, C]).
 */
import { formatShape } from '../ndarray.ts';
import { linear, MASK_BIAS, type Params, param, sigmoid, type Tensor, tensor } from './ops.ts';

export interface AttentionWeights {
  /** [c_q, H, C] */
  queryW: Tensor;
  /** [c_kv, H, C] */
  keyW: Tensor;
  /** [c_kv, H, C_v] */
  valueW: Tensor;
  /** [H, C_v, c_out] */
  outputW: Tensor;
  /** [c_out] */
  outputB: Tensor;
  /** [c_q, H, C_v] and [H, C_v]; absent for ungated attention (template pointwise attention). */
  gatingW?: Tensor;
  gatingB?: Tensor;
}

/** The weights of an AF2 `Attention` module at `path` (e.g. `.../msa_row_attention_with_pair_bias/attention`). */
export function attentionWeights(params: Params, path: string): AttentionWeights {
  const w: AttentionWeights = {
    queryW: param(params, path, 'query_w'),
    keyW: param(params, path, 'key_w'),
    valueW: param(params, path, 'value_w'),
    outputW: param(params, path, 'output_w'),
    outputB: param(params, path, 'output_b'),
  };
  if (params[`${path}//gating_w`]) {
    w.gatingW = param(params, path, 'gating_w');
    w.gatingB = param(params, path, 'gating_b');
  }
  return w;
}

/**
 * Attention over B independent batches (rows), each with Q queries and K keys.
 * @param qData    [B, Q, c_q]
 * @param mData    [B, K, c_kv]   (the same tensor as qData for self-attention)
 * @param keyMask  [B, K] or [K] (shared by all batches), 1 = attend, 0 = masked; null = no mask
 * @param pairBias [Q, K, H] shared by all batches (the layout `z · feat_2d_weights` produces); null = none
 * @returns        [B, Q, c_out]
 */
export function gatedAttention(
  qData: Tensor,
  mData: Tensor,
  w: AttentionWeights,
  keyMask: Tensor | null,
  pairBias: Tensor | null,
): Tensor {
  const [B, Q] = qData.shape;
  const K = mData.shape[1];
  const [, H, C] = w.queryW.shape;
  const Cv = w.valueW.shape[2];
  if (mData.shape[0] !== B) {
    throw new Error(
      `attention: query batches ${formatShape(qData.shape)} vs memory ${formatShape(mData.shape)}`,
    );
  }
  if (keyMask && keyMask.data.length !== B * K && keyMask.data.length !== K) {
    throw new Error(`attention: mask ${formatShape(keyMask.shape)} is neither [${B}, ${K}] nor [${K}]`);
  }
  if (pairBias && pairBias.data.length !== Q * K * H) {
    throw new Error(`attention: pair bias ${formatShape(pairBias.shape)} is not [${Q}, ${K}, ${H}]`);
  }
  const maskStride = keyMask && keyMask.data.length === B * K ? K : 0;

  // [B, Q, H, C], scaled by C^-1/2 as AF2 does before the dot product
  const q = linear(qData, w.queryW);
  const scale = 1 / Math.sqrt(C);
  for (let i = 0; i < q.data.length; i++) q.data[i] *= scale;
  // [B, K, H, C]
  const k = linear(mData, w.keyW);
  // [B, K, H, C_v]
  const v = linear(mData, w.valueW);
  // [B, Q, H, C_v] gate values, or null
  const gate = w.gatingW ? sigmoid(linear(qData, w.gatingW, w.gatingB)) : null;

  // [B, Q, H, C_v] weighted average of values
  const o = tensor([B, Q, H, Cv]);
  const logits = new Float64Array(K);
  const acc = new Float64Array(Cv);
  const qd = q.data;
  const kd = k.data;
  const vd = v.data;
  const bias = pairBias?.data;
  const md = keyMask?.data;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let iq = 0; iq < Q; iq++) {
        const qo = ((b * Q + iq) * H + h) * C;
        // logits over keys: q·k + mask bias + pair bias
        let max = Number.NEGATIVE_INFINITY;
        for (let ik = 0; ik < K; ik++) {
          const ko = ((b * K + ik) * H + h) * C;
          let s = 0;
          for (let c = 0; c < C; c++) s += qd[qo + c] * kd[ko + c];
          if (md) s += MASK_BIAS * (md[b * maskStride + ik] - 1);
          if (bias) s += bias[(iq * K + ik) * H + h];
          logits[ik] = s;
          if (s > max) max = s;
        }
        // softmax over keys (f64)
        let sum = 0;
        for (let ik = 0; ik < K; ik++) {
          const e = Math.exp(logits[ik] - max);
          logits[ik] = e;
          sum += e;
        }
        // Σ_k a_k v_k
        acc.fill(0);
        for (let ik = 0; ik < K; ik++) {
          const a = logits[ik] / sum;
          const vo = ((b * K + ik) * H + h) * Cv;
          for (let c = 0; c < Cv; c++) acc[c] += a * vd[vo + c];
        }
        const oo = ((b * Q + iq) * H + h) * Cv;
        if (gate) for (let c = 0; c < Cv; c++) o.data[oo + c] = acc[c] * gate.data[oo + c];
        else for (let c = 0; c < Cv; c++) o.data[oo + c] = acc[c];
      }
    }
  }
  // [B, Q, c_out]
  return linear(o, w.outputW, w.outputB, 2);
}
