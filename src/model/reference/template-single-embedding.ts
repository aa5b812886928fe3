/**
 * Algorithm 2, lines 7–8 (template torsion-angle features appended to the MSA), as AF2's
 * `EmbeddingsAndEvoformer` does with `embed_torsion_angles` (parameters
 * `template_single_embedding`, `template_projection`):
 *
 *   f_ti = concat(one_hot22(template_aatype), sin/cos [7·2], alt sin/cos [7·2], torsion mask [7])
 *                                                           [N_templ, N_res, 57]
 *   a_ti = Linear(ReLU(Linear(f_ti)))                       [N_templ, N_res, c_m]   line 7
 *   m = concat_s(m, a_t)                                    [N_seq + N_templ, N_res, c_m]  line 8
 *   msa_mask = concat_s(msa_mask, torsion_mask[..., 2])     (the ψ mask: AF2's choice)
 *
 * The torsion angles come from the features (`template_torsion_angles_sin_cos`, …, computed by
 * the data pipeline as OpenFold does); AF2 computes the same values inside the model from
 * `template_all_atom_positions`, which is what happens here when those features are absent.
 */
import { atom37ToTorsionAngles } from '../features/torsion-angles.ts';
import { type Features, featureF32, featureI32 } from './features-access.ts';
import { EVOFORMER_EMBED } from './input-embedder.ts';
import { linearByKey, type Params, relu, type Tensor, tensor } from './ops.ts';

export const TEMPLATE_AATYPE_CLASSES = 22;
const NUM_TORSIONS = 7;

export interface TemplateTorsions {
  /** [N_templ, N_res, 7, 2] */
  sinCos: Tensor;
  /** [N_templ, N_res, 7, 2] */
  altSinCos: Tensor;
  /** [N_templ, N_res, 7] */
  mask: Tensor;
}

/** The template torsion features, from the feature dict or computed from atom37 positions. */
export function templateTorsions(features: Features, nTempl: number, nRes: number): TemplateTorsions {
  if ('template_torsion_angles_sin_cos' in features) {
    return {
      sinCos: featureF32(features, 'template_torsion_angles_sin_cos', [nTempl, nRes, NUM_TORSIONS, 2]),
      altSinCos: featureF32(features, 'template_alt_torsion_angles_sin_cos', [nTempl, nRes, NUM_TORSIONS, 2]),
      mask: featureF32(features, 'template_torsion_angles_mask', [nTempl, nRes, NUM_TORSIONS]),
    };
  }
  const aatype = featureI32(features, 'template_aatype', [nTempl, nRes]);
  const pos = featureF32(features, 'template_all_atom_positions', [nTempl, nRes, 37, 3]);
  const atomMask = templateAtomMask(features, nTempl, nRes);
  const out: TemplateTorsions = {
    sinCos: tensor([nTempl, nRes, NUM_TORSIONS, 2]),
    altSinCos: tensor([nTempl, nRes, NUM_TORSIONS, 2]),
    mask: tensor([nTempl, nRes, NUM_TORSIONS]),
  };
  for (let t = 0; t < nTempl; t++) {
    const a = atom37ToTorsionAngles(
      aatype.subarray(t * nRes, (t + 1) * nRes),
      pos.data.subarray(t * nRes * 111, (t + 1) * nRes * 111),
      atomMask.data.subarray(t * nRes * 37, (t + 1) * nRes * 37),
    );
    out.sinCos.data.set(a.sinCos, t * nRes * 14);
    out.altSinCos.data.set(a.altSinCos, t * nRes * 14);
    out.mask.data.set(a.mask, t * nRes * 7);
  }
  return out;
}

/** `template_all_atom_mask` (OpenFold name) or `template_all_atom_masks` (AF2 name): [N_templ, N_res, 37]. */
export function templateAtomMask(features: Features, nTempl: number, nRes: number): Tensor {
  const name = 'template_all_atom_mask' in features ? 'template_all_atom_mask' : 'template_all_atom_masks';
  return featureF32(features, name, [nTempl, nRes, 37]);
}

export interface TemplateSingleEmbedding {
  /** [N_templ, N_res, c_m] rows to append to the MSA */
  rows: Tensor;
  /** [N_templ, N_res] their MSA mask (torsion mask of ψ) */
  mask: Tensor;
}

/**
 * @param templateAatype [N_templ, N_res] AF2 order (0..20, 21 = gap)
 */
export function templateSingleEmbedding(
  templateAatype: Int32Array,
  torsions: TemplateTorsions,
  params: Params,
  path = EVOFORMER_EMBED,
): TemplateSingleEmbedding {
  const [nTempl, nRes] = torsions.mask.shape;
  const width = TEMPLATE_AATYPE_CLASSES + 4 * NUM_TORSIONS + NUM_TORSIONS; // 57
  // [N_templ, N_res, 57]
  const feat = tensor([nTempl, nRes, width]);
  for (let ti = 0; ti < nTempl * nRes; ti++) {
    const o = ti * width;
    const aa = templateAatype[ti];
    if (aa >= 0 && aa < TEMPLATE_AATYPE_CLASSES) feat.data[o + aa] = 1;
    feat.data.set(torsions.sinCos.data.subarray(ti * 14, ti * 14 + 14), o + 22);
    feat.data.set(torsions.altSinCos.data.subarray(ti * 14, ti * 14 + 14), o + 36);
    feat.data.set(torsions.mask.data.subarray(ti * 7, ti * 7 + 7), o + 50);
  }
  // line 7: [N_templ, N_res, c_m]
  const hidden = relu(linearByKey(feat, params, `${path}/template_single_embedding`));
  const rows = linearByKey(hidden, params, `${path}/template_projection`);
  // the ψ torsion mask (index 2) masks the appended rows: [N_templ, N_res]
  const mask = tensor([nTempl, nRes]);
  for (let ti = 0; ti < nTempl * nRes; ti++) mask.data[ti] = torsions.mask.data[ti * NUM_TORSIONS + 2];
  return { rows, mask };
}
