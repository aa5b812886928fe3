import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';

describe('Algorithm 7: MSA row attention with pair bias vs golden', () => {
  for (const name of ['msa_row_attention_with_pair_bias', 'extra_msa_row_attention_with_pair_bias']) {
    it(name, async () => {
      const { golden } = await expectReferenceModulePasses(name);
      expect(hasMaskedEntries(asF32(golden.inputs.msa_mask))).toBe(true);
    });
  }
});
