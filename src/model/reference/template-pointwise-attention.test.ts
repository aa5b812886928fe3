import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { compare, loadGoldenModule } from './golden-test-support.ts';
import { tensor } from './ops.ts';
import { templatePointwiseAttention } from './template-pointwise-attention.ts';

describe('Algorithm 17: template pointwise attention vs golden', () => {
  it('template_pointwise_attention', async () => {
    await expectReferenceModulePasses('template_pointwise_attention');
  });

  it('masks templates: a masked template does not change the result; no templates -> zero update', async () => {
    const g = await loadGoldenModule('template_pointwise_attention');
    const { template_pair_act, pair_act } = g.inputs;
    const [nTempl] = template_pair_act.shape;
    const mask = tensor([nTempl]);
    mask.data[0] = 1;
    const perPair = template_pair_act.data.length / nTempl;
    // only template 0 visible; template 1.. scrambled must not matter
    const scrambled = tensor(template_pair_act.shape, template_pair_act.data.slice());
    for (let i = perPair; i < scrambled.data.length; i++) scrambled.data[i] = Math.sin(i);
    const a = templatePointwiseAttention(template_pair_act, pair_act, mask, g.params, g.path);
    const b = templatePointwiseAttention(scrambled, pair_act, mask, g.params, g.path);
    expect(compare(a, b).maxAbsErr).toBe(0);
    const none = templatePointwiseAttention(template_pair_act, pair_act, tensor([nTempl]), g.params, g.path);
    expect(none.data.every((v) => v === 0)).toBe(true);
  });
});
