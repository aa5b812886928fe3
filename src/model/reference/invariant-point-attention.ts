/**
 * Algorithm 22 "Invariant point attention (IPA)", lines 1–11 (AF2 `folding.InvariantPointAttention`).
 *
 *   s [N_res, c_s] single, z [N_res, N_res, c_z] pair (already pair_layer_norm'ed), T_i backbone
 *   frames in the fold iteration's internal units (Å / position_scale), mask [N_res].
 *   Returns the update added to s, [N_res, c_s].
 *
 * Sizes come from the parameter shapes: H = |trainable_point_weights|,
 * C = q_scalar out / H, C_v = kv_scalar out / H − C, P_q = q_point_local out / (3H),
 * P_v = kv_point_local out / (3H) − P_q.
 *
 * AF2 layouts (shared/golden/README.md): q_point_local's output is x | y | z thirds, each
 * [H, P_q] head-major; kv_point_local likewise with [H, P_q + P_v] (keys first); kv_scalar is
 * [H, C + C_v] (keys first); output_projection's input is
 * concat(scalar [H·C_v], x, y, z [H·P_v each], |o| [H·P_v], pair [H·c_z]).
 *
 * DISCREPANCY (all following AF2's code, which the weights were trained with): the projections
 * have biases (the supplement writes LinearNoBias); masked pairs get −1e5·(1 − m_i m_j) (the
 * supplement has no mask; elsewhere masks use −1e9); |o| is sqrt(1e-8 + |o|²).
 */
import type { Rigids } from '../geometry/rigid.ts';
import { applyAt, invertApplyAt } from '../geometry/rigid.ts';
import { linearByKey, type Params, param, softmaxRowsInPlace, type Tensor, tensor } from './ops.ts';
import { INVARIANT_POINT_ATTENTION } from './structure-paths.ts';

/** AF2 IPA mask bias magnitude. */
export const IPA_MASK_BIAS = 1e5;
/** Epsilon under the square root of the output-point norm. */
const DIST_EPSILON = 1e-8;

export interface IpaDims {
  H: number;
  C: number;
  Cv: number;
  Pq: number;
  Pv: number;
}

/** IPA sizes read from the parameter shapes (nothing assumed). */
export function ipaDims(params: Params, path = INVARIANT_POINT_ATTENTION): IpaDims {
  const H = param(params, path, 'trainable_point_weights').shape[0];
  const out = (name: string) => param(params, `${path}/${name}`, 'weights').shape[1];
  const divide = (v: number, by: number, what: string) => {
    if (v % by !== 0) throw new Error(`IPA: ${what} width ${v} is not a multiple of ${by}`);
    return v / by;
  };
  const C = divide(out('q_scalar'), H, 'q_scalar');
  const Cv = divide(out('kv_scalar'), H, 'kv_scalar') - C;
  const Pq = divide(out('q_point_local'), 3 * H, 'q_point_local');
  const Pv = divide(out('kv_point_local'), 3 * H, 'kv_point_local') - Pq;
  return { H, C, Cv, Pq, Pv };
}

const softplus = (x: number) => (x > 20 ? x : Math.log1p(Math.exp(x)));

/**
 * Points of a [N, 3·H·P] projection (x | y | z thirds, each [H, P]) moved to the global frame:
 * returns [N, H, count, 3] (last axis xyz), points first..first+count of every head's `perHead`.
 */
function globalPoints(
  local: Tensor,
  frames: Rigids,
  H: number,
  perHead: number,
  first: number,
  count: number,
): Float64Array {
  const n = local.shape[0];
  const third = H * perHead;
  const out = new Float64Array(n * H * count * 3);
  const p = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const row = i * 3 * third;
    for (let h = 0; h < H; h++) {
      for (let k = 0; k < count; k++) {
        const at = row + h * perHead + first + k;
        p[0] = local.data[at];
        p[1] = local.data[at + third];
        p[2] = local.data[at + 2 * third];
        applyAt(frames, i, p, 0, out, ((i * H + h) * count + k) * 3);
      }
    }
  }
  return out;
}

/**
 * Line 4's pair bias b_ij^h = Linear(z_ij) [N_res, N_res, H]. It depends only on z and the
 * shared weights, so the structure module computes it once for all its layers (the values are
 * those AF2 recomputes in every layer).
 */
export function ipaPairBias(z: Tensor, params: Params, path = INVARIANT_POINT_ATTENTION): Tensor {
  return linearByKey(z, params, `${path}/attention_2d`);
}

