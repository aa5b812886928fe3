/**
 * Algorithm 2, line 13: the extra-MSA embedding (AF2 `create_extra_msa_feature` and the
 * `extra_msa_activations` linear):
 *
 *   f^extra_msa_feat_sj = concat(one_hot23(extra_msa_sj), has_deletion_sj, deletion_value_sj)   [N_extra, N_res, 25]
 *   e_sj = Linear(f^extra_msa_feat_sj)                                                          [N_extra, N_res, c_e]
 *
 * The 23 classes are the 20 amino acids, X, gap and the BERT mask token (AF2 order).
 */
import { EVOFORMER_EMBED } from './input-embedder.ts';
import { linearByKey, type Params, type Tensor, tensor } from './ops.ts';

export const EXTRA_MSA_CLASSES = 23;

/**
 * @param extraMsa          [N_extra, N_res] AF2 residue classes 0..22
 * @param hasDeletion       [N_extra, N_res]
 * @param deletionValue     [N_extra, N_res]
 * @returns                 [N_extra, N_res, c_e]
 */
export function extraMsaEmbedding(
  extraMsa: Int32Array,
  hasDeletion: Tensor,
  deletionValue: Tensor,
  params: Params,
  path = EVOFORMER_EMBED,
): Tensor {
  const [nExtra, nRes] = hasDeletion.shape;
  if (extraMsa.length !== nExtra * nRes || deletionValue.data.length !== nExtra * nRes) {
    throw new Error(
      `extra-MSA embedding: extra_msa (${extraMsa.length} values), extra_has_deletion [${hasDeletion.shape}] and extra_deletion_value [${deletionValue.shape}] disagree`,
    );
  }
  const width = EXTRA_MSA_CLASSES + 2;
  // [N_extra, N_res, 25]
  const feat = tensor([nExtra, nRes, width]);
  for (let sj = 0; sj < nExtra * nRes; sj++) {
    const o = sj * width;
    const aa = extraMsa[sj];
    if (!(aa >= 0 && aa < EXTRA_MSA_CLASSES)) {
      throw new Error(
        `extra_msa: class ${aa} at row ${Math.floor(sj / nRes)}, residue ${sj % nRes} is not in 0..22`,
      );
    }
    feat.data[o + aa] = 1;
    feat.data[o + EXTRA_MSA_CLASSES] = hasDeletion.data[sj];
    feat.data[o + EXTRA_MSA_CLASSES + 1] = deletionValue.data[sj];
  }
  // [N_extra, N_res, c_e]
  return linearByKey(feat, params, `${path}/extra_msa_activations`);
}
