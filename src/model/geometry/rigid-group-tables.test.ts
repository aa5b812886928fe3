import { describe, expect, it } from 'vitest';
import {
  atomOrder,
  restype1to3,
  restypeAtom14Mask,
  restypeNameToAtom14Names,
  restypes,
} from '../features/residue-constants.ts';
import { chiAnglesAtomIndices, chiAnglesAtoms, chiAnglesMask, chiPiPeriodic } from './chi-angles.ts';
import { rigidGroupAtomPositions } from './rigid-group-atom-positions.ts';
import { NUM_RIGID_GROUPS, rigidGroupTables as t } from './rigid-group-tables.ts';
import { makeRigidTransformation4x4 } from './rigid-transform-4x4.ts';

type V = [number, number, number];

/** frame r, g as a row-major 4×4 slice */
function frame(r: number, g: number): Float32Array {
  return t.defaultFrame.data.subarray((r * NUM_RIGID_GROUPS + g) * 16, (r * NUM_RIGID_GROUPS + g + 1) * 16);
}
function apply(m: ArrayLike<number>, p: V): V {
  return [0, 1, 2].map(
    (i) => m[i * 4] * p[0] + m[i * 4 + 1] * p[1] + m[i * 4 + 2] * p[2] + m[i * 4 + 3],
  ) as V;
}
function compose(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) out[i * 4 + j] += a[i * 4 + k] * b[k * 4 + j];
  return out;
}
const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V, b: V) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V, b: V): V => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dist = (a: V, b: V) => Math.hypot(...sub(a, b));
/** IUPAC dihedral a-b-c-d in degrees, (−180, 180] */
function dihedral(a: V, b: V, c: V, d: V): number {
  const b0 = sub(a, b);
  const b1 = sub(c, b);
  const b2 = sub(d, c);
  const n1 = Math.hypot(...b1);
  const u: V = [b1[0] / n1, b1[1] / n1, b1[2] / n1];
  const v = sub(b0, u.map((x) => x * dot(b0, u)) as V);
  const w = sub(b2, u.map((x) => x * dot(b2, u)) as V);
  return (Math.atan2(dot(cross(u, v), w), dot(v, w)) * 180) / Math.PI;
}

/**
 * Backbone-frame positions of every atom of one residue with all torsions at 0, by chaining
 * the default frames (chi(k) frames are relative to chi(k−1)).
 */
function idealisedResidue(r: number): Map<string, V> {
  const resname = restype1to3[restypes[r]];
  const toBackbone: number[][] = [];
  for (let g = 0; g < NUM_RIGID_GROUPS; g++) {
    toBackbone.push(g < 5 ? Array.from(frame(r, g)) : compose(toBackbone[g - 1], frame(r, g)));
  }
  const out = new Map<string, V>();
  for (const [name, g, x, y, z] of rigidGroupAtomPositions[resname])
    out.set(name, apply(toBackbone[g], [x, y, z]));
  return out;
}

