/**
 * Algorithm 32 "RecyclingEmbedder", lines 1–5 (AF2 `EmbeddingsAndEvoformer` with
 * `recycle_pos` and `recycle_features`; parameters `prev_pos_linear`, `prev_pair_norm`,
 * `prev_msa_first_row_norm`):
 *
 *   x^Cβ_i = pseudo-β of the previous `final_atom_positions` (CA for glycine)   [N_res, 3]
 *   d_ij = one_hot-like distogram of |x_i − x_j|                 [N_res, N_res, 15]  lines 1–2
 *   z_ij = Linear(d_ij) + LayerNorm(z^prev_ij)                    [N_res, N_res, c_z]  lines 3–4
 *   m_1i = LayerNorm(m^prev_1i)                                   [N_res, c_m]  line 5
 * The caller adds these to z and to the first MSA row. At the first iteration all previous
 * values are zeros (so the distogram is all zero and the LayerNorms return their offsets).
 *
 * DISCREPANCY: the supplement gives 15 bins between 3 3/8 Å and 21 3/8 Å; AF2's code
 * (`dgram_from_positions`, followed here, as the weights expect) uses lower edges
 * linspace(3.25, 20.75, 15) compared on squared distances, bin b = (d² > l_b²) ∧ (d² < l_{b+1}²)
 * with the last upper edge 1e8 (so d below 3.25 Å, e.g. all-zero positions, is in no bin).
 */
import { atomOrder, atomTypeNum, restypeOrder } from '../features/residue-constants.ts';
import { EVOFORMER_EMBED } from './input-embedder.ts';
import { add, layerNormByKey, linearByKey, type Params, type Tensor, tensor } from './ops.ts';

/** AF2 `prev_pos` distogram: 15 bins, lower edges 3.25 … 20.75 Å. */
export const RECYCLE_DGRAM = { numBins: 15, minBin: 3.25, maxBin: 20.75 } as const;

/**
 * AF2 `pseudo_beta_fn`: CB, or CA for glycine, from atom37 positions.
 * @param aatype    [N_res]
 * @param atom37    [N_res, 37, 3]
 * @returns         [N_res, 3]
 */
export function pseudoBeta(aatype: Int32Array, atom37: Tensor): Tensor {
  const n = aatype.length;
  if (atom37.data.length !== n * atomTypeNum * 3) {
    throw new Error(`pseudo-beta: positions [${atom37.shape}] for ${n} residues, expected [${n}, 37, 3]`);
  }
  const [CA, CB, G] = [atomOrder.CA, atomOrder.CB, restypeOrder.G];
  const out = tensor([n, 3]);
  for (let i = 0; i < n; i++) {
    const a = aatype[i] === G ? CA : CB;
    for (let x = 0; x < 3; x++) out.data[i * 3 + x] = atom37.data[(i * atomTypeNum + a) * 3 + x];
  }
  return out;
}

/**
 * AF2 `dgram_from_positions`: lower edges linspace(minBin, maxBin, numBins) squared, upper
 * edges the next lower edge (last 1e8); d² is compared strictly on both sides.
 * @param positions [N_res, 3]
 * @returns         [N_res, N_res, numBins] of 0/1
 */
export function dgramFromPositions(
  positions: Tensor,
  numBins: number,
  minBin: number,
  maxBin: number,
): Tensor {
  const n = positions.shape[0];
  const lower = new Float64Array(numBins);
  for (let b = 0; b < numBins; b++) {
    // float32 linspace and square, as the JAX code does
    const edge = Math.fround(numBins === 1 ? minBin : minBin + ((maxBin - minBin) * b) / (numBins - 1));
    lower[b] = Math.fround(edge * edge);
  }
  const out = tensor([n, n, numBins]);
  const p = positions.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = Math.fround(p[i * 3] - p[j * 3]);
      const dy = Math.fround(p[i * 3 + 1] - p[j * 3 + 1]);
      const dz = Math.fround(p[i * 3 + 2] - p[j * 3 + 2]);
      const d2 = Math.fround(Math.fround(Math.fround(dx * dx) + Math.fround(dy * dy)) + Math.fround(dz * dz));
      const o = (i * n + j) * numBins;
      for (let b = 0; b < numBins; b++) {
        const upper = b + 1 < numBins ? lower[b + 1] : 1e8;
        out.data[o + b] = d2 > lower[b] && d2 < upper ? 1 : 0;
      }
    }
  }
  return out;
}

export interface RecyclingUpdate {
  /** [N_res, c_m] added to the first MSA row (line 5) */
  msaFirstRowUpdate: Tensor;
  /** [N_res, N_res, c_z] added to z (lines 3–4) */
  pairUpdate: Tensor;
}

/**
 * @param prevMsaFirstRow  [N_res, c_m]
 * @param prevPair         [N_res, N_res, c_z]
 * @param prevPseudoBeta   [N_res, 3] Å
 */
export function recyclingEmbedder(
  prevMsaFirstRow: Tensor,
  prevPair: Tensor,
  prevPseudoBeta: Tensor,
  params: Params,
  path = EVOFORMER_EMBED,
): RecyclingUpdate {
  const { numBins, minBin, maxBin } = RECYCLE_DGRAM;
  // lines 1–2: [N_res, N_res, 15]
  const dgram = dgramFromPositions(prevPseudoBeta, numBins, minBin, maxBin);
  // lines 3–4: [N_res, N_res, c_z]
  const pairUpdate = add(
    linearByKey(dgram, params, `${path}/prev_pos_linear`),
    layerNormByKey(prevPair, params, `${path}/prev_pair_norm`),
  );
  // line 5: [N_res, c_m]
  const msaFirstRowUpdate = layerNormByKey(prevMsaFirstRow, params, `${path}/prev_msa_first_row_norm`);
  return { msaFirstRowUpdate, pairUpdate };
}
