import { describe, expect, it } from 'vitest';
import { values } from '../../../test/helpers/golden-npz.ts';
import { examplePrediction } from '../output/example-structure.ts';
import { toMmcif } from '../output/mmcif-writer.ts';
import { toPdb } from '../output/pdb-writer.ts';
import { readMmcifChain, readPdbChain } from './structure-reader.ts';
import { buildTemplateFeatures, templateFromChain } from './template-features.ts';

const atom = (
  serial: number,
  name: string,
  res: string,
  chain: string,
  seq: number,
  xyz: number[],
  het = false,
) =>
  `${(het ? 'HETATM' : 'ATOM').padEnd(6)}${String(serial).padStart(5)} ${name.length < 4 ? ` ${name.padEnd(3)}` : name} ${res} ${chain}${String(seq).padStart(4)}    ${xyz.map((v) => v.toFixed(3).padStart(8)).join('')}  1.00 50.00           ${name[0]}`;

describe('structure readers', () => {
  const p = examplePrediction('MKGWXA', 3);

  for (const [label, text, read] of [
    ['PDB', toPdb(p), readPdbChain],
    ['mmCIF', toMmcif(p), readMmcifChain],
  ] as const) {
    it(`reads back what the ${label} writer wrote`, () => {
      const c = read(text);
      expect(c.chainId).toBe('A');
      // X/UNK has no atoms in AF2 outputs, so it is absent from the file
      expect(c.sequence).toBe('MKGWA');
      expect(c.residueNumbers).toEqual(['1', '2', '3', '4', '6']);
      const rows = [0, 1, 2, 3, 5];
      rows.forEach((r, i) => {
        for (let a = 0; a < 37; a++) {
          expect(c.atomMask[i * 37 + a]).toBe(p.atomMask[r * 37 + a]);
          if (!p.atomMask[r * 37 + a]) continue;
          for (let x = 0; x < 3; x++) {
            expect(c.atomPositions[(i * 37 + a) * 3 + x]).toBeCloseTo(p.positions[(r * 37 + a) * 3 + x], 3);
          }
        }
        expect(c.bFactors[i]).toBeCloseTo(p.plddt[r], 2);
      });
    });
  }

  it('handles MSE, alternate locations, ligands, waters, chains and models', () => {
    const pdb = [
      'MODEL        1',
      atom(1, 'N', 'MSE', 'B', 5, [1, 2, 3], true),
      atom(2, 'CA', 'MSE', 'B', 5, [2, 2, 3], true),
      atom(3, 'SE', 'MSE', 'B', 5, [3, 2, 3], true),
      atom(4, 'CA', 'GLY', 'B', 6, [4, 2, 3]),
      atom(5, 'CA', 'GLY', 'B', 6, [9, 9, 9]), // second altloc: ignored
      atom(6, 'H', 'GLY', 'B', 6, [4, 2, 3]), // hydrogen: ignored
      atom(7, 'C1', 'NAG', 'B', 7, [0, 0, 0], true),
      atom(8, 'O', 'HOH', 'B', 8, [0, 0, 0], true),
      atom(9, 'CA', 'ALA', 'C', 1, [0, 0, 0]),
      'ENDMDL',
      'MODEL        2',
      atom(10, 'CA', 'ALA', 'B', 9, [0, 0, 0]),
      'ENDMDL',
    ].join('\n');
    expect(readPdbChain(pdb).chainId).toBe('B');
    const c = readPdbChain(pdb, 'B');
    expect(c.sequence).toBe('MG');
    expect(c.resnames).toEqual(['MET', 'GLY']);
    expect(c.atomMask[0 * 37 + 18]).toBe(1); // SD from SE
    expect(Array.from(c.atomPositions.subarray((37 + 1) * 3, (37 + 1) * 3 + 3))).toEqual([4, 2, 3]);
    expect(readPdbChain(pdb, 'C').sequence).toBe('A');
    expect(() => readPdbChain(pdb, 'Z')).toThrow(/chain 'Z' not found \(chains: B, C\)/);
  });

  it('names the line of a bad record, and empty inputs', () => {
    const bad = `${atom(1, 'CA', 'GLY', 'A', 1, [1, 2, 3]).slice(0, 30)}   abc.def  2.000   3.000`;
    expect(() => readPdbChain(`REMARK x\n${bad}`)).toThrow(/PDB line 2: bad x coordinate 'abc\.d'/);
    expect(() => readPdbChain('REMARK nothing\n')).toThrow(/PDB: no atom records/);
    expect(() => readMmcifChain('data_x\n_entry.id x\n')).toThrow(/no _atom_site loop/);
  });

  it('builds template features from a read chain and an alignment', () => {
    const c = readPdbChain(toPdb(examplePrediction('MKGW', 5)));
    const tpl = templateFromChain(c, [0, null, 2, 3, -1]);
    expect(tpl.sequence).toBe('M-GW-');
    const f = buildTemplateFeatures([tpl], 5);
    expect(values(f.template_aatype)).toEqual([12, 21, 7, 17, 21]);
    expect(values(f.template_pseudo_beta_mask)).toEqual([1, 0, 1, 1, 0]);
    expect(() => templateFromChain(c, [7])).toThrow(/query position 1 maps to residue 8 but the chain has 4/);
  });
});
