/**
 * Raw (pre-sampling) features of one chain and its MSA: AF2 `make_sequence_features` +
 * `make_msa_features` + `correct_msa_restypes` + `squeeze_features`.
 */
import type { Msa } from './a3m.ts';
import { dedupeMsa } from './a3m.ts';
import { FeatureInputError } from './errors.ts';
import { aatypeOfLetter, hhblitsAaToId, mapHhblitsToRestype } from './residue-constants.ts';

export interface RawFeatures {
  /** N_res. */
  numRes: number;
  /** Rows after de-duplication, query first. */
  numSeq: number;
  /** [N_res] AF2 restype of the query (X = 20). */
  aatype: Int32Array;
  /** [N_res] 0..N_res-1. */
  residueIndex: Int32Array;
  /** [N_seq, N_res] HHblits order (as parsed; `raw_msa_hhblits_order`). */
  msaHhblits: Int32Array;
  /** [N_seq, N_res] AF2 order (X = 20, gap = 21). */
  msa: Int32Array;
  /** [N_seq, N_res] insertion counts (`raw_deletion_matrix_int`). */
  deletionMatrix: Int32Array;
}

/**
 * Build raw features from the query sequence and its MSA (row 0 should be the query; if it is
 * not, the query is prepended, since AF2's model reads the query from MSA row 0). `msa` null =
 * single-sequence mode (the MSA is just the query).
 */
export function makeRawFeatures(query: string, msa: Msa | null): RawFeatures {
  const numRes = query.length;
  if (numRes === 0) throw new FeatureInputError('the query sequence is empty');
  for (let i = 0; i < numRes; i++) {
    const c = query[i];
    if (c < 'A' || c > 'Z') {
      throw new FeatureInputError(
        `query residue '${c}' at position ${i + 1} is not an amino acid (gaps are not allowed in the query)`,
      );
    }
  }
  const zeros = () => new Array<number>(numRes).fill(0);
  let rows: Msa = msa ?? { sequences: [query], deletionMatrix: [zeros()], descriptions: ['query'] };
  if (rows.sequences.length === 0) throw new FeatureInputError('the MSA has no rows');
  if (rows.sequences[0].length !== numRes) {
    throw new FeatureInputError(
      `the MSA's query row has ${rows.sequences[0].length} aligned columns but the query sequence has ${numRes} residues`,
    );
  }
  if (rows.sequences[0] !== query) {
    rows = {
      sequences: [query, ...rows.sequences],
      deletionMatrix: [zeros(), ...rows.deletionMatrix],
      descriptions: ['query', ...rows.descriptions],
    };
  }
  rows = dedupeMsa(rows);
  const numSeq = rows.sequences.length;

  const aatype = new Int32Array(numRes);
  const residueIndex = new Int32Array(numRes);
  for (let i = 0; i < numRes; i++) {
    aatype[i] = aatypeOfLetter(query[i]);
    residueIndex[i] = i;
  }
  const msaHhblits = new Int32Array(numSeq * numRes);
  const msaAf2 = new Int32Array(numSeq * numRes);
  const deletionMatrix = new Int32Array(numSeq * numRes);
  for (let s = 0; s < numSeq; s++) {
    const seq = rows.sequences[s];
    const del = rows.deletionMatrix[s];
    for (let i = 0; i < numRes; i++) {
      const h = hhblitsAaToId[seq[i]];
      if (h === undefined) {
        throw new FeatureInputError(`MSA row ${s + 1}: invalid residue '${seq[i]}' at column ${i + 1}`);
      }
      msaHhblits[s * numRes + i] = h;
      msaAf2[s * numRes + i] = mapHhblitsToRestype[h];
      deletionMatrix[s * numRes + i] = del[i];
    }
  }
  return { numRes, numSeq, aatype, residueIndex, msaHhblits, msa: msaAf2, deletionMatrix };
}
