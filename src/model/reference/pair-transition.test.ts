import { describe, expect, it } from 'vitest';
import { compare, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { pairTransition } from './pair-transition.ts';

describe('Algorithm 15: pair transition vs golden', () => {
  it('pair_transition', async () => {
    const g = await loadGoldenModule('pair_transition');
    const err = compare(pairTransition(g.inputs.pair_act, g.params, g.path), g.outputs.update);
    console.log(
      `pair_transition: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
    );
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });
});
