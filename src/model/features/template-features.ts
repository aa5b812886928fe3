/**
 * Template features from aligned template structures (AF2 `templates.py` output as processed by
 * `fix_templates_aatype`, `make_template_mask`, `make_pseudo_beta('template_')` and
 * `atom37_to_torsion_angles('template_')`). Keys and shapes as in the golden
 * `inputs_templates.npz` (T templates):
 *   template_aatype [T,N] i32, template_all_atom_positions [T,N,37,3], template_all_atom_mask
 *   [T,N,37], template_sum_probs [T,1], template_mask [T], template_pseudo_beta [T,N,3],
 *   template_pseudo_beta_mask [T,N], template_torsion_angles_sin_cos [T,N,7,2],
 *   template_alt_torsion_angles_sin_cos [T,N,7,2], template_torsion_angles_mask [T,N,7],
 *   raw_template_aatype_onehot_hhblits [T,N,22].
 */
import { float32, int32 } from '../ndarray.ts';
import type { ChainAtoms } from '../structure/types.ts';
import type { FeatureDict } from './build-features.ts';
import { FeatureInputError } from './errors.ts';
import {
  atomOrder,
  atomTypeNum,
  hhblitsAaToId,
  mapHhblitsToRestype,
  restypeOrder,
} from './residue-constants.ts';
import { atom37ToTorsionAngles } from './torsion-angles.ts';

export interface TemplateInput {
  /**
   * Template residue aligned to each query position (HHblits alphabet, upper case; '-' where the
   * template has no residue), length N_res.
   */
  sequence: string;
  /** [N_res, 37, 3] atom37 coordinates in Å (zeros where absent). */
  atomPositions: ArrayLike<number>;
  /** [N_res, 37] 1 where the atom is present. */
  atomMask: ArrayLike<number>;
  /** HHsearch sum of probabilities (AF2 `template_sum_probs`); default 1. */
  sumProbs?: number;
}

export function buildTemplateFeatures(templates: TemplateInput[], numRes: number): FeatureDict {
  const T = templates.length;
  const N = numRes;
  const aatype = int32([T, N]);
  const onehot = float32([T, N, 22]);
  const positions = float32([T, N, atomTypeNum, 3]);
  const mask = float32([T, N, atomTypeNum]);
  const sumProbs = float32([T, 1]);
  const tMask = float32([T]);
  const pb = float32([T, N, 3]);
  const pbMask = float32([T, N]);
  const sinCos = float32([T, N, 7, 2]);
  const alt = float32([T, N, 7, 2]);
  const torsionMask = float32([T, N, 7]);
  const [CA, CB, G] = [atomOrder['CA'], atomOrder['CB'], restypeOrder['G']];

  templates.forEach((tpl, t) => {
    const name = `template ${t + 1}`;
    if (tpl.sequence.length !== N) {
      throw new FeatureInputError(`${name}: sequence has ${tpl.sequence.length} positions, the query ${N}`);
    }
    if (tpl.atomPositions.length !== N * atomTypeNum * 3) {
      throw new FeatureInputError(
        `${name}: atom positions have ${tpl.atomPositions.length} values, expected [${N}, 37, 3]`,
      );
    }
    if (tpl.atomMask.length !== N * atomTypeNum) {
      throw new FeatureInputError(
        `${name}: atom mask has ${tpl.atomMask.length} values, expected [${N}, 37]`,
      );
    }
    positions.data.set(tpl.atomPositions, t * N * atomTypeNum * 3);
    mask.data.set(tpl.atomMask, t * N * atomTypeNum);
    sumProbs.data[t] = tpl.sumProbs ?? 1;
    tMask.data[t] = 1;
    for (let i = 0; i < N; i++) {
      const h = hhblitsAaToId[tpl.sequence[i]];
      if (h === undefined) {
        throw new FeatureInputError(`${name}: invalid residue '${tpl.sequence[i]}' at position ${i + 1}`);
      }
      onehot.data[(t * N + i) * 22 + h] = 1;
      const r = mapHhblitsToRestype[h];
      aatype.data[t * N + i] = r;
      // pseudo-beta: CB, or CA for glycine
      const a = r === G ? CA : CB;
      const o = ((t * N + i) * atomTypeNum + a) * 3;
      pb.data.set(positions.data.subarray(o, o + 3), (t * N + i) * 3);
      pbMask.data[t * N + i] = mask.data[(t * N + i) * atomTypeNum + a];
    }
    const tor = atom37ToTorsionAngles(
      aatype.data.subarray(t * N, (t + 1) * N),
      positions.data.subarray(t * N * atomTypeNum * 3, (t + 1) * N * atomTypeNum * 3),
      mask.data.subarray(t * N * atomTypeNum, (t + 1) * N * atomTypeNum),
    );
    sinCos.data.set(tor.sinCos, t * N * 14);
    alt.data.set(tor.altSinCos, t * N * 14);
    torsionMask.data.set(tor.mask, t * N * 7);
  });

  return {
    template_aatype: aatype,
    template_all_atom_positions: positions,
    template_all_atom_mask: mask,
    template_sum_probs: sumProbs,
    template_mask: tMask,
    template_pseudo_beta: pb,
    template_pseudo_beta_mask: pbMask,
    template_torsion_angles_sin_cos: sinCos,
    template_alt_torsion_angles_sin_cos: alt,
    template_torsion_angles_mask: torsionMask,
    raw_template_aatype_onehot_hhblits: onehot,
  };
}

/**
 * A template from a read chain and an alignment: `mapping[i]` is the chain residue aligned to
 * query position i, or null/-1 where none is (those positions get '-', zero atoms, mask 0).
 */
export function templateFromChain(
  chain: Pick<ChainAtoms, 'sequence' | 'positions' | 'atomMask'>,
  mapping: readonly (number | null)[],
  sumProbs?: number,
): TemplateInput {
  const N = mapping.length;
  const atomPositions = new Float32Array(N * atomTypeNum * 3);
  const atomMask = new Float32Array(N * atomTypeNum);
  let sequence = '';
  mapping.forEach((j, i) => {
    if (j === null || j < 0) {
      sequence += '-';
      return;
    }
    if (j >= chain.sequence.length) {
      throw new FeatureInputError(
        `template alignment: query position ${i + 1} maps to residue ${j + 1} but the chain has ${chain.sequence.length}`,
      );
    }
    sequence += chain.sequence[j];
    atomPositions.set(
      chain.positions.subarray(j * atomTypeNum * 3, (j + 1) * atomTypeNum * 3),
      i * atomTypeNum * 3,
    );
    atomMask.set(chain.atomMask.subarray(j * atomTypeNum, (j + 1) * atomTypeNum), i * atomTypeNum);
  });
  return { sequence, atomPositions, atomMask, sumProbs };
}
