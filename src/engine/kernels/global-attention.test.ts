import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, readFloat32 } from '../../gpu/buffers.ts';
import { PipelineCache } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { acquireNodeDevice } from '../../gpu/node.ts';
import {
  compare as compareGolden,
  hasMaskedEntries,
  loadGoldenModule,
  REL_TOL,
} from '../../model/reference/golden-test-support.ts';
import { asF32, layerNormByKey, linear, param, tensor } from '../../model/reference/ops.ts';
import type { KernelEnv } from './cases.ts';
import { compare, seededArray } from './check.ts';
import {
  type GlobalAttentionDims,
  globalAttentionRef,
  globalViewLengths,
  msaColumnGlobalLayout,
  resolveGlobalAttentionDims,
} from './global-attention.ref.ts';
import { type GlobalAttentionConfig, recordGlobalAttention } from './global-attention.ts';

// A real Dawn device (software Vulkan in CI). No device → the test fails with the driver help.
let env: KernelEnv;
beforeAll(async () => {
  const ctx = await acquireNodeDevice({ label: 'global-attention-test' });
  env = { ctx, cache: new PipelineCache(ctx.device), pool: new BufferPool(ctx.device) };
});
afterAll(() => {
  env?.pool.destroy();
  env?.ctx.device.destroy();
});

const T = 300_000;

interface Arrays {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  gate?: Float32Array;
  mask: Float32Array;
}

/** The kernel on the GPU (one dispatch); out starts as `out0`. */
async function runGpu(
  dims: GlobalAttentionDims,
  x: Arrays,
  out0: Float32Array,
  cfg?: GlobalAttentionConfig,
): Promise<{ got: Float32Array; dispatches: number }> {
  const { ctx, cache, pool } = env;
  const d = resolveGlobalAttentionDims(dims);
  const label = `global attention ${d.batch}x${d.seqs} H${d.heads} D${d.headDim}`;
  const bufs = {
    q: pool.upload(x.q, `${label} q`),
    k: pool.upload(x.k, `${label} k`),
    v: pool.upload(x.v, `${label} v`),
    gate: x.gate ? pool.upload(x.gate, `${label} gate`) : undefined,
    mask: pool.upload(x.mask, `${label} mask`),
    out: pool.upload(out0, `${label} out`),
  };
  try {
    const rec = new Recorder(ctx, cache, label);
    await recordGlobalAttention(rec, d, bufs, cfg);
    rec.submit();
    return { got: await readFloat32(ctx.device, bufs.out, out0.length), dispatches: rec.dispatches };
  } finally {
    for (const b of Object.values(bufs)) if (b) pool.release(b);
  }
}

async function randomCase(
  dims: GlobalAttentionDims,
  seed: number,
  opts: { gate?: boolean; maskedColumns?: number[]; cfg?: GlobalAttentionConfig } = {},
) {
  const d = resolveGlobalAttentionDims(dims);
  const n = globalViewLengths(d);
  const x: Arrays = {
    q: seededArray(Math.max(1, n.q), seed, -2, 2),
    k: seededArray(Math.max(1, n.k), seed + 1, -2, 2),
    v: seededArray(Math.max(1, n.v), seed + 2),
    gate: opts.gate === false ? undefined : seededArray(Math.max(1, n.gate), seed + 3, -3, 3),
    mask: seededArray(Math.max(1, n.mask), seed + 4, 0, 1).map((u) => (u < 0.3 ? 0 : 1)),
  };
  for (const b of opts.maskedColumns ?? [])
    for (let s = 0; s < d.seqs; s++) x.mask[d.mask.offset + b * d.mask.strideB + s * d.mask.strideK] = 0;
  const out0 = seededArray(Math.max(1, n.out), seed + 5, 5, 6);
  const { got, dispatches } = await runGpu(d, x, out0, opts.cfg);
  const ref = globalAttentionRef(d, x, out0);
  return { ...compare(got, ref, 1e-5), dispatches };
}

