/**
 * One Evoformer block and one extra-MSA block on a real Dawn device against the CPU reference:
 * on the golden parameters with the golden intermediates (outputs.npz r0/evoformer_input_* →
 * r0/evoformer_block0_*, r0/extra_msa_act → r0/extra_block0_*), and one Evoformer block with
 * random full-size weights at N_res = 24 (the acceptance). Tolerance: 1e-4 · max |value|.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import type { NdArray } from '../../model/ndarray.ts';
import { readNpz } from '../../model/params/npz.ts';
import { PRESETS, presetLayout } from '../../model/params/presets.ts';
import { randomParams } from '../../model/params/random-params.ts';
import { buildSchema } from '../../model/params/schema.ts';
import { fileSource } from '../../model/params/source-node.ts';
import { EVOFORMER_ITERATION } from '../../model/reference/af2-paths.ts';
import { evoformerBlock, pairMaskFromSeqMask } from '../../model/reference/evoformer-block.ts';
import { extraMsaBlock } from '../../model/reference/extra-msa-block.ts';
import { GOLDEN_DIR, REL_TOL } from '../../model/reference/golden-test-support.ts';
import { asF32, type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import { compare, seededArray } from '../kernels/check.ts';
import { DeviceWeights } from '../weights.ts';
import type { BlockChunks } from './block.ts';
import { type GpuEnv, type StackKind, submitStackBlock } from './stack.ts';

let env: GpuEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'evoformer-block-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

async function npz(file: string): Promise<Record<string, NdArray>> {
  const src = await fileSource(`${GOLDEN_DIR}/${file}`);
  try {
    return await readNpz(src);
  } finally {
    await src.close?.();
  }
}

interface BlockRun {
  m: Float32Array;
  z: Float32Array;
  dispatches: number;
}

/** Runs block `b` of `kind` on the GPU from m, z; returns m, z after it. */
async function gpuBlock(
  params: Params,
  kind: StackKind,
  b: number,
  m: Tensor,
  z: Tensor,
  msaMask: Tensor,
  pairMask: Tensor,
  chunks?: BlockChunks,
): Promise<BlockRun> {
  const { pool, ctx } = env;
  const dw = new DeviceWeights(pool, params, 'test params');
  const [nSeq, nRes] = m.shape;
  const bufs = {
    m: pool.upload(m.data, 'test m'),
    z: pool.upload(z.data, 'test z'),
    msaMask: pool.upload(msaMask.data, 'test msa mask'),
    pairMask: pool.upload(pairMask.data, 'test pair mask'),
  };
  try {
    const dispatches = await submitStackBlock(env, dw, kind, b, { nSeq, nRes }, bufs, chunks);
    const mOut = await readFloat32(ctx.device, bufs.m, m.data.length);
    const zOut = await readFloat32(ctx.device, bufs.z, z.data.length);
    return { m: mOut, z: zOut, dispatches };
  } finally {
    for (const buf of Object.values(bufs)) pool.release(buf);
    dw.release();
  }
}

function expectClose(name: string, got: Float32Array, want: Tensor): number {
  const c = compare(got, want.data, REL_TOL);
  console.log(
    `${name}: max |gpu − cpu| = ${c.maxAbsError.toExponential(3)} (scale ${c.scale.toFixed(3)}, rel ${(c.maxAbsError / c.scale).toExponential(2)})`,
  );
  expect(c.passed, `${name}: max error ${c.maxAbsError} > ${c.tolerance} (scale ${c.scale})`).toBe(true);
  return c.maxAbsError / c.scale;
}

