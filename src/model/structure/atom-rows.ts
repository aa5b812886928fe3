/**
 * Atom rows → one chain in atom37 layout, shared by the PDB and mmCIF readers. Follows AF2's
 * conventions (`protein.from_pdb_string`, `templates.py`): first model only; residue names outside
 * the 20 standard ones become X; MSE is read as MET with SE → SD; atoms outside atom37 (hydrogens,
 * OXT aside) are ignored; for alternate locations the first one read wins; waters and hetero groups
 * that are not amino acids are skipped.
 */

import { atomOrder, atomTypeNum, restype3to1 } from '../features/residue-constants.ts';
import { type ChainAtoms, StructureReadError } from './types.ts';

export interface AtomRow {
  line: number; // 1-based line in the file, for messages
  hetero: boolean;
  atomName: string;
  resName: string;
  chain: string;
  resSeq: number;
  iCode: string;
  x: number;
  y: number;
  z: number;
  b: number;
}

const WATERS = new Set(['HOH', 'WAT', 'DOD', 'H2O']);

/** Chain ids in order of first appearance. */
export function chainsOf(rows: readonly AtomRow[]): string[] {
  return [...new Set(rows.map((r) => r.chain))];
}

export function assembleChain(
  rows: readonly AtomRow[],
  chainId: string | undefined,
  format: string,
): ChainAtoms {
  if (rows.length === 0) throw new StructureReadError(`${format}: no atoms found (no ATOM/HETATM records)`);
  const chainsPresent = chainsOf(rows);
  const chain = chainId ?? chainsPresent[0];
  if (!chainsPresent.includes(chain)) {
    throw new StructureReadError(
      `${format}: chain "${chain}" not found; chains present: ${chainsPresent.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  interface Residue {
    resName: string;
    resSeq: number;
    iCode: string;
    atoms: Map<number, AtomRow>; // atom37 index → first row read
    first: AtomRow;
  }
  const residues: Residue[] = [];
  const byKey = new Map<string, Residue>();
  for (const r of rows) {
    if (r.chain !== chain || WATERS.has(r.resName)) continue;
    let resName = r.resName;
    let atomName = r.atomName;
    if (resName === 'MSE') {
      resName = 'MET';
      if (atomName === 'SE') atomName = 'SD';
    }
    if (r.hetero && restype3to1[resName] === undefined) continue; // ligands, ions
    const key = `${r.resSeq}|${r.iCode}`;
    let res = byKey.get(key);
    if (!res) {
      res = { resName, resSeq: r.resSeq, iCode: r.iCode, atoms: new Map(), first: r };
      byKey.set(key, res);
      residues.push(res);
    } else if (res.resName !== resName) {
      throw new StructureReadError(
        `${format} line ${r.line}: residue ${r.resSeq}${r.iCode} of chain "${chain}" is ${res.resName} ` +
          `(line ${res.first.line}) but this atom says ${resName}`,
      );
    }
    const a = atomOrder[atomName];
    if (a !== undefined && !res.atoms.has(a)) res.atoms.set(a, r);
  }
  if (residues.length === 0) {
    throw new StructureReadError(
      `${format}: chain "${chain}" has no amino-acid residues (only waters or ligands)`,
    );
  }
  const n = residues.length;
  const positions = new Float32Array(n * atomTypeNum * 3); // [N_res, 37, 3]
  const atomMask = new Float32Array(n * atomTypeNum); // [N_res, 37]
  const bFactors = new Float32Array(n); // [N_res]
  residues.forEach((res, i) => {
    for (const [a, r] of res.atoms) {
      positions.set([r.x, r.y, r.z], (i * atomTypeNum + a) * 3);
      atomMask[i * atomTypeNum + a] = 1;
    }
    bFactors[i] = (res.atoms.get(atomOrder.CA) ?? res.first).b;
  });
  return {
    chainId: chain,
    chainsPresent,
    sequence: residues.map((r) => restype3to1[r.resName] ?? 'X').join(''),
    resNames: residues.map((r) => r.resName),
    residueNumbers: Int32Array.from(residues, (r) => r.resSeq),
    insertionCodes: residues.map((r) => r.iCode),
    positions,
    atomMask,
    bFactors,
  };
}