function expectOk(r: { maxAbsError: number; tolerance: number; dispatches: number }, what = ''): void {
  expect(r.maxAbsError, `${what} max|err| ${r.maxAbsError} > ${r.tolerance}`).toBeLessThanOrEqual(
    r.tolerance,
  );
  expect(r.dispatches).toBe(1);
}

describe('global attention CPU reference', () => {
  it('a single unmasked sequence: output is sigmoid(g) · v of that sequence', () => {
    const dims: GlobalAttentionDims = { batch: 1, seqs: 2, heads: 1, headDim: 1 };
    const out = globalAttentionRef(dims, {
      q: [3, 100],
      k: [1, 2],
      v: [0.5, 9],
      gate: [0, 100],
      mask: [1, 0],
    });
    expect(out[0]).toBeCloseTo(0.25, 12);
    expect(out[1]).toBeCloseTo(0.5, 12);
  });
});

describe('global attention kernel vs CPU reference (real Dawn device)', () => {
  it(
    'odd sequence counts S = 1, 7, 33, 65, 1000 (AF2 sizes: 8 heads × 8), masked columns',
    async () => {
      for (const S of [1, 7, 33, 65, 1000]) {
        const nRes = S === 1000 ? 3 : 7;
        const dims = msaColumnGlobalLayout(S, nRes, 8, 8);
        expectOk(await randomCase(dims, 10 + S, { maskedColumns: [1] }), `S=${S}`);
      }
    },
    T,
  );

  it(
    'head width 32; head width 6 (component loads), 5 heads (not dividing the workgroup), ungated',
    async () => {
      expectOk(await randomCase(msaColumnGlobalLayout(33, 5, 2, 32), 64, { maskedColumns: [0] }), 'H=2 D=32');
      const dims = msaColumnGlobalLayout(65, 4, 5, 6);
      expectOk(await randomCase(dims, 30, { gate: false, maskedColumns: [3] }), 'H=5 D=6 ungated');
    },
    T,
  );

  it(
    'Alg. 19 msa_column_global_attention vs golden: projections on the CPU, core on the GPU',
    async () => {
      const g = await loadGoldenModule('msa_column_global_attention');
      const { msa_act, msa_mask } = g.inputs;
      expect(hasMaskedEntries(msa_mask)).toBe(true);
      const attn = `${g.path}/attention`;
      const queryW = param(g.params, attn, 'query_w'); // [c_e, H, C]
      const [, H, C] = queryW.shape;
      const [nSeq, nRes] = msa_act.shape;
      // [N_seq, N_res, c_e] in its own layout (LayerNorm is per position)
      const x = layerNormByKey(msa_act, g.params, `${g.path}/query_norm`);
      const q = linear(x, queryW); // [N_seq, N_res, H, C]
      const k = linear(x, param(g.params, attn, 'key_w')); // [N_seq, N_res, C]
      const v = linear(x, param(g.params, attn, 'value_w'));
      const gate = linear(x, param(g.params, attn, 'gating_w'), param(g.params, attn, 'gating_b'));
      const dims = { ...msaColumnGlobalLayout(nSeq, nRes, H, C), eps: 1e-8 };
      const n = globalViewLengths(resolveGlobalAttentionDims(dims)).out;
      const { got, dispatches } = await runGpu(
        dims,
        { q: q.data, k: k.data, v: v.data, gate: gate.data, mask: asF32(msa_mask).data },
        new Float32Array(n),
      );
      expect(dispatches).toBe(1);
      // [N_seq, N_res, H, C] → [N_seq, N_res, c_e]
      const out = linear(
        tensor([nSeq, nRes, H, C], got),
        param(g.params, attn, 'output_w'),
        param(g.params, attn, 'output_b'),
        2,
      );
      const err = compareGolden(out, g.outputs.update);
      console.log(
        `msa_column_global_attention: GPU core, module max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
      );
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    },
    T,
  );
});
