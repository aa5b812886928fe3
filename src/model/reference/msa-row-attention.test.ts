import { describe, expect, it } from 'vitest';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { msaRowAttentionWithPairBias } from './msa-row-attention.ts';

describe('Algorithm 7: MSA row attention with pair bias vs golden', () => {
  for (const name of ['msa_row_attention_with_pair_bias', 'extra_msa_row_attention_with_pair_bias']) {
    it(name, async () => {
      const g = await loadGoldenModule(name);
      const { msa_act, msa_mask, pair_act } = g.inputs;
      expect(hasMaskedEntries(msa_mask)).toBe(true);
      const update = msaRowAttentionWithPairBias(msa_act, msa_mask, pair_act, g.params, g.path);
      const err = compare(update, g.outputs.update);
      console.log(`${name}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    });
  }
});
