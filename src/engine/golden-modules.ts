/**
 * Per-module golden pairs (`DIR/modules/<name>.npz`, listed in `modules/index.json`) run on the
 * GPU: the `module` half of the `webgpu` golden backend. Each module is the same kernel
 * composition the engine runs (src/engine/evoformer, src/engine/structure), on the pair's
 * parameters and inputs; a name without a GPU composition returns `undefined` (a failure row).
 *
 *   Alg 7   msa_row_attention_with_pair_bias (+ extra)   recordMsaRowAttention
 *   Alg 8   msa_column_attention                         recordMsaColumnAttention
 *   Alg 19  msa_column_global_attention                  recordMsaColumnGlobalAttention
 *   Alg 9/15 msa_transition, pair_transition             recordTransition (fused or composed)
 *   Alg 10  outer_product_mean                           recordOuterProductMean (into z = 0)
 *   Alg 11/12 triangle_multiplication_*                  recordTriangleMultiplication
 *   Alg 13/14 triangle_attention_*                       recordTriangleAttention
 *   Alg 17  template_pointwise_attention                 matmuls + attention core (keys = templates)
 *   Alg 22  invariant_point_attention                    matmuls + ipa kernel
 *   Alg 23  backbone_update                              backbone_update kernel
 *   Alg 20 l.11–14 angle_resnet                          angle_resnet kernel
 *   Alg 20 l.8–9 structure_module_transition             matmuls + layernorm
 *   Alg 24  all_atom_from_torsions                       all_atom kernel
 *
 * The Evoformer modules add their update in place (m += f(m)); the golden pairs hold the update
 * alone, so it is read back as (m after) − (m before).
 * DISCREPANCY: `atom14_atom_exists` of all_atom_from_torsions is the constant residue table
 * looked up on the host (the all_atom kernel writes the atom37 mask only).
 */
import { readFloat32 } from '../gpu/buffers.ts';
import { Recorder } from '../gpu/launch.ts';
import { atom14Num, restypeAtom14Mask } from '../model/features/residue-constants.ts';
import { quatAffinesFrom } from '../model/geometry/quat-affine.ts';
import type { GoldenModuleCase } from '../model/golden/types.ts';
import type { NdArray } from '../model/ndarray.ts';
import { ipaDims } from '../model/reference/invariant-point-attention.ts';
import { asF32, type Params, param, type Tensor, tensor } from '../model/reference/ops.ts';
import { transitionLayerPaths } from '../model/reference/structure-module-transition.ts';
import {
  recordMsaColumnAttention,
  recordMsaColumnGlobalAttention,
  recordMsaRowAttention,
  recordTriangleAttention,
  Transients,
} from './evoformer/attention-modules.ts';
import { packAttention, packGlobalAttention, packRowAttention } from './evoformer/module-weights.ts';
import type { GpuEnv } from './evoformer/stack.ts';
import {
  type OuterProductMeanDeviceWeights,
  packOuterProductMeanWeights,
  recordOuterProductMean,
} from './kernels/outer-product-mean.ts';
import {
  FUSED_TRANSITION_MAX_C,
  packTransitionBuffer,
  packTransitionWeights,
  recordTransition,
  transitionChunkRows,
  transitionScratchBytes,
} from './kernels/transition.ts';
import {
  packTriangleMultiplicationWeights,
  recordTriangleMultiplication,
  triangleScratchBytes,
} from './kernels/triangle-multiplication.ts';
import {
  allAtomKernel,
  angleResnetKernel,
  backboneUpdateKernel,
  FRAME_STRIDE,
  type IpaShape,
  ipaFeatureWidth,
  ipaKernel,
  ipaProjWidth,
} from './structure/kernels.ts';
import { recordLinear, recordNorm } from './structure/structure-module.ts';
import { uploadGeometryTables } from './structure/tables.ts';
import type { Linear, Norm } from './structure/weights.ts';
import {
  pointwiseAttentionWeights,
  recordTemplatePointwiseAttention,
} from './templates/template-embedding.ts';
import { DeviceWeights } from './weights.ts';

type Outputs = Record<string, NdArray>;

