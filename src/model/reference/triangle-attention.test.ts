import { describe, expect, it } from 'vitest';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { type TriangleAttentionOrientation, triangleAttention } from './triangle-attention.ts';

describe('Algorithms 13/14: triangle attention vs golden', () => {
  for (const orientation of ['starting', 'ending'] as TriangleAttentionOrientation[]) {
    const name = `triangle_attention_${orientation}_node`;
    it(name, async () => {
      const g = await loadGoldenModule(name);
      const { pair_act, pair_mask } = g.inputs;
      expect(hasMaskedEntries(pair_mask)).toBe(true);
      const err = compare(
        triangleAttention(pair_act, pair_mask, g.params, orientation, g.path),
        g.outputs.update,
      );
      console.log(`${name}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    });
  }
});
