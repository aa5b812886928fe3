/**
 * Algorithm 11, lines 1–4 (TriangleMultiplicationOutgoing) and Algorithm 12, lines 1–4
 * (TriangleMultiplicationIncoming), one implementation (AF2 `TriangleMultiplication`):
 *   z ← LayerNorm(z)
 *   left_ij  = mask_ij · sigmoid(Linear(z_ij)) ⊙ Linear(z_ij)      (left_gate, left_projection)
 *   right_ij = mask_ij · sigmoid(Linear(z_ij)) ⊙ Linear(z_ij)      (right_gate, right_projection)
 *   outgoing: t_ij = Σ_k left_ik ⊙ right_jk          (einsum 'ikc,jkc->ijc')
 *   incoming: t_ij = Σ_k left_kj ⊙ right_ki          (einsum 'kjc,kic->ijc')
 *   update_ij = sigmoid(Linear(z_ij)) ⊙ Linear(LayerNorm(t_ij))     (gating_linear, output_projection)
 * DISCREPANCY (AF2's, kept): for incoming edges the supplement's a/b are AF2's right/left
 * projections. Here both orientations reduce to t_ij = Σ_k p_ik ⊙ q_jk with
 * (p, q) = (left, right) outgoing and (rightᵀ, leftᵀ) incoming.
 * Returns the residual update.
 */
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import {
  asF32,
  layerNormByKey,
  linearByKey,
  type Params,
  sigmoid,
  swapLeadingAxes,
  type Tensor,
  tensor,
} from './ops.ts';

export type TriangleMultiplicationOrientation = 'outgoing' | 'incoming';

export function triangleMultiplicationPath(orientation: TriangleMultiplicationOrientation): string {
  return `${EVOFORMER_ITERATION}/triangle_multiplication_${orientation}`;
}

/**
 * @param z        [N_res, N_res, c_z]
 * @param pairMask [N_res, N_res]
 * @returns        [N_res, N_res, c_z] update
 */
export function triangleMultiplication(
  z: Tensor,
  pairMask: Tensor,
  params: Params,
  orientation: TriangleMultiplicationOrientation,
  path = triangleMultiplicationPath(orientation),
): Tensor {
  const mask = asF32(pairMask).data;
  const n = z.shape[0];
  // [N_res, N_res, c_z]  (line 1)
  const x = layerNormByKey(z, params, `${path}/layer_norm_input`);
  // [N_res, N_res, c] masked, gated projections  (line 2)
  const project = (side: 'left' | 'right'): Tensor => {
    const p = linearByKey(x, params, `${path}/${side}_projection`);
    const g = sigmoid(linearByKey(x, params, `${path}/${side}_gate`));
    const c = p.shape[2];
    for (let ij = 0; ij < n * n; ij++) {
      for (let k = 0; k < c; k++) p.data[ij * c + k] *= mask[ij] * g.data[ij * c + k];
    }
    return p;
  };
  const left = project('left');
  const right = project('right');
  // [N_res, N_res, c] p and q with t_ij = Σ_k p_ik ⊙ q_jk
  const [p, q] = orientation === 'outgoing' ? [left, right] : [swapLeadingAxes(right), swapLeadingAxes(left)];
  const c = p.shape[2];

  // [c, N_res, N_res] channel-major copies, so each dot product over k is contiguous
  const pc = new Float32Array(c * n * n);
  const qc = new Float32Array(c * n * n);
  for (let ik = 0; ik < n * n; ik++) {
    for (let ch = 0; ch < c; ch++) {
      pc[ch * n * n + ik] = p.data[ik * c + ch];
      qc[ch * n * n + ik] = q.data[ik * c + ch];
    }
  }
  // [N_res, N_res, c]  (line 3, the triangle sum)
  const t = tensor([n, n, c]);
  for (let ch = 0; ch < c; ch++) {
    const base = ch * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        const po = base + i * n;
        const qo = base + j * n;
        for (let k = 0; k < n; k++) s += pc[po + k] * qc[qo + k];
        t.data[(i * n + j) * c + ch] = s;
      }
    }
  }
  // [N_res, N_res, c_z]  (line 4)
  const out = linearByKey(
    layerNormByKey(t, params, `${path}/center_layer_norm`),
    params,
    `${path}/output_projection`,
  );
  const gate = sigmoid(linearByKey(x, params, `${path}/gating_linear`));
  for (let i = 0; i < out.data.length; i++) out.data[i] *= gate.data[i];
  return out;
}
