import { describe, expect, it } from 'vitest';
import {
  aatypeOfLetter,
  atomOrder,
  atomTypeElements,
  atomTypeNum,
  atomTypes,
  hhblitsAaToId,
  mapHhblitsToRestype,
  resnames,
  restype1to3,
  restype3to1,
  restypeAtom14Mask,
  restypeAtom14ToAtom37,
  restypeAtom37Mask,
  restypeAtom37ToAtom14,
  restypeNameToAtom14Names,
  restypeNum,
  restypes,
} from './residue-constants.ts';

describe('residue constants', () => {
  it('has the AF2 orders and sizes', () => {
    expect(restypes.join('')).toBe('ARNDCQEGHILKMFPSTWYV');
    expect(restypeNum).toBe(20);
    expect(atomTypes.length).toBe(atomTypeNum);
    expect(atomTypes.slice(0, 5)).toEqual(['N', 'CA', 'C', 'CB', 'O']);
    expect(atomTypes[36]).toBe('OXT');
    expect(atomOrder['CB']).toBe(3);
    expect(restype1to3['X']).toBe('UNK');
    expect(restype3to1['TRP']).toBe('W');
    expect(resnames.length).toBe(21);
    expect(new Set(atomTypeElements)).toEqual(new Set(['C', 'N', 'O', 'S']));
  });

  it('maps HHblits order to AF2 order', () => {
    // HHblits ACDEFGHIKLMNPQRSTVWY X - → AF2 indices
    expect(mapHhblitsToRestype).toEqual([
      0, 4, 3, 6, 13, 7, 8, 9, 11, 10, 12, 2, 14, 5, 1, 15, 16, 19, 17, 18, 20, 21,
    ]);
    expect(hhblitsAaToId['B']).toBe(hhblitsAaToId['D']);
    expect(hhblitsAaToId['Z']).toBe(hhblitsAaToId['E']);
    expect(hhblitsAaToId['U']).toBe(hhblitsAaToId['C']);
    expect(hhblitsAaToId['O']).toBe(20);
    expect(hhblitsAaToId['J']).toBe(20);
    expect(aatypeOfLetter('B')).toBe(20);
    expect(aatypeOfLetter('W')).toBe(17);
  });

  it('has consistent atom14/atom37 tables', () => {
    for (let r = 0; r < 21; r++) {
      const names = restypeNameToAtom14Names[resnames[r]];
      expect(names.length).toBe(14);
      let n14 = 0;
      for (let k = 0; k < 14; k++) {
        if (names[k] === '') continue;
        n14++;
        const a37 = restypeAtom14ToAtom37[r][k];
        expect(atomTypes[a37]).toBe(names[k]);
        expect(restypeAtom37ToAtom14[r][a37]).toBe(k);
        expect(restypeAtom37Mask[r][a37]).toBe(1);
      }
      expect(restypeAtom14Mask[r].reduce((a, b) => a + b, 0)).toBe(n14);
      expect(restypeAtom37Mask[r].reduce((a, b) => a + b, 0)).toBe(n14);
    }
    // TRP has 14 heavy atoms, GLY 4, UNK none
    expect(restypeAtom14Mask[17].every((v) => v === 1)).toBe(true);
    expect(restypeAtom14Mask[7].reduce((a, b) => a + b, 0)).toBe(4);
    expect(restypeAtom37Mask[20].every((v) => v === 0)).toBe(true);
  });
});
