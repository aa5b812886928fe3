import { describe, expect, it } from 'vitest';
import { Rng } from '../params/random-params.ts';
import { TEMPLATE_PAIR_STACK } from './af2-paths.ts';
import { compare, loadGoldenNpz } from './golden-test-support.ts';
import { transition } from './msa-transition.ts';
import { add, blockCount, blockParams, tensor } from './ops.ts';
import { templatePairStackBlock } from './template-pair-stack-block.ts';
import { triangleAttention } from './triangle-attention.ts';
import { triangleMultiplication } from './triangle-multiplication.ts';

describe('Algorithm 16: template pair stack block', () => {
  it('composes the golden-checked modules in AF2 order, for every stacked block, with a masked residue', async () => {
    const params = await loadGoldenNpz('params.npz');
    const P = TEMPLATE_PAIR_STACK;
    const nBlocks = blockCount(params, P);
    const ct = params[`${P}/pair_transition/input_layer_norm//scale`].shape[1];
    const n = 7;
    const rng = new Rng(3);
    const t0 = tensor([n, n, ct]);
    for (let i = 0; i < t0.data.length; i++) t0.data[i] = rng.normal();
    const mask = tensor([n, n]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mask.data[i * n + j] = i === 4 || j === 4 ? 0 : 1;
    for (let b = 0; b < nBlocks; b++) {
      const p = blockParams(params, P, b);
      let want = t0;
      want = add(want, triangleAttention(want, mask, p, 'starting', `${P}/triangle_attention_starting_node`));
      want = add(want, triangleAttention(want, mask, p, 'ending', `${P}/triangle_attention_ending_node`));
      want = add(
        want,
        triangleMultiplication(want, mask, p, 'outgoing', `${P}/triangle_multiplication_outgoing`),
      );
      want = add(
        want,
        triangleMultiplication(want, mask, p, 'incoming', `${P}/triangle_multiplication_incoming`),
      );
      want = add(want, transition(want, p, `${P}/pair_transition`));
      const got = templatePairStackBlock(t0, mask, params, b);
      expect(got.data.every(Number.isFinite)).toBe(true);
      expect(compare(got, want).maxAbsErr).toBe(0);
    }
  });
});
