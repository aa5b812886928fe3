/**
 * Features of a given size from a random query and MSA (seeded): for memory predictions and
 * benchmarks, where only the sizes N_res, N_seq and N_extra matter, not the sequences.
 */

import type { FeatureDict } from './build-features.ts';
import { buildFeatures } from './build-features.ts';
import { makeRawFeatures } from './raw-features.ts';

const AA = 'ACDEFGHIKLMNPQRSTVWY';

/** Features with N_res = `nRes`, `nSeq` cluster rows and `nExtra` extra rows (no templates). */
export function syntheticFeatures(nRes: number, nSeq: number, nExtra: number, seed = 1): FeatureDict {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const query = Array.from({ length: nRes }, () => AA[Math.floor(rnd() * 20)]).join('');
  const sequences = [query];
  for (let r = 1; r < nSeq + nExtra; r++) {
    sequences.push(Array.from(query, (c) => (rnd() < 0.3 ? AA[Math.floor(rnd() * 20)] : c)).join(''));
  }
  const msa = {
    sequences,
    deletionMatrix: sequences.map(() => new Array<number>(nRes).fill(0)),
    descriptions: sequences.map((_, i) => `row${i}`),
  };
  return buildFeatures(makeRawFeatures(query, msa), { clusters: nSeq, extra: nExtra, msaSampling: 'none' });
}