export function invariantPointAttention(
  s: Tensor,
  z: Tensor,
  mask: Tensor | null,
  frames: Rigids,
  params: Params,
  path = INVARIANT_POINT_ATTENTION,
  pairBias?: Tensor,
): Tensor {
  const [n, cS] = s.shape;
  const cZ = z.shape[2];
  if (z.shape[0] !== n || z.shape[1] !== n) throw new Error(`IPA: pair [${z.shape}] vs single [${s.shape}]`);
  if (frames.count !== n) throw new Error(`IPA: ${frames.count} frames for ${n} residues`);
  if (mask && mask.data.length !== n) throw new Error(`IPA: mask [${mask.shape}] for ${n} residues`);
  const { H, C, Cv, Pq, Pv } = ipaDims(params, path);

  // line 1: scalar queries, keys, values   q [N_res, H, C], kv [N_res, H, C + C_v]
  const q = linearByKey(s, params, `${path}/q_scalar`);
  const kv = linearByKey(s, params, `${path}/kv_scalar`);
  // lines 2–3: query, key and value points, moved to the global frame: T_i ∘ point
  const qPoints = globalPoints(linearByKey(s, params, `${path}/q_point_local`), frames, H, Pq, 0, Pq); // [N_res, H, P_q, 3]
  const kvLocal = linearByKey(s, params, `${path}/kv_point_local`); // [N_res, 3·H·(P_q+P_v)]
  const kPoints = globalPoints(kvLocal, frames, H, Pq + Pv, 0, Pq); // [N_res, H, P_q, 3]
  const vPoints = globalPoints(kvLocal, frames, H, Pq + Pv, Pq, Pv); // [N_res, H, P_v, 3]
  // line 4: pair bias b [N_res, N_res, H]
  const b = pairBias ?? ipaPairBias(z, params, path);
  if (b.data.length !== n * n * H) throw new Error(`IPA: pair bias [${b.shape}], want [${n}, ${n}, ${H}]`);

  // lines 5–7: a_ij^h = softmax_j(w_L (q·k/√C + b − γ^h w_C/2 Σ_p |q_p − k_p|²)) with
  // w_L = sqrt(1/3), w_C = sqrt(2 / (9 P_q)), γ^h = softplus(trainable_point_weights);
  // AF2 folds w_L into each term: scalar sqrt(1/(3C)), point sqrt(1/(3 · 9P_q/2)) · γ^h, pair sqrt(1/3)
  const wL = Math.sqrt(1 / 3);
  const scalarW = Math.sqrt(1 / (3 * C));
  const tpw = param(params, path, 'trainable_point_weights').data;
  const pointW = Array.from({ length: H }, (_, h) => Math.sqrt(1 / (3 * ((Pq * 9) / 2))) * softplus(tpw[h]));
  const attn = new Float64Array(H * n * n); // [H, N_res(i), N_res(j)], softmax over j
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < n; i++) {
      const row = (h * n + i) * n;
      const mi = mask ? mask.data[i] : 1;
      for (let j = 0; j < n; j++) {
        let qk = 0;
        for (let c = 0; c < C; c++) qk += q.data[(i * H + h) * C + c] * kv.data[(j * H + h) * (C + Cv) + c];
        let d2 = 0;
        for (let p = 0; p < Pq; p++) {
          const qo = ((i * H + h) * Pq + p) * 3;
          const ko = ((j * H + h) * Pq + p) * 3;
          for (let x = 0; x < 3; x++) {
            const d = qPoints[qo + x] - kPoints[ko + x];
            d2 += d * d;
          }
        }
        const mj = mask ? mask.data[j] : 1;
        attn[row + j] =
          scalarW * qk +
          wL * b.data[(i * n + j) * H + h] -
          0.5 * pointW[h] * d2 -
          IPA_MASK_BIAS * (1 - mi * mj);
      }
    }
  }
  softmaxRowsInPlace(attn, n);

  // lines 8–10: attend to pair, scalar values and value points; points back to the local frame
  const widths = [H * Cv, H * Pv, H * Pv, H * Pv, H * Pv, H * cZ];
  const cOut = widths.reduce((a, w) => a + w, 0);
  const features = tensor([n, cOut]); // [N_res, H·C_v + 4·H·P_v + H·c_z]
  const f = features.data;
  const oGlobal = new Float64Array(3);
  const oLocal = new Float64Array(3);
  const pairAcc = new Float64Array(cZ);
  const scalarAcc = new Float64Array(Cv);
  for (let i = 0; i < n; i++) {
    const base = i * cOut;
    for (let h = 0; h < H; h++) {
      const row = (h * n + i) * n;
      // scalar: o_i^h = Σ_j a_ij^h v_j^h   (j outer so both reads are contiguous)
      scalarAcc.fill(0);
      for (let j = 0; j < n; j++) {
        const a = attn[row + j];
        const vo = (j * H + h) * (C + Cv) + C;
        for (let c = 0; c < Cv; c++) scalarAcc[c] += a * kv.data[vo + c];
      }
      f.set(scalarAcc, base + h * Cv);
      // points: T_i⁻¹ ∘ Σ_j a_ij^h (T_j ∘ v_j^hp), and their norms
      for (let p = 0; p < Pv; p++) {
        oGlobal.fill(0);
        for (let j = 0; j < n; j++) {
          const a = attn[row + j];
          const vo = ((j * H + h) * Pv + p) * 3;
          oGlobal[0] += a * vPoints[vo];
          oGlobal[1] += a * vPoints[vo + 1];
          oGlobal[2] += a * vPoints[vo + 2];
        }
        invertApplyAt(frames, i, oGlobal, 0, oLocal, 0);
        const at = h * Pv + p;
        f[base + widths[0] + at] = oLocal[0];
        f[base + widths[0] + H * Pv + at] = oLocal[1];
        f[base + widths[0] + 2 * H * Pv + at] = oLocal[2];
        f[base + widths[0] + 3 * H * Pv + at] = Math.sqrt(
          DIST_EPSILON + oLocal[0] * oLocal[0] + oLocal[1] * oLocal[1] + oLocal[2] * oLocal[2],
        );
      }
      // pair: õ_i^h = Σ_j a_ij^h z_ij
      pairAcc.fill(0);
      for (let j = 0; j < n; j++) {
        const a = attn[row + j];
        const zo = (i * n + j) * cZ;
        for (let c = 0; c < cZ; c++) pairAcc[c] += a * z.data[zo + c];
      }
      f.set(pairAcc, base + widths[0] + 4 * H * Pv + h * cZ);
    }
  }
  // line 11: output projection → [N_res, c_s]
  const out = linearByKey(features, params, `${path}/output_projection`);
  if (out.shape[1] !== cS)
    throw new Error(`IPA: output_projection gives ${out.shape[1]} channels, single has ${cS}`);
  return out;
}
