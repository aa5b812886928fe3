import { describe, expect, it } from 'vitest';
import { examplePrediction } from '../output/example-structure.ts';
import { toMmcif } from '../output/mmcif-writer.ts';
import { toPdb } from '../output/pdb-writer.ts';
import type { Prediction } from '../output/types.ts';
import { parseCifBlock, tokenizeCif } from './cif-tokens.ts';
import { readMmcifChain } from './mmcif-reader.ts';
import { readPdbChain } from './pdb-reader.ts';
import type { ChainAtoms } from './types.ts';

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQWCHPGDEFLNV';

function expectSameStructure(got: ChainAtoms, p: Prediction, sequence: string) {
  expect(got.sequence).toBe(sequence);
  expect(Array.from(got.residueNumbers)).toEqual(Array.from(p.residueIndex, (i) => i + 1));
  expect(got.insertionCodes.every((c) => c === '')).toBe(true);
  expect(Array.from(got.atomMask)).toEqual(Array.from(p.atomMask));
  for (let k = 0; k < p.positions.length; k++) {
    if (p.atomMask[Math.floor(k / 3)] < 0.5) continue;
    expect(Math.abs(got.positions[k] - p.positions[k])).toBeLessThanOrEqual(5e-4 + 1e-5);
  }
  for (let i = 0; i < p.plddt.length; i++)
    expect(Math.abs(got.bFactors[i] - p.plddt[i])).toBeLessThanOrEqual(5e-3 + 1e-5);
}

describe('structure readers round-trip the writers', () => {
  const p = examplePrediction(SEQUENCE, 11, 9);

  it('PDB', () => {
    const got = readPdbChain(toPdb(p, { model: 1 }));
    expect(got.chainId).toBe('A');
    expect(got.chainsPresent).toEqual(['A']);
    expectSameStructure(got, p, SEQUENCE);
    expect(got.resNames[0]).toBe('MET');
  });

  it('mmCIF', () => {
    const got = readMmcifChain(toMmcif(p, { includePae: true }), 'A');
    expect(got.chainsPresent).toEqual(['A']);
    expectSameStructure(got, p, SEQUENCE);
  });

  it('a chain other than A, and residues without atoms (UNK) are absent', () => {
    const q = { ...examplePrediction('GAXW', 2), chainId: 'B' };
    for (const got of [readPdbChain(toPdb(q), 'B'), readMmcifChain(toMmcif(q), 'B')]) {
      expect(got.sequence).toBe('GAW');
      expect(Array.from(got.residueNumbers)).toEqual([1, 2, 4]);
    }
  });
});

const PDB_REAL = `HEADER    TEST
MODEL        1
ATOM      1  N   MET A   1      27.340  24.430   2.614  1.00  9.67           N
ATOM      2  CA AMET A   1      26.266  25.413   2.842  0.50 10.38           C
ATOM      3  CA BMET A   1      26.000  25.000   2.000  0.50 10.38           C
ATOM      4  H   MET A   1      27.000  24.000   2.000  1.00  9.67           H
HETATM    5  N   MSE A   2      25.112  24.880   3.649  1.00 10.53           N
HETATM    6  CA  MSE A   2      25.353  24.860   5.134  1.00 12.13           C
HETATM    7 SE   MSE A   2      23.000  24.000   5.000  1.00 12.13          SE
ATOM      8  N   GLY A   2A     24.000  23.000   6.000  1.00 20.00           N
TER       9      GLY A   2A
ATOM     10  N   ALA B   5      10.000  10.000  10.000  1.00 30.00           N
HETATM   11  O   HOH A 101      10.000  10.000  10.000  1.00 30.00           O
HETATM   12 ZN    ZN A 102      10.000  10.000  10.000  1.00 30.00          ZN
ENDMDL
MODEL        2
ATOM      1  N   LYS C   1      27.340  24.430   2.614  1.00  9.67           N
ENDMDL
END
`;

describe('PDB reader on real-file features', () => {
  it('keeps the first altLoc, drops H, waters and ions, reads MSE as MET, keeps insertion codes', () => {
    const got = readPdbChain(PDB_REAL);
    expect(got.chainsPresent).toEqual(['A', 'B']);
    expect(got.sequence).toBe('MMG');
    expect(got.resNames).toEqual(['MET', 'MET', 'GLY']);
    expect(Array.from(got.residueNumbers)).toEqual([1, 2, 2]);
    expect(got.insertionCodes).toEqual(['', '', 'A']);
    const CA = 1;
    const SD = 18;
    expect(Array.from(got.positions.subarray(CA * 3, CA * 3 + 3))).toEqual(
      [26.266, 25.413, 2.842].map(Math.fround),
    );
    expect(got.atomMask[37 + SD]).toBe(1);
    expect(got.bFactors[0]).toBeCloseTo(10.38, 5); // CA's B-factor
    expect(got.bFactors[2]).toBeCloseTo(20, 5); // no CA: first atom's
    expect(readPdbChain(PDB_REAL, 'B').sequence).toBe('A');
  });

  it('errors name the chain and the chains present', () => {
    expect(() => readPdbChain(PDB_REAL, 'C')).toThrow('PDB: chain "C" not found; chains present: "A", "B"');
  });

  it('errors when there are no atoms', () => {
    expect(() => readPdbChain('HEADER    NOTHING\nEND\n')).toThrow(
      'PDB: no atoms found (no ATOM/HETATM records)',
    );
    expect(() =>
      readPdbChain('HETATM    1  O   HOH A   1      10.000  10.000  10.000  1.00 30.00           O\n'),
    ).toThrow('PDB: chain "A" has no amino-acid residues');
  });

  it('errors name the malformed line and field', () => {
    const bad = PDB_REAL.replace('  24.430   2.614', '  24.43x   2.614');
    expect(() => readPdbChain(bad)).toThrow(
      'PDB line 3: y coordinate "24.43x" (columns 39–46) is not a number',
    );
    const badSeq = PDB_REAL.replace('MET A   1      26.266', 'MET A   ?      26.266');
    expect(() => readPdbChain(badSeq)).toThrow(
      'PDB line 4: residue number "?" (columns 23–26) is not an integer',
    );
    expect(() => readPdbChain('ATOM      1  N   MET A   1      27.340\n')).toThrow(
      /PDB line 1: ATOM record is 38 characters/,
    );
  });
});

