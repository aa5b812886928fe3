/**
 * A synthetic prediction for tests and demos: any sequence, every atom AF2 would place for each
 * residue type (atom37 mask of the restype; X/UNK gets none, as in AF2 outputs), deterministic
 * pseudo-random coordinates spread along x, pLDDT in 20–95, and a PAE matrix.
 */

import { restypeAtom37Mask, restypeOrder, unkRestypeIndex } from '../features/residue-constants.ts';
import { ATOM37, type Prediction } from './types.ts';

/** Numerical Recipes LCG → [0, 1); deterministic across platforms. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function examplePrediction(sequence: string, seed = 1, firstResidueIndex = 0): Prediction {
  const nRes = sequence.length;
  const rand = lcg(seed);
  const aatype = Int32Array.from(sequence, (c) => restypeOrder[c] ?? unkRestypeIndex);
  const positions = new Float32Array(nRes * ATOM37 * 3); // [N_res, 37, 3]
  const atomMask = new Float32Array(nRes * ATOM37); // [N_res, 37]
  const plddt = new Float32Array(nRes); // [N_res]
  const pae = new Float32Array(nRes * nRes); // [N_res, N_res]
  for (let i = 0; i < nRes; i++) {
    plddt[i] = 20 + 75 * rand();
    for (let a = 0; a < ATOM37; a++) {
      atomMask[i * ATOM37 + a] = restypeAtom37Mask[aatype[i]][a];
      const p = (i * ATOM37 + a) * 3;
      positions[p] = i * 3.8 - 40 + 4 * (rand() - 0.5);
      positions[p + 1] = 20 * (rand() - 0.5);
      positions[p + 2] = -150 * rand();
    }
    for (let j = 0; j < nRes; j++) pae[i * nRes + j] = i === j ? 0.25 + 0.1 * rand() : 31.75 * rand();
  }
  const residueIndex = Int32Array.from({ length: nRes }, (_, i) => firstResidueIndex + i);
  return { positions, atomMask, aatype, residueIndex, plddt, pae, maxPae: 31.75, ptm: 0.4321, chainId: 'A' };
}
