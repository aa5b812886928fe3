/**
 * Algorithm 3 "InputEmbedder", lines 1–5, with Algorithm 4 "relpos" (lines 1–4) and
 * Algorithm 5 "one_hot" (AF2 `EmbeddingsAndEvoformer`, parameters `preprocess_1d`,
 * `preprocess_msa`, `left_single`, `right_single`, `pair_activiations` [sic]).
 *
 *   a_i, b_i = Linear(f^target_feat_i)                 [N_res, c_z]  line 1 (`left_single`, `right_single`)
 *   z_ij = a_i + b_j                                   [N_res, N_res, c_z]  line 2
 *   z_ij += relpos(r)                                  line 3 (Algorithm 4)
 *     d_ij = r_i − r_j; p_ij = one_hot(clip(d_ij, −k, k) + k, 2k+1); Linear(p_ij)   (k = 32, 65 bins)
 *   m_si = Linear(f^target_feat_i) + Linear(f^msa_feat_si)   [N_seq, N_res, c_m]  line 4
 *
 * k is read from `pair_activiations//weights` [2k+1, c_z]. The golden stage `input_pair_act`
 * is z after line 3 (before recycling), `input_msa_act` is m.
 */
import { AF2_ROOT } from './af2-paths.ts';
import { linearByKey, type Params, param, type Tensor, tensor } from './ops.ts';

export const EVOFORMER_EMBED = `${AF2_ROOT}/evoformer`;

export interface InputEmbedding {
  /** [N_seq, N_res, c_m] */
  m: Tensor;
  /** [N_res, N_res, c_z] */
  z: Tensor;
}

/**
 * @param targetFeat   [N_res, 22]
 * @param residueIndex [N_res]
 * @param msaFeat      [N_seq, N_res, 49]
 */
export function inputEmbedder(
  targetFeat: Tensor,
  residueIndex: Int32Array,
  msaFeat: Tensor,
  params: Params,
  path = EVOFORMER_EMBED,
): InputEmbedding {
  const n = targetFeat.shape[0];
  if (residueIndex.length !== n || msaFeat.shape[1] !== n) {
    throw new Error(
      `input embedder: target_feat [${targetFeat.shape}], residue_index [${residueIndex.length}], msa_feat [${msaFeat.shape}] disagree on N_res`,
    );
  }
  // line 1: [N_res, c_z] each
  const a = linearByKey(targetFeat, params, `${path}/left_single`);
  const b = linearByKey(targetFeat, params, `${path}/right_single`);
  const cz = a.shape[1];
  // line 3 (Algorithm 4): the relpos linear of a one-hot is one weight row plus the bias
  const relW = param(params, `${path}/pair_activiations`, 'weights'); // [2k+1, c_z]
  const relB = param(params, `${path}/pair_activiations`, 'bias'); // [c_z]
  const bins = relW.shape[0];
  const k = (bins - 1) / 2;
  if (!Number.isInteger(k) || relW.shape[1] !== cz) {
    throw new Error(`input embedder: pair_activiations//weights [${relW.shape}] is not [2k+1, ${cz}]`);
  }
  // line 2 + 3: [N_res, N_res, c_z]
  const z = tensor([n, n, cz]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.min(Math.max(residueIndex[i] - residueIndex[j], -k), k) + k; // Algorithm 5 bin
      const o = (i * n + j) * cz;
      for (let c = 0; c < cz; c++) {
        const pairAB = Math.fround(a.data[i * cz + c] + b.data[j * cz + c]);
        z.data[o + c] = pairAB + Math.fround(relW.data[d * cz + c] + relB.data[c]);
      }
    }
  }
  // line 4: [N_seq, N_res, c_m]
  const m1d = linearByKey(targetFeat, params, `${path}/preprocess_1d`); // [N_res, c_m]
  const m = linearByKey(msaFeat, params, `${path}/preprocess_msa`); // [N_seq, N_res, c_m]
  const cm = m1d.shape[1];
  const rowSize = n * cm;
  for (let s = 0; s < msaFeat.shape[0]; s++) {
    for (let x = 0; x < rowSize; x++) m.data[s * rowSize + x] += m1d.data[x];
  }
  return { m, z };
}
