/** The plan at the golden test sizes, precision choice, and a stable JSON form. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectParams } from '../../model/params/load.ts';
import { fileSource } from '../../model/params/source-node.ts';
import { buildPlan } from './build-plan.ts';
import { profileFromJson, SMALL_DEVICE } from './device-profile.ts';
import { planModelFromParams, planModelFromPreset } from './model-source.ts';
import { planToJson } from './plan-json.ts';

/** shared/golden/README.md: HP35, 8 cluster rows, 12 extra rows, 2 templates. */
const GOLDEN_SIZES = { nRes: 35, nSeq: 8, nExtra: 12, nTempl: 2 };
const golden = planModelFromPreset('golden');
const GOLDEN_PARAMS = '/work/shared/golden/params.npz';

describe('golden dims', () => {
  it('plans the golden sizes with every module of the model', () => {
    const p = buildPlan({ model: golden, sizes: GOLDEN_SIZES });
    const names = p.modules.map((m) => m.name);
    for (const n of [
      'embed_pair',
      'template.embed',
      'template_pair_stack.triangle_attention_ending_node',
      'template.pointwise_attention',
      'extra_msa.msa_column_global_attention',
      'evoformer.msa_column_attention',
      'evoformer.outer_product_mean',
      'evoformer.triangle_multiplication_incoming',
      'structure_module',
      'heads.pae',
    ]) {
      expect(names).toContain(n);
    }
    // Small sizes run unchunked: one chunk per loop.
    for (const m of p.modules) for (const v of Object.values(m.loops)) expect(v, m.name).toBe(1);
    expect(p.weights.parameters).toBe(golden.config.parameterCount);
    const z = p.tensors.find((t) => t.name === 'z');
    expect(z?.bytes).toBe(35 * 35 * 16 * 4);
    expect(p.tensors.find((t) => t.name === 'm')?.shape).toEqual([8 + 2, 35, 32]);
  });

  it.skipIf(!existsSync(GOLDEN_PARAMS))('plans the same from the golden params file', async () => {
    const source = await fileSource(GOLDEN_PARAMS);
    try {
      const v = await inspectParams(source);
      const fromFile = buildPlan({ model: planModelFromParams(v, 'golden'), sizes: GOLDEN_SIZES });
      const fromPreset = buildPlan({ model: { ...golden, name: 'golden' }, sizes: GOLDEN_SIZES });
      expect(fromFile.peak).toEqual(fromPreset.peak);
      expect(fromFile.weights).toEqual(fromPreset.weights);
    } finally {
      await source.close?.();
    }
  });

  it('prints stable JSON', () => {
    const a = JSON.stringify(planToJson(buildPlan({ model: golden, sizes: GOLDEN_SIZES })));
    const b = JSON.stringify(planToJson(buildPlan({ model: golden, sizes: GOLDEN_SIZES })));
    expect(a).toBe(b);
    expect(JSON.parse(a)).toMatchSnapshot();
  });
});

describe('precision', () => {
  it('plans f16 storage where shader-f16 exists, f32 (with a note) where not', () => {
    const sizes = { nRes: 64, nSeq: 16, nExtra: 32, nTempl: 0 };
    const f16 = buildPlan({ model: golden, sizes, precision: 'f16', device: SMALL_DEVICE });
    expect(f16.precision).toEqual({ requested: 'f16', storage: 'f16', accumulate: 'f32' });
    expect(f16.tensors.find((t) => t.name === 'z')?.dtype).toBe('f16');
    const noF16 = profileFromJson({ features: ['timestamp-query'], limits: { maxBufferSize: 2 ** 30 } });
    const f32 = buildPlan({ model: golden, sizes, precision: 'f16', device: noF16 });
    expect(f32.precision.storage).toBe('f32');
    expect(f32.precision.note).toMatch(/shader-f16/);
    expect(f32.device.limits.maxBufferSize).toBe(2 ** 30);
    expect(f32.device.limits.maxStorageBufferBindingSize).toBe(134217728);
  });
});
