import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';

describe('Algorithm 8: MSA column attention vs golden', () => {
  it('msa_column_attention', async () => {
    const { golden } = await expectReferenceModulePasses('msa_column_attention');
    expect(hasMaskedEntries(asF32(golden.inputs.msa_mask))).toBe(true);
  });
});
