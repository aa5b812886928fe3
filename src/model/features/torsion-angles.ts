/**
 * Torsion angles of a structure from its atom37 coordinates (AF2 `all_atom.atom37_to_torsion_angles`,
 * supplement Algorithm 21 frames; used for template features). Seven torsions per residue:
 * pre-omega, phi, psi, chi1–4, each as (sin, cos) of the fourth atom in the frame of the first
 * three, plus the π-mirrored alternative for the symmetric chis and a mask.
 *
 * Arithmetic is float32 step by step in OpenFold's operation order (`Rigid.from_3_points` with
 * eps 1e-8, `invert().apply`, normalisation with +1e-8): the values of torsions whose atoms are
 * missing (mask 0) are numerical noise of exactly that arithmetic, yet they do reach the model
 * (AF2 does not zero them), so reproducing them needs the same rounding.
 * DISCREPANCY: AF2 (JAX) computes these in-model with r3 vectors and a different epsilon rule;
 * masked entries then differ from ours, valid (mask 1) entries agree to float32 rounding.
 */
import { chiAnglesAtomIndices, chiAnglesMask, chiPiPeriodic } from '../geometry/chi-angles.ts';
import { atomOrder, atomTypeNum, unkRestypeIndex } from './residue-constants.ts';

const f = Math.fround;
const EPS = f(1e-8);

export interface TorsionAngles {
  /** [N_res, 7, 2] (sin, cos) */
  sinCos: Float32Array;
  /** [N_res, 7, 2] with chi angles that are π-periodic flipped */
  altSinCos: Float32Array;
  /** [N_res, 7] */
  mask: Float32Array;
}

type V3 = [number, number, number];

/** (sin, cos) of the torsion a0-a1-a2-a3 as OpenFold computes it in float32. */
function torsionSinCos(a0: V3, a1: V3, a2: V3, a3: V3): [number, number] {
  // frame: p_neg_x_axis = a1, origin = a2, p_xy_plane = a0
  let e0: V3 = [f(a2[0] - a1[0]), f(a2[1] - a1[1]), f(a2[2] - a1[2])];
  let e1: V3 = [f(a0[0] - a2[0]), f(a0[1] - a2[1]), f(a0[2] - a2[2])];
  let d = f(Math.sqrt(f(f(f(f(e0[0] * e0[0]) + f(e0[1] * e0[1])) + f(e0[2] * e0[2])) + EPS)));
  e0 = [f(e0[0] / d), f(e0[1] / d), f(e0[2] / d)];
  const dot = f(f(f(e0[0] * e1[0]) + f(e0[1] * e1[1])) + f(e0[2] * e1[2]));
  e1 = [f(e1[0] - f(e0[0] * dot)), f(e1[1] - f(e0[1] * dot)), f(e1[2] - f(e0[2] * dot))];
  d = f(Math.sqrt(f(f(f(f(e1[0] * e1[0]) + f(e1[1] * e1[1])) + f(e1[2] * e1[2])) + EPS)));
  e1 = [f(e1[0] / d), f(e1[1] / d), f(e1[2] / d)];
  const e2: V3 = [
    f(f(e0[1] * e1[2]) - f(e0[2] * e1[1])),
    f(f(e0[2] * e1[0]) - f(e0[0] * e1[2])),
    f(f(e0[0] * e1[1]) - f(e0[1] * e1[0])),
  ];
  // inverse frame applied to a3: R^T a3 + (-(R^T origin)), row k of R^T is e_k
  const rel = (e: V3) =>
    f(
      f(f(f(e[0] * a3[0]) + f(e[1] * a3[1])) + f(e[2] * a3[2])) -
        f(f(f(e[0] * a2[0]) + f(e[1] * a2[1])) + f(e[2] * a2[2])),
    );
  const y = rel(e1);
  const z = rel(e2);
  const n = f(Math.sqrt(f(f(f(z * z) + f(y * y)) + EPS)));
  return [f(z / n), f(y / n)];
}

/**
 * @param aatype [N_res] AF2 restype (values > 20, e.g. gap 21, are treated as UNK)
 * @param positions [N_res, 37, 3] Å (float32 values)
 * @param atomMask [N_res, 37]
 */
export function atom37ToTorsionAngles(
  aatype: ArrayLike<number>,
  positions: ArrayLike<number>,
  atomMask: ArrayLike<number>,
): TorsionAngles {
  const n = aatype.length;
  const sinCos = new Float32Array(n * 14);
  const altSinCos = new Float32Array(n * 14);
  const mask = new Float32Array(n * 7);
  const zero: V3 = [0, 0, 0];
  const pos = (i: number, a: number): V3 => {
    if (i < 0) return zero; // the residue before the first one is all zeros (mask 0)
    const o = (i * atomTypeNum + a) * 3;
    return [f(positions[o]), f(positions[o + 1]), f(positions[o + 2])];
  };
  const m = (i: number, a: number): number => (i < 0 ? 0 : atomMask[i * atomTypeNum + a]);
  const [N, CA, C, O] = [atomOrder['N'], atomOrder['CA'], atomOrder['C'], atomOrder['O']];

  for (let i = 0; i < n; i++) {
    const r = Math.min(aatype[i], unkRestypeIndex);
    const atoms: [number, number][][] = [
      [
        [i - 1, CA],
        [i - 1, C],
        [i, N],
        [i, CA],
      ], // pre-omega
      [
        [i - 1, C],
        [i, N],
        [i, CA],
        [i, C],
      ], // phi
      [
        [i, N],
        [i, CA],
        [i, C],
        [i, O],
      ], // psi
    ];
    for (let k = 0; k < 4; k++) atoms.push(chiAnglesAtomIndices[r][k].map((a) => [i, a] as [number, number]));
    for (let t = 0; t < 7; t++) {
      const [p0, p1, p2, p3] = atoms[t].map(([ri, a]) => pos(ri, a));
      let [s, c] = torsionSinCos(p0, p1, p2, p3);
      if (t === 2) {
        // psi is mirrored (AF2 multiplies its (sin, cos) by -1)
        s = -s;
        c = -c;
      }
      const o = (i * 7 + t) * 2;
      sinCos[o] = s;
      sinCos[o + 1] = c;
      const flip = t >= 3 && chiPiPeriodic[r][t - 3] ? -1 : 1;
      altSinCos[o] = s * flip;
      altSinCos[o + 1] = c * flip;
      // every torsion needs its four atoms; chis also need to exist for the residue type
      const atomsPresent = atoms[t].reduce((p, [ri, a]) => p * m(ri, a), 1);
      mask[i * 7 + t] = t < 3 ? atomsPresent : chiAnglesMask[r][t - 3] * atomsPresent;
    }
  }
  return { sinCos, altSinCos, mask };
}
