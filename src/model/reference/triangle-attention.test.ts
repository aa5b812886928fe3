import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';
import type { TriangleAttentionOrientation } from './triangle-attention.ts';

describe('Algorithms 13/14: triangle attention vs golden', () => {
  for (const orientation of ['starting', 'ending'] as TriangleAttentionOrientation[]) {
    const name = `triangle_attention_${orientation}_node`;
    it(name, async () => {
      const { golden } = await expectReferenceModulePasses(name);
      expect(hasMaskedEntries(asF32(golden.inputs.pair_mask))).toBe(true);
    });
  }
});
