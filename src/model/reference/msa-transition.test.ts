import { describe, expect, it } from 'vitest';
import { compare, loadGoldenModule, REL_TOL } from './golden-test-support.ts';
import { msaTransition } from './msa-transition.ts';

describe('Algorithm 9: MSA transition vs golden', () => {
  it('msa_transition', async () => {
    const g = await loadGoldenModule('msa_transition');
    const err = compare(msaTransition(g.inputs.msa_act, g.params, g.path), g.outputs.update);
    console.log(
      `msa_transition: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
    );
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });
});