/** AF2's backbone translation scale (Å per internal unit) of the backbone-update golden pair. */
const BACKBONE_POSITION_SCALE = 10;

/** One module run: uploads, scratch and weights, all released by `dispose`. */
class ModuleRun {
  readonly dw: DeviceWeights;
  readonly rec: Recorder;
  private readonly bufs: GPUBuffer[] = [];

  constructor(
    readonly env: GpuEnv,
    readonly c: GoldenModuleCase,
  ) {
    this.dw = new DeviceWeights(env.pool, c.params as Params, `golden module ${c.name}`);
    this.rec = new Recorder(env.ctx, env.cache, `golden module ${c.name}`);
  }

  input(name: string): Tensor {
    const a = this.c.inputs[name];
    if (!a) throw new Error(`golden module ${this.c.name}: input '${name}' is missing (in_${name})`);
    return asF32(a, `in_${name}`);
  }

  upload(data: Float32Array | Int32Array, label: string): GPUBuffer {
    const b = this.env.pool.upload(data.length ? data : new Float32Array(1), `${this.c.name} ${label}`);
    this.bufs.push(b);
    return b;
  }

  scratch(elements: number, label: string): GPUBuffer {
    const b = this.env.pool.acquire(4 * Math.max(1, elements), `${this.c.name} ${label}`);
    this.bufs.push(b);
    return b;
  }

  zeros(elements: number, label: string): GPUBuffer {
    return this.upload(new Float32Array(Math.max(1, elements)), label);
  }

  async read(buf: GPUBuffer, shape: number[]): Promise<Tensor> {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(shape, await readFloat32(this.env.ctx.device, buf, n));
  }

  /** Submits what was recorded. */
  submit(): void {
    this.rec.submit();
  }

  linear(path: string): Linear<GPUBuffer> {
    const w = param(this.c.params as Params, path, 'weights');
    const b = param(this.c.params as Params, path, 'bias');
    return {
      w: this.dw.upload(`${path}//weights`, w.data),
      b: this.dw.upload(`${path}//bias`, b.data),
      cIn: w.shape[0],
      cOut: w.shape[1],
    };
  }

  norm(path: string): Norm<GPUBuffer> {
    const p = this.c.params as Params;
    return {
      scale: this.dw.upload(`${path}//scale`, param(p, path, 'scale').data),
      offset: this.dw.upload(`${path}//offset`, param(p, path, 'offset').data),
    };
  }

  dispose(): void {
    for (const b of this.bufs) this.env.pool.release(b);
    this.dw.release();
  }
}

/** (after − before) as the module's update. */
function difference(after: Tensor, before: Tensor): Tensor {
  const out = tensor(before.shape);
  for (let k = 0; k < out.data.length; k++) out.data[k] = after.data[k] - before.data[k];
  return out;
}

/** Runs an in-place module on a device copy of `x` and returns the update it added. */
async function inPlaceUpdate(
  run: ModuleRun,
  x: Tensor,
  record: (buf: GPUBuffer) => Promise<void>,
): Promise<Outputs> {
  const buf = run.upload(x.data, 'x (updated in place)');
  await record(buf);
  run.submit();
  return { update: difference(await run.read(buf, x.shape), x) };
}

/** Frames in the GPU record layout [N, 16]: quaternion | translation | rotation. */
function frameRecord(
  N: number,
  quat: Float32Array | null,
  trans: Float32Array,
  rot: Float32Array,
): Float32Array {
  const out = new Float32Array(Math.max(1, N) * FRAME_STRIDE);
  for (let i = 0; i < N; i++) {
    const o = i * FRAME_STRIDE;
    if (quat) out.set(quat.subarray(i * 4, i * 4 + 4), o);
    out.set(trans.subarray(i * 3, i * 3 + 3), o + 4);
    out.set(rot.subarray(i * 9, i * 9 + 9), o + 7);
  }
  return out;
}

function suffix(k: number): string {
  return k === 0 ? '' : `_${k}`;
}

type Runner = (run: ModuleRun, path: string) => Promise<Outputs>;

