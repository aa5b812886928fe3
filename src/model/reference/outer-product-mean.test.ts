import { describe, expect, it } from 'vitest';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { outerProductMean } from './outer-product-mean.ts';

describe('Algorithm 10: outer product mean vs golden', () => {
  it('outer_product_mean', async () => {
    const g = await loadGoldenModule('outer_product_mean');
    const { msa_act, msa_mask } = g.inputs;
    expect(hasMaskedEntries(msa_mask)).toBe(true);
    const err = compare(outerProductMean(msa_act, msa_mask, g.params, g.path), g.outputs.update);
    console.log(
      `outer_product_mean: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
    );
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });
});
