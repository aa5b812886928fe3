/**
 * Algorithm 2, lines 9–12 (template pair features → TemplatePairStack → TemplatePointwiseAttention),
 * AF2 `TemplateEmbedding` / `SingleTemplateEmbedding` (supplement 1.7.1, Table 1):
 *
 *   per template t:
 *     f_tij = concat( dgram39(x^pβ_i, x^pβ_j)                  [39]   3.25–50.75 Å, AF2 binning
 *                     pβmask_i · pβmask_j                       [1]
 *                     one_hot22(aatype_j)                       [22]   (tiled along i)
 *                     one_hot22(aatype_i)                       [22]   (tiled along j)
 *                     unit vector of x_j in frame i             [3]    zeros unless use_unit_vector
 *                     bbmask_i · bbmask_j )                     [1]    (N, CA, C all present)
 *             · (bbmask_i · bbmask_j)                                  [N_res, N_res, 88]
 *     t_tij = Linear(f_tij)                                   [N_res, N_res, c_t]  line 9 (`embedding2d`)
 *     t_t = TemplatePairStack(t_t)  (Algorithm 16 blocks, query pair mask)          line 10
 *     t_t = LayerNorm(t_t)                                    (`output_layer_norm`)
 *   update = TemplatePointwiseAttention(t, z) · (Σ template_mask > 0)   [N_res, N_res, c_z]  lines 11–12
 *
 * model_1..5 run with `use_template_unit_vector = False` (the 3 channels are zeros but still
 * exist in the weights); `useUnitVector` switches the AF2 computation on (frame from N, CA, C by
 * Gram–Schmidt as `make_transform_from_reference`: CA at the origin, C on the x axis, N in the xy
 * plane; v = R_iᵀ (CA_j − CA_i) / sqrt(1e-6 + |·|²)).
 */
import { atomOrder } from '../features/residue-constants.ts';
import { TEMPLATE_PAIR_STACK } from './af2-paths.ts';
import { type Features, featureF32, featureI32 } from './features-access.ts';
import { EVOFORMER_EMBED } from './input-embedder.ts';
import { blockCount, layerNormByKey, linearByKey, type Params, type Tensor, tensor } from './ops.ts';
import { dgramFromPositions } from './recycling-embedder.ts';
import { templatePairStackBlock } from './template-pair-stack-block.ts';
import { templatePointwiseAttention } from './template-pointwise-attention.ts';
import { TEMPLATE_AATYPE_CLASSES, templateAtomMask } from './template-single-embedding.ts';

export const TEMPLATE_EMBEDDING = `${EVOFORMER_EMBED}/template_embedding`;
export const SINGLE_TEMPLATE_EMBEDDING = `${TEMPLATE_EMBEDDING}/single_template_embedding`;
/** AF2 `template.dgram_features`. */
export const TEMPLATE_DGRAM = { numBins: 39, minBin: 3.25, maxBin: 50.75 } as const;

export interface TemplateEmbeddingOptions {
  /** AF2 `use_template_unit_vector`; false for the released monomer models */
  useUnitVector?: boolean;
  /** called after each template pair stack block (progress, cancellation) */
  onBlock?: (template: number, block: number, blocks: number) => void | Promise<void>;
}

/** True when the parameters contain the template embedding. */
export function hasTemplateParams(params: Params): boolean {
  return `${SINGLE_TEMPLATE_EMBEDDING}/embedding2d//weights` in params;
}

/** Number of templates in the features (0 when there are none). */
export function templateCount(features: Features): number {
  const a = features.template_aatype;
  return a && a.shape.length === 2 ? a.shape[0] : 0;
}

/**
 * The template pair features of template t (AF2 order of channels).
 * @returns [N_res, N_res, 39 + 1 + 22 + 22 + 3 + 1]
 */
export function templatePairFeatures(
  features: Features,
  t: number,
  nRes: number,
  useUnitVector = false,
): Tensor {
  const nTempl = templateCount(features);
  const aatypeAll = featureI32(features, 'template_aatype', [nTempl, nRes]);
  const pbAll = featureF32(features, 'template_pseudo_beta', [nTempl, nRes, 3]);
  const pbMaskAll = featureF32(features, 'template_pseudo_beta_mask', [nTempl, nRes]);
  const atomMask = templateAtomMask(features, nTempl, nRes);
  const aatype = aatypeAll.subarray(t * nRes, (t + 1) * nRes);
  const pbMask = pbMaskAll.data.subarray(t * nRes, (t + 1) * nRes);
  const { numBins, minBin, maxBin } = TEMPLATE_DGRAM;
  // [N_res, N_res, 39]
  const dgram = dgramFromPositions(
    tensor([nRes, 3], pbAll.data.subarray(t * nRes * 3, (t + 1) * nRes * 3)),
    numBins,
    minBin,
    maxBin,
  );
  // backbone mask: N, CA and C present  [N_res]
  const [N, CA, C] = [atomOrder.N, atomOrder.CA, atomOrder.C];
  const bb = new Float32Array(nRes);
  for (let i = 0; i < nRes; i++) {
    const o = (t * nRes + i) * 37;
    bb[i] = atomMask.data[o + N] * atomMask.data[o + CA] * atomMask.data[o + C];
  }
  const unit = useUnitVector ? templateUnitVectors(features, t, nRes, bb) : null;
  const A = TEMPLATE_AATYPE_CLASSES;
  const width = numBins + 1 + 2 * A + 3 + 1;
  const out = tensor([nRes, nRes, width]);
  for (let i = 0; i < nRes; i++) {
    for (let j = 0; j < nRes; j++) {
      const o = (i * nRes + j) * width;
      const bb2 = bb[i] * bb[j];
      if (bb2 === 0) continue; // every channel is multiplied by the backbone mask
      const ij = i * nRes + j;
      for (let b = 0; b < numBins; b++) out.data[o + b] = dgram.data[ij * numBins + b] * bb2;
      out.data[o + numBins] = pbMask[i] * pbMask[j] * bb2;
      const aj = aatype[j];
      const ai = aatype[i];
      if (aj >= 0 && aj < A) out.data[o + numBins + 1 + aj] = bb2;
      if (ai >= 0 && ai < A) out.data[o + numBins + 1 + A + ai] = bb2;
      if (unit) for (let x = 0; x < 3; x++) out.data[o + numBins + 1 + 2 * A + x] = unit[ij * 3 + x] * bb2;
      out.data[o + width - 1] = bb2 * bb2;
    }
  }
  return out;
}

