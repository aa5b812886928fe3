import { describe, expect, it } from 'vitest';
import { expectReferenceModulePasses } from '../golden/module-test-support.ts';
import { hasMaskedEntries } from './golden-test-support.ts';
import { asF32 } from './ops.ts';
import type { TriangleMultiplicationOrientation } from './triangle-multiplication.ts';

describe('Algorithms 11/12: triangle multiplication vs golden', () => {
  for (const orientation of ['outgoing', 'incoming'] as TriangleMultiplicationOrientation[]) {
    const name = `triangle_multiplication_${orientation}`;
    it(name, async () => {
      const { golden } = await expectReferenceModulePasses(name);
      expect(hasMaskedEntries(asF32(golden.inputs.pair_mask))).toBe(true);
    });
  }
});