const rowAttention: Runner = async (run, path) => {
  const m = run.input('msa_act');
  const [S, N] = m.shape;
  const w = packRowAttention(run.dw, run.c.params as Params, path, path);
  const z = run.upload(run.input('pair_act').data, 'pair_act');
  const msaMask = run.upload(run.input('msa_mask').data, 'msa_mask');
  return inPlaceUpdate(run, m, (buf) =>
    recordMsaRowAttention(run.rec, run.env.pool, w, { nSeq: S, nRes: N }, { m: buf, z, msaMask }, path),
  );
};

const transition: Runner = async (run, path) => {
  const x = run.input(run.c.inputs.msa_act ? 'msa_act' : 'pair_act');
  const c = x.shape[x.shape.length - 1];
  const rows = x.data.length / c;
  const p = packTransitionBuffer(packTransitionWeights(run.c.params as Params, path));
  const weights = run.dw.upload(`${path} packed`, p.data);
  return inPlaceUpdate(run, x, async (buf) => {
    if (p.layout.c <= FUSED_TRANSITION_MAX_C) {
      await recordTransition(run.rec, rows, p.layout, weights, { x: buf }, { fused: true });
      return;
    }
    const limits = run.env.ctx.device.limits;
    const chunk = transitionChunkRows(rows, p.layout.c, limits.minStorageBufferOffsetAlignment);
    const bytes = transitionScratchBytes(chunk, p.layout);
    await recordTransition(
      run.rec,
      rows,
      p.layout,
      weights,
      {
        x: buf,
        xNorm: run.scratch(bytes.xNorm / 4, 'LayerNorm(x)'),
        hidden: run.scratch(bytes.hidden / 4, 'hidden'),
      },
      { fused: false, chunkRows: chunk },
    );
  });
};

const triangleMultiplication =
  (orientation: 'outgoing' | 'incoming'): Runner =>
  async (run, path) => {
    const z = run.input('pair_act');
    const N = z.shape[0];
    const p = packTriangleMultiplicationWeights(run.c.params as Params, path);
    const weights = run.dw.upload(`${path} packed`, p.data);
    const mask = run.upload(run.input('pair_mask').data, 'pair_mask');
    const bytes = triangleScratchBytes(N, p.layout, N);
    return inPlaceUpdate(run, z, async (buf) => {
      await recordTriangleMultiplication(run.rec, orientation, N, p.layout, {
        z: buf,
        mask,
        weights,
        out: run.scratch(bytes.out / 4, 'z + update'),
        left: run.scratch(bytes.left / 4, 'left'),
        right: run.scratch(bytes.right / 4, 'right'),
        t: run.scratch(bytes.t / 4, 't'),
      });
    });
  };

const triangleAttention =
  (orientation: 'starting' | 'ending'): Runner =>
  async (run, path) => {
    const z = run.input('pair_act');
    const N = z.shape[0];
    const w = packAttention(run.dw, run.c.params as Params, path, path, true);
    const pairMask = run.upload(run.input('pair_mask').data, 'pair_mask');
    return inPlaceUpdate(run, z, (buf) =>
      recordTriangleAttention(run.rec, run.env.pool, w, orientation, N, { z: buf, pairMask }, path),
    );
  };

