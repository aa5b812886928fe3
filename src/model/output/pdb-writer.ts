/**
 * PDB writer for a single-chain prediction, column-exact as the wwPDB format (v3.3) and
 * AlphaFold's `protein.to_pdb` write it: ATOM records, TER, END, optional MODEL/ENDMDL.
 * pLDDT (0–100) goes into the B-factor column of every atom of its residue.
 *
 * ATOM columns (1-based):  1–6 record, 7–11 serial, 13–16 name (1-letter elements start in
 * column 14), 17 altLoc, 18–20 resName, 22 chainID, 23–26 resSeq, 27 iCode, 31–38 x, 39–46 y,
 * 47–54 z, 55–60 occupancy, 61–66 B-factor, 77–78 element, 79–80 charge.
 */

import { resnames } from '../features/residue-constants.ts';
import { atomRecords } from './atom-records.ts';
import type { PredictedStructure } from './types.ts';

export interface PdbOptions {
  /** Wrap the atoms in MODEL n / ENDMDL (AlphaFold writes MODEL 1); omitted when undefined. */
  model?: number;
}

function fixed(value: number, digits: number, width: number, what: string): string {
  const s = value.toFixed(digits);
  if (s.length > width) throw new Error(`${what} = ${s} does not fit the ${width}-column PDB field`);
  return s.padStart(width);
}

export function toPdb(s: PredictedStructure, options: PdbOptions = {}): string {
  const chain = s.chainId ?? 'A';
  if (chain.length !== 1) throw new Error(`PDB chain IDs are one character; got "${chain}"`);
  const atoms = atomRecords(s);
  const lines: string[] = [];
  if (options.model !== undefined) lines.push(`MODEL     ${String(options.model).padStart(4)}`);
  const serialOf = (n: number) => {
    if (n > 99999) throw new Error(`atom serial ${n} exceeds the PDB limit of 99999; write mmCIF instead`);
    return String(n).padStart(5);
  };
  const resSeqOf = (n: number) => {
    if (n < -999 || n > 9999)
      throw new Error(`residue number ${n} does not fit the 4-column PDB resSeq field`);
    return String(n).padStart(4);
  };
  for (const a of atoms) {
    const what = `coordinate of atom ${a.atomName} of residue ${a.resSeq}`;
    const name = a.atomName.length === 4 ? a.atomName : ` ${a.atomName}`;
    lines.push(
      'ATOM  ' +
        serialOf(a.serial) +
        ' ' +
        name.padEnd(4) +
        ' ' + // altLoc
        a.resName.padStart(3) +
        ' ' +
        chain +
        resSeqOf(a.resSeq) +
        ' ' + // iCode
        '   ' +
        fixed(a.x, 3, 8, what) +
        fixed(a.y, 3, 8, what) +
        fixed(a.z, 3, 8, what) +
        fixed(1, 2, 6, 'occupancy') +
        fixed(a.bFactor, 2, 6, `pLDDT of residue ${a.resSeq}`) +
        ' '.repeat(10) +
        a.element.padStart(2) +
        '  ', // charge
    );
  }
  // TER takes the next serial and names the chain's last residue.
  const lastRes = s.aatype.length - 1;
  lines.push(
    'TER   ' +
      serialOf(atoms.length + 1) +
      '      ' +
      resnames[s.aatype[lastRes]].padStart(3) +
      ' ' +
      chain +
      resSeqOf(s.residueIndex[lastRes] + 1),
  );
  if (options.model !== undefined) lines.push('ENDMDL');
  lines.push('END');
  return `${lines.join('\n')}\n`;
}
