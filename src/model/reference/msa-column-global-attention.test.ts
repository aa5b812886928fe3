import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';

describe('Algorithm 19: MSA column global attention vs golden', () => {
  it('msa_column_global_attention', async () => {
    const { golden } = await expectReferenceModulePasses('msa_column_global_attention');
    expect(hasMaskedEntries(asF32(golden.inputs.msa_mask))).toBe(true);
  });
});
