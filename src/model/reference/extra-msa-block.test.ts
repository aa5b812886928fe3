import { describe, expect, it } from 'vitest';
import { EXTRA_MSA_STACK } from './af2-paths.ts';
import { pairMaskFromSeqMask } from './evoformer-block.ts';
import { extraMsaBlock } from './extra-msa-block.ts';
import { compare, loadGoldenNpz, REL_TOL } from './golden-test-support.ts';
import { asF32, blockCount } from './ops.ts';

describe('Algorithm 18: extra-MSA stack block', () => {
  it('reproduces every golden extra-MSA block of recycle 0 (full-model intermediates)', async () => {
    const [params, inputs, outputs] = await Promise.all([
      loadGoldenNpz('params.npz'),
      loadGoldenNpz('inputs.npz'),
      loadGoldenNpz('outputs.npz'),
    ]);
    const masks = { msa: asF32(inputs.extra_msa_mask), pair: pairMaskFromSeqMask(asF32(inputs.seq_mask)) };
    let e = asF32(outputs['r0/extra_msa_act']);
    let z = asF32(outputs['r0/extra_stack_input_pair']);
    const nBlocks = blockCount(params, EXTRA_MSA_STACK);
    expect(nBlocks).toBeGreaterThan(0);
    for (let b = 0; b < nBlocks; b++) {
      const out = extraMsaBlock(e, z, masks, params, b);
      const em = compare(out.m, asF32(outputs[`r0/extra_block${b}_msa`]));
      const ez = compare(out.z, asF32(outputs[`r0/extra_block${b}_pair`]));
      console.log(
        `extra-MSA block ${b}: msa max abs err ${em.maxAbsErr.toExponential(2)} (rel ${em.rel.toExponential(2)}), ` +
          `pair ${ez.maxAbsErr.toExponential(2)} (rel ${ez.rel.toExponential(2)})`,
      );
      expect(em.rel).toBeLessThanOrEqual(REL_TOL);
      expect(ez.rel).toBeLessThanOrEqual(REL_TOL);
      e = asF32(outputs[`r0/extra_block${b}_msa`]);
      z = asF32(outputs[`r0/extra_block${b}_pair`]);
    }
    expect(compare(z, asF32(outputs['r0/extra_stack_output_pair'])).maxAbsErr).toBe(0);
  });
});
