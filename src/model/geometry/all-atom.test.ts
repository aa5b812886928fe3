import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { GOLDEN_DIR } from '../reference/golden-test-support.ts';
import { computeAllAtomCoordinates } from './all-atom.ts';
import { rigidsFromRotTrans } from './rigid.ts';

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  return worst;
}
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const g: Record<string, NdArray> = await readNpz(
  await fileSource(`${GOLDEN_DIR}/modules/all_atom_from_torsions.npz`),
);
const aatype = Int32Array.from(g.in_aatype.data as Int32Array);
const n = aatype.length;
const backbone = rigidsFromRotTrans(
  g.in_backbone_rotation.data as Float32Array,
  g.in_backbone_translation.data as Float32Array,
  n,
);
const out = computeAllAtomCoordinates(aatype, backbone, g.in_angles.data as Float32Array);

describe('all_atom_from_torsions (Algorithm 24) vs golden module vector', () => {
  it('rigid-group frames to global', () => {
    const want = g.out_all_frames_to_global;
    expect(out.frames.shape).toEqual(want.shape);
    const err = maxAbsDiff(out.frames.data, want.data as Float32Array);
    console.log(`all_frames_to_global max |diff| ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-4 * maxAbs(want.data as Float32Array));
  });

  it('atom14 and atom37 positions within 1e-3 Å', () => {
    for (const [got, key] of [
      [out.atom14, 'out_atom14_positions'],
      [out.atom37, 'out_atom37_positions'],
    ] as const) {
      const want = g[key];
      expect(got.shape).toEqual(want.shape);
      const err = maxAbsDiff(got.data, want.data as Float32Array);
      console.log(`${key} max |diff| ${err.toExponential(2)} Å`);
      expect(err).toBeLessThanOrEqual(1e-3);
      expect(err).toBeLessThanOrEqual(1e-4 * maxAbs(want.data as Float32Array));
    }
  });
});
