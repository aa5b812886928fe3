/**
 * Algorithm 17, lines 1–7: TemplatePointwiseAttention (the `attention` of AF2 `TemplateEmbedding`).
 * Each pair position (i, j) attends over the N_templ template pair representations:
 *   query = z_ij (c_z, no LayerNorm), keys/values = t_sij (c_t), ungated,
 *   keys masked by 1e9 (template_mask_s − 1); the result is multiplied by (Σ_s template_mask_s > 0).
 * DISCREPANCY: OpenFold uses a 1e5 mask bias here (AF2 1e9); the same whenever a template is
 * unmasked.
 * Returns the residual update to z.
 */
import { TEMPLATE_POINTWISE_ATTENTION } from './af2-paths.ts';
import { attentionWeights, gatedAttention } from './attention.ts';
import { asF32, type Params, type Tensor, tensor } from './ops.ts';

/**
 * @param t            [N_templ, N_res, N_res, c_t]  template pair representations
 * @param z            [N_res, N_res, c_z]
 * @param templateMask [N_templ]
 * @returns            [N_res, N_res, c_z] update
 */
export function templatePointwiseAttention(
  t: Tensor,
  z: Tensor,
  templateMask: Tensor,
  params: Params,
  path = TEMPLATE_POINTWISE_ATTENTION,
): Tensor {
  const [nTempl, nRes, nRes2, ct] = t.shape;
  const cz = z.shape[2];
  const pairs = nRes * nRes2;
  // [N_res·N_res, 1, c_z] one query per pair
  const q = tensor([pairs, 1, cz], z.data);
  // [N_res·N_res, N_templ, c_t] templates as the keys of each pair
  const kv = tensor([pairs, nTempl, ct]);
  for (let s = 0; s < nTempl; s++) {
    for (let ij = 0; ij < pairs; ij++) {
      kv.data.set(t.data.subarray((s * pairs + ij) * ct, (s * pairs + ij + 1) * ct), (ij * nTempl + s) * ct);
    }
  }
  const mask = asF32(templateMask);
  // [N_res·N_res, 1, c_z]  (lines 2–6)
  const out = gatedAttention(q, kv, attentionWeights(params, path), mask, null);
  // (Σ_s mask_s > 0): no templates -> no update  (line 7 / AF2)
  let count = 0;
  for (let s = 0; s < nTempl; s++) count += mask.data[s];
  if (!(count > 0)) out.data.fill(0);
  // [N_res, N_res, c_z]
  return tensor([nRes, nRes2, out.shape[2]], out.data);
}
