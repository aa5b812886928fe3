/**
 * Side-chain torsion (chi) definitions, AF2 supplement section 1.8.1 and Table 2 (the data of
 * AlphaFold's `residue_constants.chi_angles_atoms`, `chi_angles_mask`, `chi_pi_periodic`).
 *
 * Row order of the per-restype tables is AF2's `restypes` order
 * (A R N D C Q E G H I L K M F P S T W Y V) followed by UNK (index 20).
 */

import { atomOrder, resnames } from '../features/residue-constants.ts';

/**
 * The four atoms that define chi1..chi4 of each residue type (a subset from chi1 onwards).
 * ALA and GLY have none. ARG's chi5 is ignored (always 0 ± 5°).
 */
export const chiAnglesAtoms: Readonly<
  Record<string, readonly (readonly [string, string, string, string])[]>
> = {
  ALA: [],
  ARG: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD'],
    ['CB', 'CG', 'CD', 'NE'],
    ['CG', 'CD', 'NE', 'CZ'],
  ],
  ASN: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'OD1'],
  ],
  ASP: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'OD1'],
  ],
  CYS: [['N', 'CA', 'CB', 'SG']],
  GLN: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD'],
    ['CB', 'CG', 'CD', 'OE1'],
  ],
  GLU: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD'],
    ['CB', 'CG', 'CD', 'OE1'],
  ],
  GLY: [],
  HIS: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'ND1'],
  ],
  ILE: [
    ['N', 'CA', 'CB', 'CG1'],
    ['CA', 'CB', 'CG1', 'CD1'],
  ],
  LEU: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD1'],
  ],
  LYS: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD'],
    ['CB', 'CG', 'CD', 'CE'],
    ['CG', 'CD', 'CE', 'NZ'],
  ],
  MET: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'SD'],
    ['CB', 'CG', 'SD', 'CE'],
  ],
  PHE: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD1'],
  ],
  PRO: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD'],
  ],
  SER: [['N', 'CA', 'CB', 'OG']],
  THR: [['N', 'CA', 'CB', 'OG1']],
  TRP: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD1'],
  ],
  TYR: [
    ['N', 'CA', 'CB', 'CG'],
    ['CA', 'CB', 'CG', 'CD1'],
  ],
  VAL: [['N', 'CA', 'CB', 'CG1']],
};

/**
 * Number of defined chi angles per residue type, in `restypes` order plus UNK: the chi-angle
 * mask row r is `[c > 0, c > 1, c > 2, c > 3]` with c = chiAngleCounts[r].
 */
const chiAngleCounts = [0, 4, 2, 2, 1, 3, 3, 0, 2, 2, 2, 4, 3, 2, 2, 1, 1, 2, 2, 1, 0];

/**
 * Which chi angles exist, [21, 4] (row-major, chi index fastest), 1 or 0.
 * DISCREPANCY: AF2's `chi_angles_mask` has 20 rows; every consumer appends a zero row for UNK
 * (`all_atom.py`, `data_transforms.py`), so the UNK row is included here.
 */
export const chiAnglesMask: readonly (readonly number[])[] = chiAngleCounts.map((c) =>
  [0, 1, 2, 3].map((k) => (k < c ? 1 : 0)),
);

/**
 * Chi angles that are π-periodic (rotating by π leaves the structure unchanged: symmetric
 * end groups), [21, 4]: ASP chi2, GLU chi3, PHE chi2, TYR chi2.
 */
export const chiPiPeriodic: readonly (readonly number[])[] = chiAngleCounts.map((_, r) =>
  [0, 1, 2, 3].map((k) => {
    if (r === 3 && k === 1) return 1; // ASP chi2
    if (r === 6 && k === 2) return 1; // GLU chi3
    if (r === 13 && k === 1) return 1; // PHE chi2
    if (r === 18 && k === 1) return 1; // TYR chi2
    return 0;
  }),
);

/**
 * chi-defining atoms as atom37 columns, [21, 4, 4] (restype, chi, atom), undefined chis padded
 * with [0, 0, 0, 0] as AF2's `chi_angles_atom_indices` does (UNK row all zero).
 */
export const chiAnglesAtomIndices: readonly (readonly (readonly number[])[])[] = resnames.map((resname) => {
  const chis = chiAnglesAtoms[resname] ?? [];
  return [0, 1, 2, 3].map((k) => (k < chis.length ? chis[k].map((a) => atomOrder[a]) : [0, 0, 0, 0]));
});
