/**
 * Residue constants: the residue-type and atom orders AlphaFold2 uses everywhere
 * (AF2 `alphafold/common/residue_constants.py`), written out as data.
 *
 * Orders that matter (they index parameters and features, so never reorder):
 * - restype order `ARNDCQEGHILKMFPSTWYV` (alphabetical by three-letter code), X = 20, gap = 21
 *   (and 22 = the BERT mask token inside the model's MSA one-hot).
 * - HHblits order `ACDEFGHIKLMNPQRSTVWY`, X = 20, gap = 21: the alphabet of raw MSAs.
 * - atom37: 37 heavy-atom names, every residue type's atoms at fixed columns.
 * - atom14: per residue type, its own ≤14 heavy atoms in a compact order ('' pads).
 */

/** The 20 standard amino acids in AF2 restype order. */
export const restypes: readonly string[] = [
  'A',
  'R',
  'N',
  'D',
  'C',
  'Q',
  'E',
  'G',
  'H',
  'I',
  'L',
  'K',
  'M',
  'F',
  'P',
  'S',
  'T',
  'W',
  'Y',
  'V',
];

/** Number of standard residue types (= 20). */
export const restypeNum = 20;

/** Index of the unknown residue type X / UNK (= 20). */
export const unkRestypeIndex = restypeNum;

/** Index of the alignment gap '-' in AF2 MSA order (= 21). */
export const gapIndex = 21;

/** Index of the BERT mask token in the model's MSA one-hot (= 22). */
export const maskTokenIndex = 22;

/** restypes + 'X'. */
export const restypesWithX: readonly string[] = [...restypes, 'X'];

/** One-letter code → restype index (0–19). */
export const restypeOrder: Readonly<Record<string, number>> = Object.fromEntries(
  restypes.map((r, i) => [r, i]),
);

/** One-letter code → restype index, with 'X' → 20. */
export const restypeOrderWithX: Readonly<Record<string, number>> = Object.fromEntries(
  restypesWithX.map((r, i) => [r, i]),
);

/** One-letter → three-letter residue name; 'X' → 'UNK'. */
export const restype1to3: Readonly<Record<string, string>> = {
  A: 'ALA',
  R: 'ARG',
  N: 'ASN',
  D: 'ASP',
  C: 'CYS',
  Q: 'GLN',
  E: 'GLU',
  G: 'GLY',
  H: 'HIS',
  I: 'ILE',
  L: 'LEU',
  K: 'LYS',
  M: 'MET',
  F: 'PHE',
  P: 'PRO',
  S: 'SER',
  T: 'THR',
  W: 'TRP',
  Y: 'TYR',
  V: 'VAL',
  X: 'UNK',
};

/** Three-letter → one-letter residue name; 'UNK' → 'X'. */
export const restype3to1: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(restype1to3).map(([one, three]) => [three, one]),
);

/** Three-letter name of the unknown residue type. */
export const unkRestype = 'UNK';

/** Three-letter names in restype order, then 'UNK' (21 entries). */
export const resnames: readonly string[] = [...restypes.map((r) => restype1to3[r]), unkRestype];

/** The 37 atom37 heavy-atom names in AF2 order. */
export const atomTypes: readonly string[] = [
  'N',
  'CA',
  'C',
  'CB',
  'O',
  'CG',
  'CG1',
  'CG2',
  'OG',
  'OG1',
  'SG',
  'CD',
  'CD1',
  'CD2',
  'ND1',
  'ND2',
  'OD1',
  'OD2',
  'SD',
  'CE',
  'CE1',
  'CE2',
  'CE3',
  'NE',
  'NE1',
  'NE2',
  'OE1',
  'OE2',
  'CH2',
  'NH1',
  'NH2',
  'OH',
  'CZ',
  'CZ2',
  'CZ3',
  'NZ',
  'OXT',
];

/** atom37 name → column. */
export const atomOrder: Readonly<Record<string, number>> = Object.fromEntries(
  atomTypes.map((a, i) => [a, i]),
);

/** Number of atom37 columns (= 37). */
export const atomTypeNum = 37;

/** Number of atom14 columns (= 14). */
export const atom14Num = 14;

/**
 * Element symbol of an AF2 heavy-atom name: its first letter (C, N, O, S). Holds for every
 * atom37 name; hydrogens never occur in AF2 outputs.
 */
export function elementOf(atomName: string): string {
  return atomName.charAt(0);
}

/** atom37 column → element symbol. */
export const atomTypeElements: readonly string[] = atomTypes.map(elementOf);

