/**
 * Structure-module building blocks vs their golden module vectors:
 * IPA (Algorithm 22), transition (Algorithm 20 lines 8–9), backbone update (Algorithm 23),
 * angle resnet (Algorithm 20 lines 11–14).
 */
import { describe, expect, it } from 'vitest';
import { rigidsFromRotTrans } from '../geometry/rigid.ts';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { compare, hasMaskedEntries, loadGoldenModule } from './golden-test-support.ts';
import { invariantPointAttention } from './invariant-point-attention.ts';
import { asF32, type Tensor, tensor } from './ops.ts';

/** Rows of a [N, ...] tensor where mask[i] = 1. */
function maskedRows(t: Tensor, mask: Tensor): Tensor {
  const n = t.shape[0];
  const inner = t.data.length / n;
  const keep = [...Array(n).keys()].filter((i) => mask.data[i] === 1);
  const out = tensor([keep.length, ...t.shape.slice(1)]);
  keep.forEach((i, r) => {
    out.data.set(t.data.subarray(i * inner, (i + 1) * inner), r * inner);
  });
  return out;
}

describe('Algorithm 22: invariant point attention vs golden', () => {
  it('invariant_point_attention (rows with mask 1; masked rows are float32 noise, see golden README)', async () => {
    const { golden, outputs, rows } = await expectReferenceModulePasses('invariant_point_attention');
    expect(hasMaskedEntries(asF32(golden.inputs.mask))).toBe(true);
    expect(rows.map((r) => r.note)).toEqual(['rows with mask 1']);
    for (const v of outputs.update.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('is invariant to a global rigid motion of all frames', async () => {
    const g = await loadGoldenModule('invariant_point_attention');
    const { single_act, pair_act, mask, rotation, translation } = g.inputs;
    const n = single_act.shape[0];
    const frames = rigidsFromRotTrans(rotation.data, translation.data, n);
    // global motion: 90° about z, then shift
    const moved = rigidsFromRotTrans(rotation.data, translation.data, n);
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < 3; c++) {
        const [r0, r1] = [frames.rot[k * 9 + c], frames.rot[k * 9 + 3 + c]];
        moved.rot[k * 9 + c] = -r1;
        moved.rot[k * 9 + 3 + c] = r0;
      }
      const [t0, t1, t2] = [frames.trans[k * 3], frames.trans[k * 3 + 1], frames.trans[k * 3 + 2]];
      moved.trans.set([-t1 + 3, t0 - 2, t2 + 1], k * 3);
    }
    const a = invariantPointAttention(single_act, pair_act, mask, frames, g.params, g.path);
    const b = invariantPointAttention(single_act, pair_act, mask, moved, g.params, g.path);
    expect(compare(maskedRows(b, mask), maskedRows(a, mask)).rel).toBeLessThanOrEqual(1e-5);
  });
});

describe('Algorithm 20 lines 8–9: structure module transition vs golden', () => {
  it('structure_module_transition', async () => {
    await expectReferenceModulePasses('structure_module_transition');
  });
});

describe('Algorithm 23: backbone update vs golden', () => {
  it('backbone_update (update, quaternion, translation, rotation)', async () => {
    const { rows } = await expectReferenceModulePasses('backbone_update');
    expect(rows.map((r) => r.name).sort()).toEqual(
      ['quaternion', 'rotation', 'translation', 'update'].map((k) => `backbone_update/${k}`),
    );
  });
});

describe('Algorithm 20 lines 11–14: angle resnet vs golden', () => {
  it('angle_resnet (unnormalized_angles, angles)', async () => {
    const { rows } = await expectReferenceModulePasses('angle_resnet');
    expect(rows).toHaveLength(2);
  });
});
