/**
 * What the output writers take: a single-chain AlphaFold2 prediction as plain typed arrays.
 *
 * Layouts (all row-major, last axis fastest):
 *   positions     Float32Array [N_res * 37 * 3]   atom37 coordinates in Å, index (i * 37 + a) * 3 + xyz
 *   atomMask      Float32Array | Uint8Array [N_res * 37]   atom present where ≥ 0.5
 *   aatype        Int32Array [N_res]   AF2 restype order, 0..19, 20 = UNK (X)
 *   residueIndex  Int32Array [N_res]   AF2's `residue_index` feature (0-based); files number
 *                                      residue i as residueIndex[i] + 1, as AF2's
 *                                      `protein.from_prediction` does
 *   plddt         Float32Array [N_res] per-residue pLDDT in 0–100
 *   pae           Float32Array [N_res * N_res]   PAE in Å, index i * N_res + j (aligned on i, error at j)
 */
export interface PredictedStructure {
  positions: Float32Array; // [N_res, 37, 3]
  atomMask: Float32Array | Uint8Array; // [N_res, 37]
  aatype: Int32Array; // [N_res]
  residueIndex: Int32Array; // [N_res]
  plddt: Float32Array; // [N_res]
  /** Chain identifier; default 'A'. PDB allows one character. */
  chainId?: string;
}

/** A full prediction: structure plus the confidence outputs and run facts. */
export interface Prediction extends PredictedStructure {
  pae?: Float32Array; // [N_res, N_res]
  /** Upper end of the PAE range (AF2: 31.75 Å for 64 bins over 0–31.5 Å + overflow). */
  maxPae?: number;
  /** Predicted TM-score, present for `_ptm` models. */
  ptm?: number;
}

/** Number of atom37 columns. */
export const ATOM37 = 37;
