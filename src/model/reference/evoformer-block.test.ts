import { describe, expect, it } from 'vitest';
import { PRESETS, presetLayout } from '../params/presets.ts';
import { Rng, randomParams } from '../params/random-params.ts';
import { buildSchema } from '../params/schema.ts';
import { EVOFORMER_ITERATION } from './af2-paths.ts';
import { evoformerBlock, pairMaskFromSeqMask } from './evoformer-block.ts';
import { compare, loadGoldenNpz, REL_TOL } from './golden-test-support.ts';
import { asF32, blockCount, type Params, tensor } from './ops.ts';

describe('Algorithm 6: Evoformer block', () => {
  it('reproduces every golden Evoformer block of recycle 0 (full-model intermediates)', async () => {
    const [params, inputs, outputs] = await Promise.all([
      loadGoldenNpz('params.npz'),
      loadGoldenNpz('inputs.npz'),
      loadGoldenNpz('outputs.npz'),
    ]);
    const masks = { msa: asF32(inputs.msa_mask), pair: pairMaskFromSeqMask(asF32(inputs.seq_mask)) };
    let m = asF32(outputs['r0/evoformer_input_msa']);
    let z = asF32(outputs['r0/evoformer_input_pair']);
    const nBlocks = blockCount(params, EVOFORMER_ITERATION);
    expect(nBlocks).toBeGreaterThan(0);
    for (let b = 0; b < nBlocks; b++) {
      // each block from the golden input of that block, so errors do not compound
      ({ m, z } = evoformerBlock(m, z, masks, params, b));
      const em = compare(m, asF32(outputs[`r0/evoformer_block${b}_msa`]));
      const ez = compare(z, asF32(outputs[`r0/evoformer_block${b}_pair`]));
      console.log(
        `evoformer block ${b}: msa max abs err ${em.maxAbsErr.toExponential(2)} (rel ${em.rel.toExponential(2)}), ` +
          `pair ${ez.maxAbsErr.toExponential(2)} (rel ${ez.rel.toExponential(2)})`,
      );
      expect(em.rel).toBeLessThanOrEqual(REL_TOL);
      expect(ez.rel).toBeLessThanOrEqual(REL_TOL);
      m = asF32(outputs[`r0/evoformer_block${b}_msa`]);
      z = asF32(outputs[`r0/evoformer_block${b}_pair`]);
    }
  });

  it('runs one full-size block (c_m 256, c_z 128, real heads) at N_res = 16, N_seq = 8 with finite outputs', () => {
    // Only the Evoformer keys of the real-size schema, with a single stacked block.
    const dims = { ...PRESETS.full, N_evoformer_blocks: 1 };
    const schema = buildSchema(presetLayout()).filter((e) => e.key.startsWith(`${EVOFORMER_ITERATION}/`));
    const params: Params = Object.fromEntries(randomParams(schema, dims, 7));
    const cm = params[`${EVOFORMER_ITERATION}/msa_transition/input_layer_norm//scale`].shape[1];
    const cz = params[`${EVOFORMER_ITERATION}/pair_transition/input_layer_norm//scale`].shape[1];
    expect([cm, cz]).toEqual([256, 128]);
    expect(
      params[`${EVOFORMER_ITERATION}/msa_row_attention_with_pair_bias/attention//query_w`].shape,
    ).toEqual([1, 256, 8, 32]);

    const nRes = 16;
    const nSeq = 8;
    const rng = new Rng(11);
    const m = tensor([nSeq, nRes, cm]);
    const z = tensor([nRes, nRes, cz]);
    for (const t of [m, z]) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
    // mask the last residue of the last sequence and the last residue pair row/column
    const msa = tensor([nSeq, nRes]).data.fill(1);
    msa[nSeq * nRes - 1] = 0;
    const pair = tensor([nRes, nRes]).data.fill(1);
    for (let i = 0; i < nRes; i++) pair[i * nRes + nRes - 1] = pair[(nRes - 1) * nRes + i] = 0;
    const masks = { msa: tensor([nSeq, nRes], msa), pair: tensor([nRes, nRes], pair) };

    const out = evoformerBlock(m, z, masks, params, 0);
    expect(out.m.shape).toEqual([nSeq, nRes, cm]);
    expect(out.z.shape).toEqual([nRes, nRes, cz]);
    expect(out.m.data.every(Number.isFinite)).toBe(true);
    expect(out.z.data.every(Number.isFinite)).toBe(true);
    // the block changed both representations
    expect(compare(out.m, m).maxAbsErr).toBeGreaterThan(0);
    expect(compare(out.z, z).maxAbsErr).toBeGreaterThan(0);
  });
});
