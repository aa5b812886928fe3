import { describe, expect, it } from 'vitest';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { msaColumnGlobalAttention } from './msa-column-global-attention.ts';

describe('Algorithm 19: MSA column global attention vs golden', () => {
  it('msa_column_global_attention', async () => {
    const g = await loadGoldenModule('msa_column_global_attention');
    const { msa_act, msa_mask } = g.inputs;
    expect(hasMaskedEntries(msa_mask)).toBe(true);
    const err = compare(msaColumnGlobalAttention(msa_act, msa_mask, g.params, g.path), g.outputs.update);
    console.log(
      `msa_column_global_attention: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
    );
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });
});
