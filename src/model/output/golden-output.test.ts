/**
 * The writers on a real AF2 output: the golden run's final atom37 positions, mask, pLDDT, PAE
 * and pTM (OpenFold, shrunk model_1_ptm; see test/fixtures/golden/README.md).
 */
import { describe, expect, it } from 'vitest';
import { loadNpz } from '../../../test/helpers/golden-npz.ts';
import { readMmcifChain } from '../structure/mmcif-reader.ts';
import { readPdbChain } from '../structure/pdb-reader.ts';
import { toMmcif } from './mmcif-writer.ts';
import {
  molstarAtoms,
  molstarModelFromMmcif,
  molstarModelFromPdb,
  molstarQualityAssessment,
} from './molstar-read.test-util.ts';
import { toPaeJson, validatePaeJson } from './pae-json.ts';
import { toPdb } from './pdb-writer.ts';
import type { Prediction } from './types.ts';

const dir = 'test/fixtures/golden';
const HP35 = 'LSDEDFKAVFGMTRSAFANLPLWKQQNLKKEKGLF';

describe('writers on the golden AF2 output', () => {
  const inputs = loadNpz(`${dir}/inputs.npz`);
  const outputs = loadNpz(`${dir}/outputs.npz`);
  const pred: Prediction = {
    positions: outputs.final_atom_positions.data as Float32Array,
    atomMask: outputs.final_atom_mask.data as Float32Array,
    aatype: inputs.aatype.data as Int32Array,
    residueIndex: inputs.residue_index.data as Int32Array,
    plddt: outputs.plddt.data as Float32Array,
    pae: outputs.predicted_aligned_error.data as Float32Array,
    maxPae: Number(outputs.max_predicted_aligned_error.data[0]),
    ptm: Number(outputs.ptm_score.data[0]),
  };
  const n = HP35.length;
  let atoms = 0;
  for (const m of pred.atomMask) if (m >= 0.5) atoms++;

  it('Mol* reads the PDB and mmCIF back with the golden coordinates and pLDDT', async () => {
    for (const model of [
      await molstarModelFromPdb(toPdb(pred)),
      await molstarModelFromMmcif(toMmcif(pred)),
    ]) {
      const got = molstarAtoms(model);
      expect(got.length).toBe(atoms);
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < 37; a++) {
          if (pred.atomMask[i * 37 + a] < 0.5) continue;
          const g = got[k++];
          for (const [c, v] of [g.x, g.y, g.z].entries()) {
            expect(Math.abs(v - pred.positions[(i * 37 + a) * 3 + c])).toBeLessThanOrEqual(5e-4 + 1e-5);
          }
          expect(Math.abs(g.b - pred.plddt[i])).toBeLessThanOrEqual(5e-3 + 1e-5);
        }
      }
    }
    const qa = await molstarQualityAssessment(await molstarModelFromMmcif(toMmcif(pred)));
    expect(qa.pLDDT?.size).toBe(n);
  });

  it('our readers recover sequence, numbering and atoms', () => {
    for (const chain of [readPdbChain(toPdb(pred)), readMmcifChain(toMmcif(pred))]) {
      expect(chain.sequence).toBe(HP35);
      expect(Array.from(chain.residueNumbers)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(Array.from(chain.atomMask)).toEqual(Array.from(pred.atomMask));
    }
  });

  it('PAE JSON validates against the AFDB layout with max PAE 31.75', () => {
    expect(pred.maxPae).toBe(31.75);
    const json = JSON.parse(toPaeJson(pred.pae!, n, { maxPae: pred.maxPae }));
    expect(validatePaeJson(json, n)).toEqual([]);
  });
});
