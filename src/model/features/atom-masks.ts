/**
 * Per-residue atom14/atom37 index maps and existence masks (AF2 `make_atom14_masks`).
 */
import { float32, int32, type NdArray } from '../ndarray.ts';
import {
  atom14Num,
  atomTypeNum,
  restypeAtom14Mask,
  restypeAtom14ToAtom37,
  restypeAtom37Mask,
  restypeAtom37ToAtom14,
} from './residue-constants.ts';

export interface Atom14Masks {
  /** [N_res, 14] float32 */
  atom14_atom_exists: NdArray<Float32Array>;
  /** [N_res, 14] int32 (0 where the slot is empty) */
  residx_atom14_to_atom37: NdArray<Int32Array>;
  /** [N_res, 37] int32 (0 where the atom is absent) */
  residx_atom37_to_atom14: NdArray<Int32Array>;
  /** [N_res, 37] float32 */
  atom37_atom_exists: NdArray<Float32Array>;
}

export function makeAtom14Masks(aatype: Int32Array): Atom14Masks {
  const n = aatype.length;
  const m: Atom14Masks = {
    atom14_atom_exists: float32([n, atom14Num]),
    residx_atom14_to_atom37: int32([n, atom14Num]),
    residx_atom37_to_atom14: int32([n, atomTypeNum]),
    atom37_atom_exists: float32([n, atomTypeNum]),
  };
  for (let i = 0; i < n; i++) {
    const r = aatype[i];
    m.atom14_atom_exists.data.set(restypeAtom14Mask[r], i * atom14Num);
    m.residx_atom14_to_atom37.data.set(restypeAtom14ToAtom37[r], i * atom14Num);
    m.residx_atom37_to_atom14.data.set(restypeAtom37ToAtom14[r], i * atomTypeNum);
    m.atom37_atom_exists.data.set(restypeAtom37Mask[r], i * atomTypeNum);
  }
  return m;
}
