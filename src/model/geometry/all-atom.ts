/**
 * Algorithm 24 "computeAllAtomCoordinates", all lines (supplement section 1.8.4), in AF2's
 * form: `all_atom.torsion_angles_to_frames` (torsions → 8 rigid-group frames: backbone,
 * ω/φ/ψ and χ1 off the backbone, χ2–χ4 chained) and
 * `all_atom.frames_and_literature_positions_to_atom14_pos` (final step: literature positions →
 * atom14), plus `atom14_to_atom37`.
 *
 * Rigid groups (per residue, 8): 0 backbone, 1 pre-omega, 2 phi, 3 psi, 4–7 chi1–chi4.
 * Torsions (per residue, 7, as (sin, cos)): pre-omega, phi, psi, chi1–chi4; group 0 gets angle 0.
 * All coordinates in Å. Tables come from `rigid-group-tables.ts` (AF2 residue constants).
 */
import {
  atom14Num,
  atomTypeNum,
  restypeAtom37Mask,
  restypeAtom37ToAtom14,
} from '../features/residue-constants.ts';
import { float32, type NdArray } from '../ndarray.ts';
import type { Buf } from './quaternion.ts';
import {
  applyAt,
  composeAt,
  type Rigids,
  rigidsFromTensor4x4,
  rigidsToTensor4x4,
  zeroRigids,
} from './rigid.ts';
import { NUM_RESTYPES_WITH_UNK, NUM_RIGID_GROUPS, rigidGroupTables } from './rigid-group-tables.ts';

/** Torsion angles per residue: pre-omega, phi, psi, chi1..chi4. */
export const NUM_TORSIONS = 7;

function checkAatype(aatype: Int32Array): void {
  for (let i = 0; i < aatype.length; i++) {
    const r = aatype[i];
    if (!(r >= 0 && r < NUM_RESTYPES_WITH_UNK)) {
      throw new Error(`aatype[${i}] = ${r} is not a residue type (0..${NUM_RESTYPES_WITH_UNK - 1})`);
    }
  }
}

/**
 * Rigid-group frames to global, [N_res * 8] transforms (index i*8 + g).
 *   backbone  [N_res] backbone frames T_i (Å)
 *   angles    [N_res, 7, 2] (sin, cos), assumed unit length (the angle resnet normalises them)
 * Each group's frame to its parent is default_frame ∘ R_x(angle); chi2..chi4 chain onto the
 * previous chi, all others hang off the backbone; finally everything is composed with T_i.
 */
export function torsionAnglesToFrames(aatype: Int32Array, backbone: Rigids, angles: Buf): Rigids {
  const n = aatype.length;
  checkAatype(aatype);
  if (backbone.count !== n)
    throw new Error(`torsionAnglesToFrames: ${backbone.count} frames for ${n} residues`);
  if (angles.length !== n * NUM_TORSIONS * 2) {
    throw new Error(`torsionAnglesToFrames: angles have ${angles.length} values, want [${n}, 7, 2]`);
  }
  const G = NUM_RIGID_GROUPS;
  const defaults = rigidGroupTables.defaultFrame.data; // [21, 8, 4, 4]
  const toBackbone = zeroRigids(G); // one residue's group → backbone frames
  const rotX = zeroRigids(1);
  const out = zeroRigids(n * G);
  for (let i = 0; i < n; i++) {
    const local = rigidsFromTensor4x4(defaults, G, aatype[i] * G * 16); // group → parent
    for (let g = 0; g < G; g++) {
      // makeRotX: rotation about the group's x axis by its torsion (group 0: angle 0)
      const s = g === 0 ? 0 : angles[(i * NUM_TORSIONS + g - 1) * 2];
      const c = g === 0 ? 1 : angles[(i * NUM_TORSIONS + g - 1) * 2 + 1];
      rotX.rot.set([1, 0, 0, 0, c, -s, 0, s, c]);
      composeAt(local, g, rotX, 0, toBackbone, g);
    }
    // chi2, chi3, chi4 are relative to the previous chi frame
    for (let g = 5; g < G; g++) composeAt(toBackbone, g - 1, toBackbone, g, toBackbone, g);
    for (let g = 0; g < G; g++) composeAt(backbone, i, toBackbone, g, out, i * G + g);
  }
  return out;
}

/**
 * Last step: atom14 positions [N_res, 14, 3] = frame of the atom's rigid group applied to its
 * literature position; empty atom14 slots are 0.
 */
export function frameAndLiteraturePositionsToAtom14(aatype: Int32Array, frames: Rigids): Float32Array {
  const n = aatype.length;
  checkAatype(aatype);
  if (frames.count !== n * NUM_RIGID_GROUPS) {
    throw new Error(
      `atom14 positions: ${frames.count} frames for ${n} residues × ${NUM_RIGID_GROUPS} groups`,
    );
  }
  const t = rigidGroupTables;
  const out = new Float32Array(n * atom14Num * 3);
  const p = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const r = aatype[i];
    for (let a = 0; a < atom14Num; a++) {
      if (!t.atom14Mask.data[r * atom14Num + a]) continue;
      const g = t.atom14ToRigidGroup.data[r * atom14Num + a];
      applyAt(
        frames,
        i * NUM_RIGID_GROUPS + g,
        t.atom14RigidGroupPositions.data,
        (r * atom14Num + a) * 3,
        p,
        0,
      );
      out.set(p, (i * atom14Num + a) * 3);
    }
  }
  return out;
}

/** atom14 [N_res, 14, 3] → atom37 [N_res, 37, 3] (AF2 `atom14_to_atom37`, masked by atom existence). */
export function atom14ToAtom37(aatype: Int32Array, atom14: Buf): Float32Array {
  const n = aatype.length;
  checkAatype(aatype);
  const out = new Float32Array(n * atomTypeNum * 3);
  for (let i = 0; i < n; i++) {
    const r = aatype[i];
    for (let a = 0; a < atomTypeNum; a++) {
      if (!restypeAtom37Mask[r][a]) continue;
      const src = (i * atom14Num + restypeAtom37ToAtom14[r][a]) * 3;
      const dst = (i * atomTypeNum + a) * 3;
      out[dst] = atom14[src];
      out[dst + 1] = atom14[src + 1];
      out[dst + 2] = atom14[src + 2];
    }
  }
  return out;
}

export interface AllAtomCoordinates {
  /** [N_res, 8, 4, 4] rigid-group frames to global (Å) */
  frames: NdArray<Float32Array>;
  /** [N_res, 14, 3] */
  atom14: NdArray<Float32Array>;
  /** [N_res, 37, 3] */
  atom37: NdArray<Float32Array>;
}

/** Algorithm 24 plus the atom37 scatter, with 4×4 frames as output. */
export function computeAllAtomCoordinates(
  aatype: Int32Array,
  backbone: Rigids,
  angles: Buf,
): AllAtomCoordinates {
  const n = aatype.length;
  const frames = torsionAnglesToFrames(aatype, backbone, angles);
  const atom14 = frameAndLiteraturePositionsToAtom14(aatype, frames);
  return {
    frames: float32([n, NUM_RIGID_GROUPS, 4, 4], rigidsToTensor4x4(frames)),
    atom14: float32([n, atom14Num, 3], atom14),
    atom37: float32([n, atomTypeNum, 3], atom14ToAtom37(aatype, atom14)),
  };
}
