import { restypeNum } from '../features/residue-constants.ts';
import { ATOM37, type PredictedStructure } from './types.ts';

/**
 * Checks the array lengths and value ranges of a structure and returns N_res.
 * Errors name the array, the expected length and the actual one.
 */
export function validateStructure(s: PredictedStructure): number {
  const nRes = s.aatype.length;
  if (nRes === 0) throw new Error('structure has no residues (aatype is empty)');
  const expect = (name: string, actual: number, expected: number, shape: string) => {
    if (actual !== expected) {
      throw new Error(`${name} has length ${actual}, expected ${expected} = ${shape} with N_res = ${nRes}`);
    }
  };
  expect('positions', s.positions.length, nRes * ATOM37 * 3, '[N_res, 37, 3]');
  expect('atomMask', s.atomMask.length, nRes * ATOM37, '[N_res, 37]');
  expect('residueIndex', s.residueIndex.length, nRes, '[N_res]');
  expect('plddt', s.plddt.length, nRes, '[N_res]');
  for (let i = 0; i < nRes; i++) {
    const a = s.aatype[i];
    if (!(a >= 0 && a <= restypeNum)) {
      throw new Error(`aatype[${i}] = ${a} is not a residue type (0..${restypeNum}, ${restypeNum} = UNK)`);
    }
    if (!Number.isFinite(s.plddt[i])) throw new Error(`plddt[${i}] = ${s.plddt[i]} is not finite`);
  }
  return nRes;
}
