/**
 * Odd shapes and degenerate masks, as the GPU kernels will be checked on them: every Evoformer-side
 * module at N_res ∈ {1, 7}, N_seq ∈ {1, 3} with the golden module parameters (sizes from their
 * shapes), including fully masked rows/columns, must give finite outputs of the right shape
 * (AF2 semantics: 1e9 mask biases, so a fully masked softmax row stays finite).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../params/random-params.ts';
import { type GoldenModule, loadGoldenModule } from './golden-test-support.ts';
import { msaColumnAttention } from './msa-column-attention.ts';
import { msaColumnGlobalAttention } from './msa-column-global-attention.ts';
import { msaRowAttentionWithPairBias } from './msa-row-attention.ts';
import { msaTransition } from './msa-transition.ts';
import type { Tensor } from './ops.ts';
import { tensor } from './ops.ts';
import { outerProductMean } from './outer-product-mean.ts';
import { pairTransition } from './pair-transition.ts';
import { templatePointwiseAttention } from './template-pointwise-attention.ts';
import { triangleAttention } from './triangle-attention.ts';
import { triangleMultiplication } from './triangle-multiplication.ts';

const rng = new Rng(5);
function randn(shape: number[]): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}
/** Ones, except the last row (axis 0) fully masked when there is more than one row. */
function maskLastRow(rows: number, cols: number): Tensor {
  const t = tensor([rows, cols]);
  t.data.fill(1);
  if (rows > 1) t.data.fill(0, (rows - 1) * cols);
  return t;
}
function expectFinite(t: Tensor, shape: number[]): void {
  expect(t.shape).toEqual(shape);
  expect(t.data.every(Number.isFinite)).toBe(true);
}
/** Channels of a module input, read from the golden input's last axis. */
const channels = (g: GoldenModule, input: string): number => {
  const s = g.inputs[input].shape;
  return s[s.length - 1];
};

describe('Evoformer-side modules on odd shapes and masked rows', () => {
  for (const [nRes, nSeq] of [
    [1, 1],
    [7, 3],
  ]) {
    it(`N_res = ${nRes}, N_seq = ${nSeq}`, async () => {
      const row = await loadGoldenModule('msa_row_attention_with_pair_bias');
      const cm = channels(row, 'msa_act');
      const cz = channels(row, 'pair_act');
      const m = randn([nSeq, nRes, cm]);
      const z = randn([nRes, nRes, cz]);
      const msaMask = maskLastRow(nSeq, nRes);
      const pairMask = maskLastRow(nRes, nRes);
      expectFinite(msaRowAttentionWithPairBias(m, msaMask, z, row.params, row.path), [nSeq, nRes, cm]);

      const col = await loadGoldenModule('msa_column_attention');
      expectFinite(msaColumnAttention(m, msaMask, col.params, col.path), [nSeq, nRes, cm]);
      // a fully masked column (all sequences) stays finite too
      const colMasked = tensor([nSeq, nRes]);
      expectFinite(msaColumnAttention(m, colMasked, col.params, col.path), [nSeq, nRes, cm]);

      const glob = await loadGoldenModule('msa_column_global_attention');
      const ce = channels(glob, 'msa_act');
      const e = randn([nSeq, nRes, ce]);
      expectFinite(msaColumnGlobalAttention(e, msaMask, glob.params, glob.path), [nSeq, nRes, ce]);
      expectFinite(msaColumnGlobalAttention(e, tensor([nSeq, nRes]), glob.params, glob.path), [
        nSeq,
        nRes,
        ce,
      ]);

      const mt = await loadGoldenModule('msa_transition');
      expectFinite(msaTransition(m, mt.params, mt.path), [nSeq, nRes, cm]);

      const opm = await loadGoldenModule('outer_product_mean');
      const czOpm = opm.outputs.update.shape[2];
      expectFinite(outerProductMean(m, msaMask, opm.params, opm.path), [nRes, nRes, czOpm]);
      // a residue masked in every sequence: norm = 1e-3, still finite
      expectFinite(outerProductMean(m, tensor([nSeq, nRes]), opm.params, opm.path), [nRes, nRes, czOpm]);

      for (const o of ['outgoing', 'incoming'] as const) {
        const g = await loadGoldenModule(`triangle_multiplication_${o}`);
        expectFinite(triangleMultiplication(z, pairMask, g.params, o, g.path), [nRes, nRes, cz]);
      }
      for (const o of ['starting', 'ending'] as const) {
        const g = await loadGoldenModule(`triangle_attention_${o}_node`);
        expectFinite(triangleAttention(z, pairMask, g.params, o, g.path), [nRes, nRes, cz]);
      }
      const pt = await loadGoldenModule('pair_transition');
      expectFinite(pairTransition(z, pt.params, pt.path), [nRes, nRes, cz]);

      const tpa = await loadGoldenModule('template_pointwise_attention');
      const [nTempl, , , ct] = tpa.inputs.template_pair_act.shape;
      const tmask = tensor([nTempl]);
      tmask.data[0] = 1;
      expectFinite(
        templatePointwiseAttention(randn([nTempl, nRes, nRes, ct]), z, tmask, tpa.params, tpa.path),
        [nRes, nRes, cz],
      );
    });
  }
});