const P = ''; // atom14 padding
/** Three-letter name → its 14 atom14 names ('' = no atom in that slot). UNK has none. */
export const restypeNameToAtom14Names: Readonly<Record<string, readonly string[]>> = {
  ALA: ['N', 'CA', 'C', 'O', 'CB', P, P, P, P, P, P, P, P, P],
  ARG: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'NE', 'CZ', 'NH1', 'NH2', P, P, P],
  ASN: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'OD1', 'ND2', P, P, P, P, P, P],
  ASP: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'OD1', 'OD2', P, P, P, P, P, P],
  CYS: ['N', 'CA', 'C', 'O', 'CB', 'SG', P, P, P, P, P, P, P, P],
  GLN: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'OE1', 'NE2', P, P, P, P, P],
  GLU: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'OE1', 'OE2', P, P, P, P, P],
  GLY: ['N', 'CA', 'C', 'O', P, P, P, P, P, P, P, P, P, P],
  HIS: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'ND1', 'CD2', 'CE1', 'NE2', P, P, P, P],
  ILE: ['N', 'CA', 'C', 'O', 'CB', 'CG1', 'CG2', 'CD1', P, P, P, P, P, P],
  LEU: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD1', 'CD2', P, P, P, P, P, P],
  LYS: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', 'CE', 'NZ', P, P, P, P, P],
  MET: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'SD', 'CE', P, P, P, P, P, P],
  PHE: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD1', 'CD2', 'CE1', 'CE2', 'CZ', P, P, P],
  PRO: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD', P, P, P, P, P, P, P],
  SER: ['N', 'CA', 'C', 'O', 'CB', 'OG', P, P, P, P, P, P, P, P],
  THR: ['N', 'CA', 'C', 'O', 'CB', 'OG1', 'CG2', P, P, P, P, P, P, P],
  TRP: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD1', 'CD2', 'NE1', 'CE2', 'CE3', 'CZ2', 'CZ3', 'CH2'],
  TYR: ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD1', 'CD2', 'CE1', 'CE2', 'CZ', 'OH', P, P],
  VAL: ['N', 'CA', 'C', 'O', 'CB', 'CG1', 'CG2', P, P, P, P, P, P, P],
  UNK: [P, P, P, P, P, P, P, P, P, P, P, P, P, P],
};

/**
 * Per restype (21 rows incl. UNK), atom14 slot → atom37 column; 0 where the slot is empty
 * (AF2 `make_atom14_masks` convention). Row-major [21, 14].
 */
export const restypeAtom14ToAtom37: readonly (readonly number[])[] = resnames.map((name) =>
  restypeNameToAtom14Names[name].map((a) => (a === '' ? 0 : atomOrder[a])),
);

/**
 * Per restype (21 rows), atom37 column → atom14 slot; 0 where the residue lacks the atom
 * (AF2 convention). [21, 37].
 */
export const restypeAtom37ToAtom14: readonly (readonly number[])[] = resnames.map((name) => {
  const names = restypeNameToAtom14Names[name];
  return atomTypes.map((a) => {
    const i = names.indexOf(a);
    return Math.max(i, 0);
  });
});

/** Per restype (21 rows), 1 where the atom14 slot holds an atom. [21, 14]. */
export const restypeAtom14Mask: readonly (readonly number[])[] = resnames.map((name) =>
  restypeNameToAtom14Names[name].map((a) => (a === '' ? 0 : 1)),
);

/**
 * Per restype (21 rows), 1 where the residue has that atom37 atom (AF2 `STANDARD_ATOM_MASK`,
 * also `atom37_atom_exists` in `make_atom14_masks`). OXT is never set. UNK row is all 0. [21, 37].
 */
export const restypeAtom37Mask: readonly (readonly number[])[] = resnames.map((name) => {
  const names = restypeNameToAtom14Names[name];
  return atomTypes.map((a) => (names.includes(a) ? 1 : 0));
});

/**
 * HHblits alphabet → HHblits index, as AF2's `HHBLITS_AA_TO_ID`. The non-standard letters
 * follow the HHblits convention: B → D, Z → E, U → C, and J, O, X → X (20); '-' → 21.
 * Any other letter is not in this map (AF2's parser raises KeyError on it).
 */
export const hhblitsAaToId: Readonly<Record<string, number>> = {
  A: 0,
  B: 2,
  C: 1,
  D: 2,
  E: 3,
  F: 4,
  G: 5,
  H: 6,
  I: 7,
  J: 20,
  K: 8,
  L: 9,
  M: 10,
  N: 11,
  O: 20,
  P: 12,
  Q: 13,
  R: 14,
  S: 15,
  T: 16,
  U: 1,
  V: 17,
  W: 18,
  X: 20,
  Y: 19,
  Z: 3,
  '-': 21,
};

/** HHblits index → canonical letter (AF2 `ID_TO_HHBLITS_AA`). */
export const idToHhblitsAa: readonly string[] = [
  'A',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'I',
  'K',
  'L',
  'M',
  'N',
  'P',
  'Q',
  'R',
  'S',
  'T',
  'V',
  'W',
  'Y',
  'X',
  '-',
];

/**
 * HHblits index (0–21) → AF2 restype index (0–19, X = 20, gap = 21)
 * (AF2 `MAP_HHBLITS_AATYPE_TO_OUR_AATYPE`).
 */
export const mapHhblitsToRestype: readonly number[] = idToHhblitsAa.map((letter) =>
  [...restypesWithX, '-'].indexOf(letter),
);

/**
 * Query residue letter → AF2 restype index as AF2's `sequence_to_onehot(..., map_unknown_to_x=True)`
 * does for `aatype`: the 20 standard letters map to themselves and EVERY other upper-case letter
 * (B, J, O, U, X, Z included) maps to X = 20. Note the difference from the MSA path, where the
 * HHblits alphabet maps B → D, Z → E, U → C: AF2 really treats the query row of the MSA and
 * `aatype` differently for those four letters, and so do we.
 */
export function aatypeOfLetter(letter: string): number {
  const i = restypeOrder[letter];
  return i === undefined ? unkRestypeIndex : i;
}
