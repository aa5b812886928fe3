/**
 * The geometry constants all_atom.wgsl reads, packed into one small f32 buffer (layout and
 * offsets mirror the TAB_* constants of shaders/all_atom.wgsl):
 *   default_frame [21, 8, 4, 4] | atom14 group [21, 14] | atom14 mask [21, 14] |
 *   atom14 literature positions [21, 14, 3] | atom37 → atom14 index [21, 37] | atom37 mask [21, 37]
 * Indices are stored as f32 (exact for these small integers).
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import { restypeAtom37Mask, restypeAtom37ToAtom14 } from '../../model/features/residue-constants.ts';
import { NUM_RESTYPES_WITH_UNK, rigidGroupTables } from '../../model/geometry/rigid-group-tables.ts';

const R = NUM_RESTYPES_WITH_UNK;
export const TABLE_OFFSETS = {
  frame: 0,
  atom14Group: R * 8 * 16,
  atom14Mask: R * 8 * 16 + R * 14,
  atom14Pos: R * 8 * 16 + 2 * R * 14,
  atom37Index: R * 8 * 16 + 2 * R * 14 + R * 14 * 3,
  atom37Mask: R * 8 * 16 + 2 * R * 14 + R * 14 * 3 + R * 37,
  total: R * 8 * 16 + 2 * R * 14 + R * 14 * 3 + 2 * R * 37,
} as const;

export function packGeometryTables(): Float32Array {
  const t = rigidGroupTables;
  const o = TABLE_OFFSETS;
  const out = new Float32Array(o.total);
  out.set(t.defaultFrame.data, o.frame);
  out.set(Float32Array.from(t.atom14ToRigidGroup.data), o.atom14Group);
  out.set(t.atom14Mask.data, o.atom14Mask);
  out.set(t.atom14RigidGroupPositions.data, o.atom14Pos);
  for (let r = 0; r < R; r++) {
    for (let a = 0; a < 37; a++) {
      out[o.atom37Index + r * 37 + a] = restypeAtom37ToAtom14[r][a];
      out[o.atom37Mask + r * 37 + a] = restypeAtom37Mask[r][a];
    }
  }
  return out;
}

export function uploadGeometryTables(pool: BufferPool): GPUBuffer {
  return pool.upload(packGeometryTables(), 'all_atom geometry tables');
}
