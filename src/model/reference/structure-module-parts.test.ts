/**
 * Structure-module building blocks vs their golden module vectors:
 * IPA (Algorithm 22), transition (Algorithm 20 lines 8–9), backbone update (Algorithm 23),
 * angle resnet (Algorithm 20 lines 11–14).
 */
import { describe, expect, it } from 'vitest';
import { quatAffinesFrom } from '../geometry/quat-affine.ts';
import { rigidsFromRotTrans } from '../geometry/rigid.ts';
import { angleResnet } from './angle-resnet.ts';
import { backboneUpdate } from './backbone-update.ts';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { invariantPointAttention } from './invariant-point-attention.ts';
import { type Tensor, tensor } from './ops.ts';
import { structureModuleTransition } from './structure-module-transition.ts';

function report(name: string, err: { maxAbsErr: number; rel: number }): void {
  console.log(`${name}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
}

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
    const g = await loadGoldenModule('invariant_point_attention');
    const { single_act, pair_act, mask, rotation, translation } = g.inputs;
    expect(hasMaskedEntries(mask)).toBe(true);
    const n = single_act.shape[0];
    const frames = rigidsFromRotTrans(rotation.data, translation.data, n);
    const got = invariantPointAttention(single_act, pair_act, mask, frames, g.params, g.path);
    const err = compare(maskedRows(got, mask), maskedRows(g.outputs.update, mask));
    report('invariant_point_attention', err);
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    for (const v of got.data) expect(Number.isFinite(v)).toBe(true);
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
    const g = await loadGoldenModule('structure_module_transition');
    const err = compare(structureModuleTransition(g.inputs.single_act, g.params), g.outputs.output);
    report('structure_module_transition', err);
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });
});

describe('Algorithm 23: backbone update vs golden', () => {
  it('backbone_update', async () => {
    const g = await loadGoldenModule('backbone_update');
    const { single_act, quaternion, translation } = g.inputs;
    const n = single_act.shape[0];
    const before = quatAffinesFrom(quaternion.data, translation.data, n, false);
    const { update, frames } = backboneUpdate(single_act, before, g.params, g.path);
    const checks: [string, Tensor][] = [
      ['update', update],
      ['quaternion', tensor([n, 4], Float32Array.from(frames.quat))],
      ['translation', tensor([n, 3], Float32Array.from(frames.trans))],
      ['rotation', tensor([n, 3, 3], Float32Array.from(frames.rot))],
    ];
    for (const [key, got] of checks) {
      const err = compare(got, g.outputs[key]);
      report(`backbone_update ${key}`, err);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    }
  });
});

describe('Algorithm 20 lines 11–14: angle resnet vs golden', () => {
  it('angle_resnet', async () => {
    const g = await loadGoldenModule('angle_resnet');
    const { unnormalizedAngles, angles } = angleResnet(
      g.inputs.single_act,
      g.inputs.initial_single_act,
      g.params,
      g.path,
    );
    for (const [key, got] of [
      ['unnormalized_angles', unnormalizedAngles],
      ['angles', angles],
    ] as const) {
      const err = compare(got, g.outputs[key]);
      report(`angle_resnet ${key}`, err);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    }
  });
});