describe('Evoformer block on the GPU vs the golden intermediates', () => {
  let params: Params;
  let outputs: Record<string, NdArray>;
  let inputs: Record<string, NdArray>;
  beforeAll(async () => {
    [params, outputs, inputs] = await Promise.all([npz('params.npz'), npz('outputs.npz'), npz('inputs.npz')]);
  });

  it('evoformer block 0: r0/evoformer_input_* → r0/evoformer_block0_*', async () => {
    const m = asF32(outputs['r0/evoformer_input_msa']);
    const z = asF32(outputs['r0/evoformer_input_pair']);
    const msaMask = asF32(inputs.msa_mask);
    const pairMask = pairMaskFromSeqMask(asF32(inputs.seq_mask));
    const got = await gpuBlock(params, 'evoformer', 0, m, z, msaMask, pairMask);
    console.log(`evoformer block dispatches: ${got.dispatches}`);
    expect(got.dispatches, 'dispatches per Evoformer block (issue 5: at most 32)').toBeLessThanOrEqual(32);
    expectClose('evoformer_block0_msa', got.m, asF32(outputs['r0/evoformer_block0_msa']));
    expectClose('evoformer_block0_pair', got.z, asF32(outputs['r0/evoformer_block0_pair']));
    // and the CPU reference on the same inputs
    const ref = evoformerBlock(m, z, { msa: msaMask, pair: pairMask }, params, 0);
    expectClose('evoformer block 0 m vs reference', got.m, ref.m);
    expectClose('evoformer block 0 z vs reference', got.z, ref.z);
  });

  it('extra-MSA block 0: r0/extra_msa_act, r0/extra_stack_input_pair → r0/extra_block0_*', async () => {
    const e = asF32(outputs['r0/extra_msa_act']);
    const z = asF32(outputs['r0/extra_stack_input_pair']);
    const mask = asF32(inputs.extra_msa_mask);
    const pairMask = pairMaskFromSeqMask(asF32(inputs.seq_mask));
    const got = await gpuBlock(params, 'extra_msa', 0, e, z, mask, pairMask);
    console.log(`extra-MSA block dispatches: ${got.dispatches}`);
    expectClose('extra_block0_msa', got.m, asF32(outputs['r0/extra_block0_msa']));
    expectClose('extra_block0_pair', got.z, asF32(outputs['r0/extra_block0_pair']));
  });

  it('both blocks in chunks of odd sizes (every chunked module) equal the CPU reference', async () => {
    // attention lines, bias rows, OPM and triangle windows that do not divide N_res or N_seq
    const chunks: BlockChunks = {
      msaAttentionLines: 3,
      pairAttentionLines: 4,
      biasRows: 6,
      outerProductMeanRows: 9,
      triangleRows: 10,
      triangleChannels: 5,
    };
    const pairMask = pairMaskFromSeqMask(asF32(inputs.seq_mask));
    const m = asF32(outputs['r0/evoformer_input_msa']);
    const z = asF32(outputs['r0/evoformer_input_pair']);
    const evo = await gpuBlock(params, 'evoformer', 0, m, z, asF32(inputs.msa_mask), pairMask, chunks);
    const ref = evoformerBlock(m, z, { msa: asF32(inputs.msa_mask), pair: pairMask }, params, 0);
    expectClose('chunked evoformer block m', evo.m, ref.m);
    expectClose('chunked evoformer block z', evo.z, ref.z);
    const e = asF32(outputs['r0/extra_msa_act']);
    const ze = asF32(outputs['r0/extra_stack_input_pair']);
    const mask = asF32(inputs.extra_msa_mask);
    const extra = await gpuBlock(params, 'extra_msa', 0, e, ze, mask, pairMask, chunks);
    const refE = extraMsaBlock(e, ze, { msa: mask, pair: pairMask }, params, 0);
    expectClose('chunked extra block m', extra.m, refE.m);
    expectClose('chunked extra block z', extra.z, refE.z);
  });

  it('extra-MSA block with masked rows and a fully masked column matches the reference', async () => {
    const e = asF32(outputs['r0/extra_msa_act']);
    const z = asF32(outputs['r0/extra_stack_input_pair']);
    const [nExtra, nRes] = e.shape;
    const mask = tensor([nExtra, nRes]);
    const u = seededArray(nExtra * nRes, 7, 0, 1);
    for (let x = 0; x < mask.data.length; x++) mask.data[x] = u[x] < 0.3 ? 0 : 1;
    for (let s = 0; s < nExtra; s++) mask.data[s * nRes + 3] = 0; // column 3 fully masked
    const seqMask = tensor([nRes]);
    seqMask.data.fill(1);
    seqMask.data[nRes - 1] = 0;
    const pairMask = pairMaskFromSeqMask(seqMask);
    const got = await gpuBlock(params, 'extra_msa', 1, e, z, mask, pairMask);
    const ref = extraMsaBlock(e, z, { msa: mask, pair: pairMask }, params, 1);
    expectClose('masked extra block m', got.m, ref.m);
    expectClose('masked extra block z', got.z, ref.z);
  });
});

describe('Evoformer block on the GPU vs the CPU reference, random full-size weights', () => {
  it('one block at N_res = 24 (full AF2 channels and heads)', async () => {
    const dims = { ...PRESETS.full, N_evoformer_blocks: 1 };
    const schema = buildSchema(presetLayout()).filter((e) => e.key.startsWith(`${EVOFORMER_ITERATION}/`));
    const params: Params = Object.fromEntries(randomParams(schema, dims, 11));
    const nRes = 24;
    const nSeq = 5;
    const cm = params[`${EVOFORMER_ITERATION}/msa_transition/input_layer_norm//scale`].shape[1];
    const cz = params[`${EVOFORMER_ITERATION}/pair_transition/input_layer_norm//scale`].shape[1];
    expect([cm, cz]).toEqual([256, 128]);
    const m = tensor([nSeq, nRes, cm], seededArray(nSeq * nRes * cm, 1, -2, 2));
    const z = tensor([nRes, nRes, cz], seededArray(nRes * nRes * cz, 2, -2, 2));
    const msaMask = tensor(
      [nSeq, nRes],
      seededArray(nSeq * nRes, 3, 0, 1).map((x) => (x < 0.2 ? 0 : 1)),
    );
    const seqMask = tensor([nRes]);
    seqMask.data.fill(1);
    seqMask.data[nRes - 2] = 0;
    const pairMask = pairMaskFromSeqMask(seqMask);
    const got = await gpuBlock(params, 'evoformer', 0, m, z, msaMask, pairMask);
    console.log(`full-size evoformer block dispatches: ${got.dispatches}`);
    const ref = evoformerBlock(m, z, { msa: msaMask, pair: pairMask }, params, 0);
    expectClose('full-size block m', got.m, ref.m);
    expectClose('full-size block z', got.z, ref.z);
  }, 600_000);
});
