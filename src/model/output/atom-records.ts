/**
 * The atoms of a predicted structure in file order, shared by the PDB and mmCIF writers:
 * residue by residue, atom37 order within a residue (AF2's `to_pdb` / `to_mmcif` order),
 * atoms with mask < 0.5 skipped. The B-factor of every atom is its residue's pLDDT, as AF2 writes it.
 */

import { atomTypes, elementOf, resnames } from '../features/residue-constants.ts';
import { ATOM37, type PredictedStructure } from './types.ts';
import { validateStructure } from './validate.ts';

export interface AtomRecord {
  serial: number; // 1-based atom number
  residue: number; // 0-based residue position in the chain
  atomName: string; // atom37 name
  element: string;
  resName: string; // three-letter code, UNK for X
  resSeq: number; // author residue number = residueIndex + 1
  x: number;
  y: number;
  z: number;
  bFactor: number; // the residue's pLDDT
}

export function atomRecords(s: PredictedStructure): AtomRecord[] {
  const nRes = validateStructure(s);
  const out: AtomRecord[] = [];
  for (let i = 0; i < nRes; i++) {
    const resName = resnames[s.aatype[i]];
    for (let a = 0; a < ATOM37; a++) {
      if (!(s.atomMask[i * ATOM37 + a] >= 0.5)) continue;
      const p = (i * ATOM37 + a) * 3;
      const atomName = atomTypes[a];
      for (let c = 0; c < 3; c++) {
        if (!Number.isFinite(s.positions[p + c])) {
          throw new Error(
            `position of atom ${atomName} of residue ${i + 1} (${resName}) is ${s.positions[p + c]}, not a finite number`,
          );
        }
      }
      out.push({
        serial: out.length + 1,
        residue: i,
        atomName,
        element: elementOf(atomName),
        resName,
        resSeq: s.residueIndex[i] + 1,
        x: s.positions[p],
        y: s.positions[p + 1],
        z: s.positions[p + 2],
        bFactor: s.plddt[i],
      });
    }
  }
  if (out.length === 0) throw new Error(`structure has ${nRes} residues but no atom has mask ≥ 0.5`);
  return out;
}