const CIF_REAL = `data_TEST
# comment
_entry.id TEST
_struct.title 'a title with # inside'
_struct_keywords.text
;multi-line
text field
;
loop_
_atom_site.group_PDB
_atom_site.id
_atom_site.type_symbol
_atom_site.label_atom_id
_atom_site.label_alt_id
_atom_site.label_comp_id
_atom_site.label_asym_id
_atom_site.label_seq_id
_atom_site.pdbx_PDB_ins_code
_atom_site.Cartn_x
_atom_site.Cartn_y
_atom_site.Cartn_z
_atom_site.B_iso_or_equiv
_atom_site.auth_seq_id
_atom_site.auth_asym_id
_atom_site.auth_atom_id
_atom_site.auth_comp_id
_atom_site.pdbx_PDB_model_num
ATOM   1 N N   . MET A 1 ? 1.0 2.0 3.0 40.0 10 X N   MET 1
ATOM   2 C CA  A MET A 1 ? 1.5 2.5 3.5 41.0 10 X CA  MET 1
ATOM   3 C CA  B MET A 1 ? 9.9 9.9 9.9 41.0 10 X CA  MET 1
HETATM 4 N N   . MSE A 2 ? 4.0 5.0 6.0 50.0 11 X N   MSE 1
HETATM 5 SE SE . MSE A 2 ? 4.5 5.5 6.5 50.0 11 X SE  MSE 1
ATOM   6 N "N" . GLY B 1 ? 7.0 8.0 9.0 60.0 20 Y 'N' GLY 1
HETATM 7 O O   . HOH C . ? 0.0 0.0 0.0 10.0 101 X O HOH 1
ATOM   8 N N   . LYS A 1 ? 0.0 0.0 0.0 10.0 10 Z N   LYS 2
#
`;

describe('mmCIF reader on real-file features', () => {
  it('reads author chains and numbers, the first model, first altLoc, MSE as MET, quoted values', () => {
    const got = readMmcifChain(CIF_REAL);
    expect(got.chainId).toBe('X');
    expect(got.chainsPresent).toEqual(['X', 'Y']);
    expect(got.sequence).toBe('MM');
    expect(Array.from(got.residueNumbers)).toEqual([10, 11]);
    expect(Array.from(got.positions.subarray(3, 6))).toEqual([1.5, 2.5, 3.5]);
    expect(got.atomMask[37 + 18]).toBe(1); // SD from SE
    expect(got.bFactors[0]).toBe(41);
    const y = readMmcifChain(CIF_REAL, 'Y');
    expect(y.sequence).toBe('G');
    expect(y.atomMask[0]).toBe(1);
  });

  it('errors name the chain and the chains present', () => {
    expect(() => readMmcifChain(CIF_REAL, 'Z')).toThrow(
      'mmCIF: chain "Z" not found; chains present: "X", "Y"',
    );
  });

  it('errors when there are no atoms', () => {
    expect(() => readMmcifChain('data_X\n_entry.id X\n')).toThrow(
      'mmCIF: no atoms found (no _atom_site category)',
    );
    expect(() => readMmcifChain('# nothing\n')).toThrow('mmCIF: no data_ block found');
  });

  it('errors name the malformed line', () => {
    const bad = CIF_REAL.replace('HETATM 4 N N   . MSE A 2 ? 4.0', 'HETATM 4 N N   . MSE A 2 ? 4.0q');
    expect(() => readMmcifChain(bad)).toThrow(
      'mmCIF line 31: _atom_site.Cartn_x "4.0q" (x coordinate) is not a number',
    );
    const short = CIF_REAL.replace(
      'ATOM   8 N N   . LYS A 1 ? 0.0 0.0 0.0 10.0 10 Z N   LYS 2',
      'ATOM 8 N N',
    );
    expect(() => readMmcifChain(short)).toThrow(
      /mmCIF line 35: loop _atom_site has 130 values, not a multiple of its 18 fields/,
    );
    expect(() => readMmcifChain(`${CIF_REAL}_x.y 'open\n`)).toThrow(
      /mmCIF line 37: quoted value 'open is not closed/,
    );
  });

  it('tokenizer handles quotes with embedded quotes and text fields', () => {
    const toks = tokenizeCif(`_a.b 'it's here' "x" ;notfield\n;text\nmore\n;\n`).map((t) => t.text);
    expect(toks).toEqual(['_a.b', "it's here", 'x', ';notfield', 'text\nmore']);
    const cats = parseCifBlock(CIF_REAL);
    expect(cats.get('struct')?.rows[0][0]).toBe('a title with # inside');
    expect(cats.get('struct_keywords')?.rows[0][0]).toBe('multi-line\ntext field');
  });
});
