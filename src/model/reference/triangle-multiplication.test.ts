import { describe, expect, it } from 'vitest';
import { compare, hasMaskedEntries, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { type TriangleMultiplicationOrientation, triangleMultiplication } from './triangle-multiplication.ts';

describe('Algorithms 11/12: triangle multiplication vs golden', () => {
  for (const orientation of ['outgoing', 'incoming'] as TriangleMultiplicationOrientation[]) {
    const name = `triangle_multiplication_${orientation}`;
    it(name, async () => {
      const g = await loadGoldenModule(name);
      const { pair_act, pair_mask } = g.inputs;
      expect(hasMaskedEntries(pair_mask)).toBe(true);
      const err = compare(
        triangleMultiplication(pair_act, pair_mask, g.params, orientation, g.path),
        g.outputs.update,
      );
      console.log(`${name}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    });
  }
});
