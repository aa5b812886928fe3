import { describe, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';

describe('Algorithm 9: MSA transition vs golden', () => {
  it('msa_transition', async () => {
    await expectReferenceModulePasses('msa_transition');
  });
});
