import { describe, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';

describe('Algorithm 15: pair transition vs golden', () => {
  it('pair_transition', async () => {
    await expectReferenceModulePasses('pair_transition');
  });
});