const RUNNERS: Readonly<Record<string, Runner>> = {
  msa_row_attention_with_pair_bias: rowAttention,
  extra_msa_row_attention_with_pair_bias: rowAttention,
  msa_column_attention: async (run, path) => {
    const m = run.input('msa_act');
    const [S, N] = m.shape;
    const w = packAttention(run.dw, run.c.params as Params, path, path, false);
    const msaMask = run.upload(run.input('msa_mask').data, 'msa_mask');
    return inPlaceUpdate(run, m, (buf) =>
      recordMsaColumnAttention(run.rec, run.env.pool, w, { nSeq: S, nRes: N }, { m: buf, msaMask }, path),
    );
  },
  msa_column_global_attention: async (run, path) => {
    const m = run.input('msa_act');
    const [S, N] = m.shape;
    const w = packGlobalAttention(run.dw, run.c.params as Params, path, path);
    const msaMask = run.upload(run.input('msa_mask').data, 'msa_mask');
    return inPlaceUpdate(run, m, (buf) =>
      recordMsaColumnGlobalAttention(
        run.rec,
        run.env.pool,
        w,
        { nSeq: S, nRes: N },
        { m: buf, msaMask },
        path,
      ),
    );
  },
  msa_transition: transition,
  pair_transition: transition,
  outer_product_mean: async (run, path) => {
    const m = run.input('msa_act');
    const [S, N] = m.shape;
    const o = packOuterProductMeanWeights(run.c.params as Params, path);
    // every packed array uploaded under its own field name (the device layout mirrors the host one)
    const w = Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        v instanceof Float32Array ? run.dw.upload(`${path} ${k}`, v) : v,
      ]),
    ) as unknown as OuterProductMeanDeviceWeights;
    // z = 0, so z += OuterProductMean(m) leaves the update itself  [N_res, N_res, c_z]
    const z = run.zeros(N * N * o.cz, 'update [N_res, N_res, c_z]');
    const bufs = {
      m: run.upload(m.data, 'msa_act'),
      mask: run.upload(run.input('msa_mask').data, 'msa_mask'),
      z,
      ab: run.scratch(S * N * 2 * o.C, 'a|b'),
    };
    await recordOuterProductMean(run.rec, N, S, w, bufs);
    run.submit();
    return { update: await run.read(z, [N, N, o.cz]) };
  },
  triangle_multiplication_outgoing: triangleMultiplication('outgoing'),
  triangle_multiplication_incoming: triangleMultiplication('incoming'),
  triangle_attention_starting_node: triangleAttention('starting'),
  triangle_attention_ending_node: triangleAttention('ending'),
  template_pointwise_attention: async (run, path) => {
    // Algorithm 17: one query per pair (z_ij, no LN), keys/values = the templates' t_ij, no gate
    const t = run.input('template_pair_act');
    const z = run.input('pair_act');
    const mask = run.input('template_mask');
    const [nT, N] = t.shape;
    const w = pointwiseAttentionWeights(run.dw, run.c.params as Params, path);
    const out = run.scratch(N * N * w.cz, 'update [N_res², c_z]');
    const transients = new Transients(run.env.pool, path);
    await recordTemplatePointwiseAttention(
      run.rec,
      transients,
      w,
      { nRes: N, nTempl: nT },
      {
        z: run.upload(z.data, 'pair_act [N_res², c_z]'),
        zType: 'f32',
        templates: run.upload(t.data, 'template_pair_act [N_templ, N_res², c_t]'),
        mask: run.upload(mask.data, 'template_mask [N_templ]'),
        out,
      },
    );
    run.submit();
    transients.release();
    const update = await run.read(out, [N, N, w.cz]);
    // (Σ_s mask_s > 0): no templates → no update
    if (!mask.data.some((x) => x > 0)) update.data.fill(0);
    return { update };
  },
  invariant_point_attention: async (run, path) => {
    const s = run.input('single_act');
    const [N, cS] = s.shape;
    const params = run.c.params as Params;
    const pairBias = run.linear(`${path}/attention_2d`);
    const ipa: IpaShape = { ...ipaDims(params, path), cZ: pairBias.cIn };
    const parts = ['q_scalar', 'kv_scalar', 'q_point_local', 'kv_point_local'].map((n) => ({
      w: param(params, `${path}/${n}`, 'weights'),
      b: param(params, `${path}/${n}`, 'bias'),
    }));
    const P = parts.reduce((a, p) => a + p.w.shape[1], 0);
    if (P !== ipaProjWidth(ipa))
      throw new Error(`IPA projections: ${P} columns, expected ${ipaProjWidth(ipa)}`);
    // [c_s, P] = q_scalar | kv_scalar | q_point_local | kv_point_local
    const w = new Float32Array(cS * P);
    const b = new Float32Array(P);
    let col = 0;
    for (const p of parts) {
      const n = p.w.shape[1];
      for (let r = 0; r < cS; r++) w.set(p.w.data.subarray(r * n, (r + 1) * n), r * P + col);
      b.set(p.b.data, col);
      col += n;
    }
    const proj: Linear<GPUBuffer> = {
      w: run.dw.upload(`${path} q|kv|q_point|kv_point weights`, w),
      b: run.dw.upload(`${path} q|kv|q_point|kv_point bias`, b),
      cIn: cS,
      cOut: P,
    };
    const output = run.linear(`${path}/output_projection`);
    const H = ipa.H;
    const frames = run.upload(
      frameRecord(N, run.input('quaternion').data, run.input('translation').data, run.input('rotation').data),
      'frames [N, 16]',
    );
    const sBuf = run.upload(s.data, 'single_act');
    const z = run.upload(run.input('pair_act').data, 'pair_act');
    const bias = run.scratch(N * N * H, 'pair bias [N, N, H]');
    const projBuf = run.scratch(N * P, 'projections [N, P]');
    const feat = run.scratch(N * ipaFeatureWidth(ipa), 'features [N, F]');
    const out = run.scratch(N * cS, 'update [N, c_s]');
    const { rec } = run;
    await recordLinear(rec, N * N, z, pairBias, bias);
    await recordLinear(rec, N, sBuf, proj, projBuf);
    await rec.dispatch(
      ipaKernel(ipa),
      { N },
      {
        proj: projBuf,
        frames,
        bias,
        z,
        mask: run.upload(run.input('mask').data, 'mask [N]'),
        tpw: run.dw.upload(
          `${path}//trainable_point_weights`,
          param(params, path, 'trainable_point_weights').data,
        ),
        out: feat,
      },
    );
    await recordLinear(rec, N, feat, output, out);
    run.submit();
    return { update: await run.read(out, [N, cS]) };
  },
  backbone_update: async (run, path) => {
    const s = run.input('single_act');
    const [N, cS] = s.shape;
    const a = quatAffinesFrom(run.input('quaternion').data, run.input('translation').data, N, false);
    const frames = run.upload(
      frameRecord(N, Float32Array.from(a.quat), Float32Array.from(a.trans), Float32Array.from(a.rot)),
      'frames [N, 16]',
    );
    const l = run.linear(path);
    const update = run.scratch(N * 6, 'update [N, 6]');
    const affine = run.scratch(N * 7, 'affine [N, 7]');
    await run.rec.dispatch(
      backboneUpdateKernel(cS),
      { N, positionScale: BACKBONE_POSITION_SCALE },
      { s: run.upload(s.data, 'single_act'), w: l.w, b: l.b, frames, update, affine },
    );
    run.submit();
    const fr = await readFloat32(run.env.ctx.device, frames, N * FRAME_STRIDE);
    const pick = (off: number, n: number, shape: number[]) =>
      tensor(
        shape,
        Float32Array.from({ length: N * n }, (_, k) => fr[Math.floor(k / n) * FRAME_STRIDE + off + (k % n)]),
      );
    return {
      update: await run.read(update, [N, 6]),
      quaternion: pick(0, 4, [N, 4]),
      translation: pick(4, 3, [N, 3]),
      rotation: pick(7, 9, [N, 3, 3]),
    };
  },
  angle_resnet: async (run, path) => {
    const s = run.input('single_act');
    const [N, cS] = s.shape;
    const params = run.c.params as Params;
    const lin = (p: string) => ({ w: param(params, p, 'weights'), b: param(params, p, 'bias') });
    const inP = lin(`${path}/input_projection`);
    const inP1 = lin(`${path}/input_projection_1`);
    const blocks: ReturnType<typeof lin>[] = [];
    for (let k = 0; `${path}/resblock1${suffix(k)}//weights` in params; k++) {
      blocks.push(lin(`${path}/resblock1${suffix(k)}`), lin(`${path}/resblock2${suffix(k)}`));
    }
    const outP = lin(`${path}/unnormalized_angles`);
    // packed in angle_resnet.wgsl's order: (W, b) of input_projection, input_projection_1, blocks, output
    const all = [inP, inP1, ...blocks, outP];
    const packed = new Float32Array(all.reduce((a, l) => a + l.w.data.length + l.b.data.length, 0));
    let at = 0;
    for (const l of all) {
      packed.set(l.w.data, at);
      at += l.w.data.length;
      packed.set(l.b.data, at);
      at += l.b.data.length;
    }
    const outputs = outP.w.shape[1];
    const unnorm = run.scratch(N * outputs, 'unnormalized angles [N, 7, 2]');
    const angles = run.scratch(N * outputs, 'angles [N, 7, 2]');
    await run.rec.dispatch(
      angleResnetKernel({ cS, c: inP.w.shape[1], blocks: blocks.length / 2, outputs }),
      { N },
      {
        s: run.upload(s.data, 'single_act'),
        sInit: run.upload(run.input('initial_single_act').data, 'initial_single_act'),
        w: run.dw.upload(`${path} packed`, packed),
        unnorm,
        angles,
      },
    );
    run.submit();
    return {
      unnormalized_angles: await run.read(unnorm, [N, 7, 2]),
      angles: await run.read(angles, [N, 7, 2]),
    };
  },
  structure_module_transition: async (run, path) => {
    // path = …/fold_iteration/transition: the layers are …/transition, transition_1, …
    const parent = path.slice(0, path.lastIndexOf('/'));
    const s = run.input('single_act');
    const [N, cS] = s.shape;
    const layers = transitionLayerPaths(run.c.params as Params, parent).map((p) => run.linear(p));
    const norm = run.norm(`${parent}/transition_layer_norm`);
    const x = run.upload(s.data, 'single_act');
    const y = run.scratch(N * cS, 'output [N, c_s]');
    const { rec } = run;
    // s += Linear(relu(Linear(relu(Linear(s))))); y = LN(s)  (Algorithm 20 lines 8–9)
    let a = x;
    for (const l of layers.slice(0, -1)) {
      const h = run.scratch(N * l.cOut, 'hidden');
      await recordLinear(rec, N, a, l, h, 'relu');
      a = h;
    }
    await recordLinear(rec, N, a, layers[layers.length - 1], x, 'residual-in-place');
    await recordNorm(rec, N, cS, x, norm, y);
    run.submit();
    return { output: await run.read(y, [N, cS]) };
  },
  all_atom_from_torsions: async (run) => {
    const aatype = Int32Array.from(run.input('aatype').data);
    const N = aatype.length;
    const frames = frameRecord(
      N,
      null,
      run.input('backbone_translation').data,
      run.input('backbone_rotation').data,
    );
    const b = {
      aatype: run.upload(aatype, 'aatype [N]'),
      frames: run.upload(frames, 'backbone frames [N, 16]'),
      angles: run.upload(run.input('angles').data, 'angles [N, 7, 2]'),
      tables: uploadGeometryTables(run.env.pool),
      groupFrames: run.scratch(N * 128, 'rigid-group frames [N, 8, 4, 4]'),
      atom14: run.scratch(N * 42, 'atom14 [N, 14, 3]'),
      atom37: run.scratch(N * 111, 'atom37 [N, 37, 3]'),
      mask37: run.scratch(N * 37, 'atom37 mask [N, 37]'),
    };
    try {
      // translations are in Å here
      await run.rec.dispatch(allAtomKernel(), { N, positionScale: 1 }, b);
      run.submit();
      const m14 = tensor([N, atom14Num]);
      aatype.forEach((r, i) => {
        m14.data.set(restypeAtom14Mask[r], i * atom14Num);
      });
      return {
        all_frames_to_global: await run.read(b.groupFrames, [N, 8, 4, 4]),
        atom14_positions: await run.read(b.atom14, [N, 14, 3]),
        atom37_positions: await run.read(b.atom37, [N, 37, 3]),
        atom37_atom_exists: await run.read(b.mask37, [N, 37]),
        atom14_atom_exists: m14,
      };
    } finally {
      run.env.pool.release(b.tables);
    }
  },
};

/** Module names with a GPU composition. */
export const GPU_GOLDEN_MODULES: readonly string[] = Object.keys(RUNNERS);

/**
 * Runs one golden module case on the GPU; `undefined` when no GPU composition is mapped to that
 * name. Missing inputs or parameters throw, naming them.
 */
export async function runGpuModule(env: GpuEnv, c: GoldenModuleCase): Promise<Outputs | undefined> {
  const runner = RUNNERS[c.name];
  if (!runner) return undefined;
  const run = new ModuleRun(env, c);
  try {
    return await runner(run, c.entry.param_prefixes[0] ?? '');
  } finally {
    run.dispose();
  }
}