describe('rigid-group tables', () => {
  it('have AF2 shapes', () => {
    expect(t.defaultFrame.shape).toEqual([21, 8, 4, 4]);
    expect(t.defaultFrame.data.length).toBe(21 * 8 * 16);
    expect(t.atom14ToRigidGroup.shape).toEqual([21, 14]);
    expect(t.atom14Mask.shape).toEqual([21, 14]);
    expect(t.atom14RigidGroupPositions.shape).toEqual([21, 14, 3]);
    expect(t.atom37ToRigidGroup.shape).toEqual([21, 37]);
    expect(t.atom37Mask.shape).toEqual([21, 37]);
    expect(t.atom37RigidGroupPositions.shape).toEqual([21, 37, 3]);
    expect(chiAnglesMask.length).toBe(21);
    expect(chiPiPeriodic.length).toBe(21);
    expect(chiAnglesAtomIndices.length).toBe(21);
    expect(Object.keys(rigidGroupAtomPositions).length).toBe(20);
  });

  it('backbone and pre-omega frames are the identity; absent groups and UNK are all zero', () => {
    const id = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    for (let r = 0; r < 20; r++) {
      expect(Array.from(frame(r, 0))).toEqual(id);
      expect(Array.from(frame(r, 1))).toEqual(id);
      for (let k = 0; k < 4; k++) {
        if (!chiAnglesMask[r][k]) expect(Array.from(frame(r, 4 + k)).every((x) => x === 0)).toBe(true);
      }
    }
    for (let g = 0; g < 8; g++) expect(Array.from(frame(20, g)).every((x) => x === 0)).toBe(true);
  });

  it('every present frame is a proper rigid transform (orthonormal, det +1, last row 0 0 0 1)', () => {
    for (let r = 0; r < 20; r++) {
      for (let g = 0; g < 8; g++) {
        if (g >= 4 && !chiAnglesMask[r][g - 4]) continue;
        const m = frame(r, g);
        const col = (j: number): V => [m[j], m[4 + j], m[8 + j]];
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) expect(dot(col(i), col(j))).toBeCloseTo(i === j ? 1 : 0, 6);
        expect(dot(cross(col(0), col(1)), col(2))).toBeCloseTo(1, 6);
        expect(Array.from(m.subarray(12))).toEqual([0, 0, 0, 1]);
      }
    }
  });

  it('ALA: CB is atom14 slot 4 in the backbone group at its literature position; psi frame sits on C', () => {
    const ala = 0;
    expect(restypeNameToAtom14Names.ALA[4]).toBe('CB');
    expect(t.atom14ToRigidGroup.data[ala * 14 + 4]).toBe(0);
    expect(Array.from(t.atom14RigidGroupPositions.data.subarray(12, 15))).toEqual(
      [-0.529, -0.774, -1.205].map(Math.fround),
    );
    const cb37 = atomOrder.CB;
    expect(Array.from(t.atom37RigidGroupPositions.data.subarray(cb37 * 3, cb37 * 3 + 3))).toEqual(
      [-0.529, -0.774, -1.205].map(Math.fround),
    );
    // O lives in the psi group (3); the psi frame's origin is C = (1.526, 0, 0), x along CA→C = +x.
    expect(t.atom14ToRigidGroup.data[ala * 14 + 3]).toBe(3);
    const psi = frame(ala, 3);
    // (+ 0 turns the table's −0 into 0)
    expect([psi[3], psi[7], psi[11]].map((x) => x + 0)).toEqual([1.526, 0, 0].map(Math.fround));
    expect([psi[0], psi[4], psi[8]].map((x) => x + 0)).toEqual([1, 0, 0]);
  });

  it('masks and group indices agree with the atom14 names and chi definitions', () => {
    for (let r = 0; r < 21; r++) {
      expect(Array.from(t.atom14Mask.data.subarray(r * 14, r * 14 + 14))).toEqual(restypeAtom14Mask[r]);
    }
    restypes.forEach((letter, r) => {
      const resname = restype1to3[letter];
      const chis = chiAnglesAtoms[resname];
      expect(chiAnglesMask[r]).toEqual([0, 1, 2, 3].map((k) => (k < chis.length ? 1 : 0)));
      chis.forEach((atoms, k) => {
        expect(chiAnglesAtomIndices[r][k]).toEqual(atoms.map((a) => atomOrder[a]));
        // the dihedral-defining (last) atom of chi k moves with group 4 + k
        const last = restypeNameToAtom14Names[resname].indexOf(atoms[3]);
        expect(t.atom14ToRigidGroup.data[r * 14 + last]).toBe(4 + k);
      });
    });
    expect(chiPiPeriodic.flat().reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('with all torsions at 0, each chi dihedral is 0°, N-CA-C-O is 180°, bond lengths are chemical', () => {
    restypes.forEach((letter, r) => {
      const resname = restype1to3[letter];
      const xyz = idealisedResidue(r);
      const p = (n: string) => xyz.get(n)!;
      expect(dihedral(p('N'), p('CA'), p('C'), p('O'))).toBeCloseTo(180, 1);
      expect(dist(p('C'), p('O'))).toBeGreaterThan(1.2);
      expect(dist(p('C'), p('O'))).toBeLessThan(1.25);
      for (const [a, b, c, d] of chiAnglesAtoms[resname]) {
        expect(Math.abs(dihedral(p(a), p(b), p(c), p(d)))).toBeLessThan(0.5);
        expect(dist(p(c), p(d))).toBeGreaterThan(1.2);
        expect(dist(p(c), p(d))).toBeLessThan(1.85);
      }
    });
  });

  it('makeRigidTransformation4x4 matches a hand-computed frame', () => {
    // ex along +y, ey has an x part and a y part: e_x = (0,1,0), e_y = (1,0,0), e_z = (0,0,-1)
    const m = makeRigidTransformation4x4([0, 2, 0], [3, 5, 0], [1, 2, 3]);
    // biome-ignore format: matrix rows
    expect(Array.from(m)).toEqual([
      0, 1, 0, 1,
      1, 0, 0, 2,
      0, 0, -1, 3,
      0, 0, 0, 1,
    ]);
  });
});
