/**
 * Minimal PDB reader: ATOM/HETATM records of the first model (up to the first ENDMDL), fixed
 * columns as the wwPDB format defines them (see src/model/output/pdb-writer.ts for the table).
 */

import { type AtomRow, assembleChain } from './atom-rows.ts';
import { type ChainAtoms, StructureReadError } from './types.ts';

function field(line: string, from: number, to: number): string {
  return line.slice(from - 1, to).trim(); // 1-based inclusive columns
}

function number(
  line: string,
  lineNo: number,
  from: number,
  to: number,
  what: string,
  integer: boolean,
): number {
  const text = field(line, from, to);
  const v = Number(text);
  if (text === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new StructureReadError(
      `PDB line ${lineNo}: ${what} "${text}" (columns ${from}–${to}) is not ${integer ? 'an integer' : 'a number'}`,
    );
  }
  return v;
}

/** Atom rows of the first model. */
export function readPdbAtoms(text: string): AtomRow[] {
  const rows: AtomRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const lineNo = k + 1;
    const record = line.slice(0, 6);
    if (record.startsWith('ENDMDL')) break;
    const hetero = record === 'HETATM';
    if (record !== 'ATOM  ' && !hetero) continue;
    if (line.trimEnd().length < 54) {
      throw new StructureReadError(
        `PDB line ${lineNo}: ${record.trim()} record is ${line.trimEnd().length} characters, needs coordinates up to column 54`,
      );
    }
    const atomName = field(line, 13, 16);
    const resName = field(line, 18, 20);
    const chain = line[21] ?? ' ';
    const resSeq = number(line, lineNo, 23, 26, 'residue number', true);
    const iCode = field(line, 27, 27);
    const x = number(line, lineNo, 31, 38, 'x coordinate', false);
    const y = number(line, lineNo, 39, 46, 'y coordinate', false);
    const z = number(line, lineNo, 47, 54, 'z coordinate', false);
    const b = field(line, 61, 66) === '' ? 0 : number(line, lineNo, 61, 66, 'B-factor', false);
    if (atomName === '')
      throw new StructureReadError(`PDB line ${lineNo}: atom name (columns 13–16) is empty`);
    // Alternate locations (column 17): the first one read wins; assembleChain keeps the first row per atom.
    rows.push({ line: lineNo, hetero, atomName, resName, chain: chain.trim(), resSeq, iCode, x, y, z, b });
  }
  return rows;
}

/** One chain (default: the first) of the first model of a PDB file, in atom37 layout. */
export function readPdbChain(text: string, chainId?: string): ChainAtoms {
  return assembleChain(readPdbAtoms(text), chainId, 'PDB');
}
