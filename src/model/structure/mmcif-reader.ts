/**
 * Minimal mmCIF reader: the `_atom_site` rows of the first model (lowest pdbx_PDB_model_num
 * in file order), chains by author id (auth_asym_id, else label_asym_id), residues by
 * auth_seq_id + insertion code (else label_seq_id).
 */

import { type AtomRow, assembleChain } from './atom-rows.ts';
import { parseCifBlock } from './cif-tokens.ts';
import { type ChainAtoms, StructureReadError } from './types.ts';

export function readMmcifAtoms(text: string): AtomRow[] {
  const site = parseCifBlock(text).get('atom_site');
  if (!site) throw new StructureReadError('mmCIF: no atoms found (no _atom_site category)');
  const col = (...names: string[]) => {
    for (const name of names) {
      const i = site.fields.indexOf(name);
      if (i >= 0) return i;
    }
    return -1;
  };
  const need = (...names: string[]) => {
    const i = col(...names);
    if (i < 0)
      throw new StructureReadError(
        `mmCIF: _atom_site lacks ${names.map((n) => `_atom_site.${n}`).join(' / ')}`,
      );
    return i;
  };
  const cGroup = col('group_PDB');
  const cAtom = need('auth_atom_id', 'label_atom_id');
  const cComp = need('auth_comp_id', 'label_comp_id');
  const cChain = need('auth_asym_id', 'label_asym_id');
  const cSeq = need('auth_seq_id', 'label_seq_id');
  const cIns = col('pdbx_PDB_ins_code');
  const cX = need('Cartn_x');
  const cY = need('Cartn_y');
  const cZ = need('Cartn_z');
  const cB = col('B_iso_or_equiv');
  const cModel = col('pdbx_PDB_model_num');
  const rows: AtomRow[] = [];
  let firstModel: string | null | undefined;
  site.rows.forEach((r, k) => {
    const line = site.rowLines[k];
    if (cModel >= 0) {
      if (firstModel === undefined) firstModel = r[cModel];
      if (r[cModel] !== firstModel) return;
    }
    const num = (c: number, what: string, integer: boolean): number => {
      const text = r[c];
      const v = Number(text);
      if (text === null || text === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
        throw new StructureReadError(
          `mmCIF line ${line}: _atom_site.${site.fields[c]} "${text ?? '?'}" (${what}) is not ${integer ? 'an integer' : 'a number'}`,
        );
      }
      return v;
    };
    const str = (c: number, what: string): string => {
      const v = r[c];
      if (v === null || v === '')
        throw new StructureReadError(`mmCIF line ${line}: ${what} _atom_site.${site.fields[c]} is missing`);
      return v;
    };
    rows.push({
      line,
      hetero: cGroup >= 0 && r[cGroup] === 'HETATM',
      atomName: str(cAtom, 'atom name'),
      resName: str(cComp, 'residue name'),
      chain: str(cChain, 'chain id'),
      resSeq: num(cSeq, 'residue number', true),
      iCode: cIns >= 0 ? (r[cIns] ?? '') : '',
      x: num(cX, 'x coordinate', false),
      y: num(cY, 'y coordinate', false),
      z: num(cZ, 'z coordinate', false),
      b: cB >= 0 && r[cB] !== null ? num(cB, 'B-factor', false) : 0,
    });
  });
  return rows;
}

/** One chain (default: the first) of the first model of an mmCIF file, in atom37 layout. */
export function readMmcifChain(text: string, chainId?: string): ChainAtoms {
  return assembleChain(readMmcifAtoms(text), chainId, 'mmCIF');
}
