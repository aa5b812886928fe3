/**
 * Derived rigid-group tables of AF2 supplement section 1.8 (Algorithm 24 `computeAllAtomCoordinates`
 * consumes them), computed from the literature positions and chi definitions exactly as
 * AlphaFold's `residue_constants._make_rigid_group_constants` does:
 *
 *   defaultFrame            [21, 8, 4, 4]  group → parent frame (groups 0–4: → backbone;
 *                                          5–7: chi(k) → chi(k−1)), row-major 4×4
 *   atom14ToRigidGroup      [21, 14]       rigid group (0..7) of each atom14 slot
 *   atom14Mask              [21, 14]       1 where the slot holds an atom
 *   atom14RigidGroupPositions [21, 14, 3]  literature position in its group's frame (Å)
 *   atom37ToRigidGroup      [21, 37]       same, atom37 columns
 *   atom37Mask              [21, 37]
 *   atom37RigidGroupPositions [21, 37, 3]
 *
 * All row-major, last axis fastest; rows follow AF2 restype order with UNK (row 20) all zero.
 * As in AF2, frames of groups a residue does not have (e.g. chi1..4 of ALA, and every group of UNK)
 * are all-zero matrices, not identities; values are stored as float32 like AF2's numpy tables.
 */

import {
  atomOrder,
  atomTypeNum,
  restype1to3,
  restypeNameToAtom14Names,
  restypes,
} from '../features/residue-constants.ts';
import { float32, int32, type NdArray } from '../ndarray.ts';
import { chiAnglesAtoms, chiAnglesMask } from './chi-angles.ts';
import { rigidGroupAtomPositions } from './rigid-group-atom-positions.ts';
import { identity4x4, makeRigidTransformation4x4, sub, type Vec3 } from './rigid-transform-4x4.ts';

/** Number of residue types incl. UNK. */
export const NUM_RESTYPES_WITH_UNK = 21;
/** Rigid groups per residue: backbone, pre-omega, phi, psi, chi1..chi4. */
export const NUM_RIGID_GROUPS = 8;

export interface RigidGroupTables {
  defaultFrame: NdArray<Float32Array>; // [21, 8, 4, 4]
  atom14ToRigidGroup: NdArray<Int32Array>; // [21, 14]
  atom14Mask: NdArray<Float32Array>; // [21, 14]
  atom14RigidGroupPositions: NdArray<Float32Array>; // [21, 14, 3]
  atom37ToRigidGroup: NdArray<Int32Array>; // [21, 37]
  atom37Mask: NdArray<Float32Array>; // [21, 37]
  atom37RigidGroupPositions: NdArray<Float32Array>; // [21, 37, 3]
}

function buildRigidGroupTables(): RigidGroupTables {
  const R = NUM_RESTYPES_WITH_UNK;
  const G = NUM_RIGID_GROUPS;
  const A37 = atomTypeNum;
  const t: RigidGroupTables = {
    defaultFrame: float32([R, G, 4, 4]),
    atom14ToRigidGroup: int32([R, 14]),
    atom14Mask: float32([R, 14]),
    atom14RigidGroupPositions: float32([R, 14, 3]),
    atom37ToRigidGroup: int32([R, A37]),
    atom37Mask: float32([R, A37]),
    atom37RigidGroupPositions: float32([R, A37, 3]),
  };

  restypes.forEach((letter, r) => {
    const resname = restype1to3[letter];
    const atom14Names = restypeNameToAtom14Names[resname];
    const pos = new Map<string, Vec3>();
    for (const [name, group, x, y, z] of rigidGroupAtomPositions[resname]) {
      pos.set(name, [x, y, z]);
      const a37 = atomOrder[name];
      t.atom37ToRigidGroup.data[r * A37 + a37] = group;
      t.atom37Mask.data[r * A37 + a37] = 1;
      t.atom37RigidGroupPositions.data.set([x, y, z], (r * A37 + a37) * 3);
      const a14 = atom14Names.indexOf(name);
      if (a14 < 0) throw new Error(`rigid-group atom ${name} of ${resname} has no atom14 slot`);
      t.atom14ToRigidGroup.data[r * 14 + a14] = group;
      t.atom14Mask.data[r * 14 + a14] = 1;
      t.atom14RigidGroupPositions.data.set([x, y, z], (r * 14 + a14) * 3);
    }
    const at = (name: string): Vec3 => {
      const p = pos.get(name);
      if (!p) throw new Error(`no literature position for atom ${name} of ${resname}`);
      return p;
    };
    const setFrame = (g: number, m: Float64Array) => t.defaultFrame.data.set(m, (r * G + g) * 16);

    setFrame(0, identity4x4()); // backbone → backbone
    setFrame(1, identity4x4()); // pre-omega → backbone (dummy: the group holds no atoms)
    // phi → backbone: x along CA→N, y from the global x axis.
    setFrame(2, makeRigidTransformation4x4(sub(at('N'), at('CA')), [1, 0, 0], at('N')));
    // psi → backbone: x along CA→C, y from N→CA.
    setFrame(3, makeRigidTransformation4x4(sub(at('C'), at('CA')), sub(at('CA'), at('N')), at('C')));
    // chi1 → backbone: x along CA→CB, y from CA→N (first three atoms of chi1), origin CB.
    const chis = chiAnglesAtoms[resname];
    if (chiAnglesMask[r][0]) {
      const [a0, a1, a2] = chis[0].map(at);
      setFrame(4, makeRigidTransformation4x4(sub(a2, a1), sub(a0, a1), a2));
    }
    // chi(k) → chi(k−1), k = 2..4: the axis-end atom of chi(k) is expressed in chi(k−1)'s frame,
    // whose origin is the start of the new axis, so the axis runs origin → that atom.
    for (let k = 1; k < 4; k++) {
      if (!chiAnglesMask[r][k]) continue;
      const axisEnd = at(chis[k][2]);
      setFrame(4 + k, makeRigidTransformation4x4(axisEnd, [-1, 0, 0], axisEnd));
    }
  });
  return t;
}

/** The tables, computed once at module load (small: ≈ 5 kB). */
export const rigidGroupTables: RigidGroupTables = buildRigidGroupTables();
