import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';

describe('Algorithm 10: outer product mean vs golden', () => {
  it('outer_product_mean', async () => {
    const { golden } = await expectReferenceModulePasses('outer_product_mean');
    expect(hasMaskedEntries(asF32(golden.inputs.msa_mask))).toBe(true);
  });
});