/** R_iᵀ (CA_j − CA_i) normalised, masked by the backbone mask: [N_res · N_res · 3]. */
function templateUnitVectors(features: Features, t: number, nRes: number, bb: Float32Array): Float32Array {
  const nTempl = templateCount(features);
  const pos = featureF32(features, 'template_all_atom_positions', [nTempl, nRes, 37, 3]).data;
  const [N, CA, C] = [atomOrder.N, atomOrder.CA, atomOrder.C];
  const at = (i: number, a: number, x: number) => pos[((t * nRes + i) * 37 + a) * 3 + x];
  // rows of R_iᵀ: e1 along C − CA, e2 the part of N − CA orthogonal to e1, e3 = e1 × e2
  const frames = new Float64Array(nRes * 9);
  for (let i = 0; i < nRes; i++) {
    const c = [0, 1, 2].map((x) => at(i, C, x) - at(i, CA, x));
    const nv = [0, 1, 2].map((x) => at(i, N, x) - at(i, CA, x));
    const cn = Math.sqrt(1e-20 + c[0] ** 2 + c[1] ** 2 + c[2] ** 2);
    const e1 = c.map((v) => v / cn);
    const d = e1[0] * nv[0] + e1[1] * nv[1] + e1[2] * nv[2];
    const u = nv.map((v, x) => v - d * e1[x]);
    const un = Math.sqrt(1e-20 + u[0] ** 2 + u[1] ** 2 + u[2] ** 2);
    const e2 = u.map((v) => v / un);
    const e3 = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    frames.set([...e1, ...e2, ...e3], i * 9);
  }
  const out = new Float32Array(nRes * nRes * 3);
  for (let i = 0; i < nRes; i++) {
    for (let j = 0; j < nRes; j++) {
      const dv = [0, 1, 2].map((x) => at(j, CA, x) - at(i, CA, x));
      const v = [0, 1, 2].map(
        (r) =>
          frames[i * 9 + r * 3] * dv[0] +
          frames[i * 9 + r * 3 + 1] * dv[1] +
          frames[i * 9 + r * 3 + 2] * dv[2],
      );
      const inv = (1 / Math.sqrt(1e-6 + v[0] ** 2 + v[1] ** 2 + v[2] ** 2)) * bb[i] * bb[j];
      for (let x = 0; x < 3; x++) out[(i * nRes + j) * 3 + x] = v[x] * inv;
    }
  }
  return out;
}

/**
 * AF2 `SingleTemplateEmbedding` for template t: embedding2d, the template pair stack and the
 * output LayerNorm.
 * @param pairMask [N_res, N_res] the query's pair mask (AF2 `mask_2d`)
 * @returns        [N_res, N_res, c_t]
 */
export async function singleTemplateEmbedding(
  features: Features,
  t: number,
  pairMask: Tensor,
  params: Params,
  options: TemplateEmbeddingOptions = {},
): Promise<Tensor> {
  const nRes = pairMask.shape[0];
  const feat = templatePairFeatures(features, t, nRes, options.useUnitVector ?? false);
  // line 9: [N_res, N_res, c_t]
  let act = linearByKey(feat, params, `${SINGLE_TEMPLATE_EMBEDDING}/embedding2d`);
  // line 10 (Algorithm 16): [N_res, N_res, c_t]
  const blocks = blockCount(params, TEMPLATE_PAIR_STACK);
  for (let b = 0; b < blocks; b++) {
    act = templatePairStackBlock(act, pairMask, params, b);
    await options.onBlock?.(t, b + 1, blocks);
  }
  return layerNormByKey(act, params, `${SINGLE_TEMPLATE_EMBEDDING}/output_layer_norm`);
}

/**
 * AF2 `TemplateEmbedding`: the residual update of z from all templates.
 * @param z        [N_res, N_res, c_z] the pair activations after recycling (the query)
 * @param pairMask [N_res, N_res]
 * @returns        [N_res, N_res, c_z]
 */
export async function templateEmbedding(
  features: Features,
  z: Tensor,
  pairMask: Tensor,
  params: Params,
  options: TemplateEmbeddingOptions = {},
): Promise<Tensor> {
  const nRes = z.shape[0];
  const nTempl = templateCount(features);
  const templateMask = featureF32(features, 'template_mask', [nTempl]);
  let t: Tensor | null = null;
  for (let k = 0; k < nTempl; k++) {
    const one = await singleTemplateEmbedding(features, k, pairMask, params, options); // [N_res, N_res, c_t]
    if (!t) t = tensor([nTempl, nRes, nRes, one.shape[2]]);
    t.data.set(one.data, k * one.data.length);
  }
  if (!t) return tensor(z.shape); // no templates: no update
  // lines 11–12 (Algorithm 17, incl. the Σ mask > 0 factor): [N_res, N_res, c_z]
  return templatePointwiseAttention(t, z, templateMask, params);
}
