/**
 * Algorithm 20 "Structure module" on the GPU (reference: src/model/reference/structure-module.ts),
 * weights shared over the layers (AF2 `fold_iteration`).
 *
 * Once (4 dispatches):
 *   s_initial = LN(s)                      [N_res, c_s]        layernorm        line 1
 *   z = LN(z)                              [N_res, N_res, c_z] layernorm        line 2
 *   s = Linear(s_initial)                  [N_res, c_s]        matmul           line 3
 *   b = Linear(z)  (IPA pair bias)         [N_res, N_res, H]   matmul           Alg 22 line 4
 *   T = identity                           [N_res, 16]         (buffer write)   line 4
 * Per layer (10 dispatches, + 1 for the atoms of that layer):
 *   proj = s · [W_q | W_kv | W_qp | W_kvp]  [N_res, P]          matmul           Alg 22 lines 1–3
 *   feat = IPA(proj, T, b, z, mask)         [N_res, F]          ipa.wgsl         Alg 22 lines 4–10
 *   s += feat · W_out + b_out                                   matmul (residual-in-place) line 11, line 6
 *   s' = LN(s)                                                  layernorm        line 7
 *   h = relu(s' W1 + b1); h = relu(h W2 + b2); s' += h W3 + b3  matmul × 3       line 8
 *   s = LN(s')                                                  layernorm        line 9
 *   T ← T ∘ BackboneUpdate(s)                                   backbone_update  line 10 (Alg 23)
 *   α = AngleResnet(s, s_initial)           [N_res, 7, 2]       angle_resnet     lines 11–14
 *   frames, atom14, atom37 (last layer, or every layer with `everyLayerAtoms`)  all_atom  line 15 (Alg 24)
 * Everything is recorded into one command buffer; nothing is read back.
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { type PipelineCache, type StorageType, storageBytes } from '../../gpu/kernel.ts';
import { Recorder } from '../../gpu/launch.ts';
import { NUM_RESTYPES_WITH_UNK } from '../../model/geometry/rigid-group-tables.ts';
import { DEFAULT_POSITION_SCALE } from '../../model/reference/structure-module.ts';
import { layerNormConfig, recordLayerNorm } from '../kernels/layernorm.ts';
import { recordMatmul } from '../kernels/matmul.ts';
import {
  allAtomKernel,
  angleResnetKernel,
  backboneUpdateKernel,
  FRAME_STRIDE,
  ipaFeatureWidth,
  ipaKernel,
  ipaProjWidth,
} from './kernels.ts';
import { uploadGeometryTables } from './tables.ts';
import type { Linear, Norm, StructureModuleDeviceWeights } from './weights.ts';

export interface IpaBuffers {
  /** [N, P] */
  proj: GPUBuffer;
  /** [N, 16] */
  frames: GPUBuffer;
  /** [N, N, H] */
  bias: GPUBuffer;
  /** [N, N, c_z] */
  z: GPUBuffer;
  /** [N] */
  mask: GPUBuffer;
  /** [H] */
  tpw: GPUBuffer;
  /** [N, F] */
  out: GPUBuffer;
}

/** Records Algorithm 22 lines 1–10 (projections + fused attention) for s [N, c_s]. */
export async function recordIpa(
  rec: Recorder,
  w: StructureModuleDeviceWeights,
  N: number,
  s: GPUBuffer,
  bufs: IpaBuffers,
  zType: StorageType = 'f32',
): Promise<void> {
  await recordLinear(rec, N, s, w.ipaProj, bufs.proj);
  await rec.dispatch(ipaKernel(w.ipa, 128, 32, zType), { N }, { ...bufs });
}

/** y = x · W + b (epilogue optional). */
export async function recordLinear(
  rec: Recorder,
  rows: number,
  x: GPUBuffer,
  l: Linear<GPUBuffer>,
  y: GPUBuffer,
  epilogue: 'none' | 'relu' | 'residual-in-place' | 'residual' = 'none',
  e?: GPUBuffer,
  xType: StorageType = 'f32',
): Promise<void> {
  await recordMatmul(
    rec,
    { M: rows, N: l.cOut, K: l.cIn },
    { a: x, b: l.w, bias: l.b, c: y, e },
    { bias: true, epilogue, types: { a: xType } },
  );
}

export async function recordNorm(
  rec: Recorder,
  rows: number,
  C: number,
  x: GPUBuffer,
  n: Norm<GPUBuffer>,
  y: GPUBuffer,
): Promise<void> {
  await recordLayerNorm(rec, { rows, C }, { x, scale: n.scale, offset: n.offset, y });
}

/**
 * Algorithm 20 lines 8–9: x += Linear(relu(Linear(relu(Linear(x))))) in place, then
 * y = LN(x). `hidden` holds one [N, c] scratch per inner layer.
 */
export async function recordStructureTransition(
  rec: Recorder,
  w: StructureModuleDeviceWeights,
  N: number,
  x: GPUBuffer,
  hidden: GPUBuffer[],
  y: GPUBuffer,
): Promise<void> {
  let a = x;
  for (let k = 0; k < w.transition.length - 1; k++) {
    await recordLinear(rec, N, a, w.transition[k], hidden[k], 'relu');
    a = hidden[k];
  }
  await recordLinear(rec, N, a, w.transition[w.transition.length - 1], x, 'residual-in-place');
  await recordNorm(rec, N, w.cS, x, w.transitionNorm, y);
}

export interface StructureModuleGpuOptions {
  numLayers?: number;
  positionScale?: number;
  /** Run all_atom after every layer, not only the last (trajectory). Default false. */
  everyLayerAtoms?: boolean;
  /**
   * [N, N, c_z] scratch for LN(z) (e.g. the plan's pair scratch); by default one is taken from
   * the pool and returned after recording.
   */
  zScratch?: GPUBuffer;
  /** Element type of z (f32, or f16 storage); default f32. */
  zType?: StorageType;
  /** Called after each layer is recorded (nothing has run yet). */
  onLayerRecorded?: (layer: number, dispatches: number) => void;
}

export interface StructureModuleGpuResult {
  N: number;
  /** [N, 16] quaternion | translation (internal units) | rotation: the final backbone frames */
  frames: GPUBuffer;
  /** [N, 7] AF2 affine tensor (quaternion, translation in Å) */
  affine: GPUBuffer;
  /** [N, 6] last backbone update */
  update: GPUBuffer;
  /** [N, 8, 4, 4] rigid-group frames (Å) */
  groupFrames: GPUBuffer;
  /** [N, 14, 3] Å */
  atom14: GPUBuffer;
  /** [N, 37, 3] Å */
  atom37: GPUBuffer;
  /** [N, 37] */
  atom37Mask: GPUBuffer;
  /** [N, 7, 2] */
  unnormalizedAngles: GPUBuffer;
  /** [N, 7, 2] */
  angles: GPUBuffer;
  /** [N, c_s] the final s (input of the pLDDT head) */
  single: GPUBuffer;
  /** [N, c_s] */
  singleInitial: GPUBuffer;
  /** dispatches recorded: before the layers, per layer (without all_atom), all_atom each */
  dispatches: { setup: number; perLayer: number; allAtom: number; total: number };
  /** Returns every buffer above to the pool. */
  release(): void;
}

/** Identity frames [N, 16]. */
export function identityFrames(N: number): Float32Array {
  const f = new Float32Array(Math.max(1, N) * FRAME_STRIDE);
  for (let i = 0; i < N; i++) {
    const o = i * FRAME_STRIDE;
    f[o] = 1;
    f[o + 7] = 1;
    f[o + 11] = 1;
    f[o + 15] = 1;
  }
  return f;
}

export function checkAatype(aatype: Int32Array): void {
  for (let i = 0; i < aatype.length; i++) {
    const r = aatype[i];
    if (!(r >= 0 && r < NUM_RESTYPES_WITH_UNK))
      throw new Error(`aatype[${i}] = ${r} is not a residue type (0..${NUM_RESTYPES_WITH_UNK - 1})`);
  }
}

/**
 * Algorithm 20 on the GPU. `s` [N, c_s] is the Evoformer single representation after
 * `single_activations`, `z` [N, N, c_z] the pair representation (not yet pair_layer_norm'ed);
 * neither is modified. `mask` [N]: 1 for real residues (AF2 seq_mask).
 */
export async function runStructureModuleGpu(
  ctx: GpuContext,
  cache: PipelineCache,
  pool: BufferPool,
  w: StructureModuleDeviceWeights,
  s: GPUBuffer,
  z: GPUBuffer,
  aatype: Int32Array,
  mask: Float32Array | null,
  numLayersOrOptions: number | StructureModuleGpuOptions = 8,
): Promise<StructureModuleGpuResult> {
  const opts: StructureModuleGpuOptions =
    typeof numLayersOrOptions === 'number' ? { numLayers: numLayersOrOptions } : numLayersOrOptions;
  const numLayers = opts.numLayers ?? 8;
  const scale = opts.positionScale ?? DEFAULT_POSITION_SCALE;
  if (!(numLayers >= 1)) throw new Error(`structure module: numLayers ${numLayers} must be ≥ 1`);
  const N = aatype.length;
  checkAatype(aatype);
  if (mask && mask.length !== N)
    throw new Error(`structure module: mask has ${mask.length} values for ${N} residues`);
  const { cS, cZ, ipa } = w;
  const H = ipa.H;
  const n1 = Math.max(1, N);
  const L = 'structure module';
  const f32 = (count: number, label: string) => pool.acquire(Math.max(1, count) * 4, `${L} ${label}`);

  const owned: GPUBuffer[] = [];
  const keep = (b: GPUBuffer) => {
    owned.push(b);
    return b;
  };
  const scratch: GPUBuffer[] = [];
  const tmp = (b: GPUBuffer) => {
    scratch.push(b);
    return b;
  };

  const sInit = keep(f32(N * cS, 's_initial [N, c_s]'));
  const sA = keep(f32(N * cS, 's [N, c_s]'));
  const sB = tmp(f32(N * cS, "s' [N, c_s]"));
  // LN(z) is stored like z (f16 storage halves it)
  const zType = opts.zType ?? 'f32';
  const zLnBytes = N * N * cZ * storageBytes(zType);
  const zLn = opts.zScratch ?? tmp(pool.acquire(Math.max(16, zLnBytes), `${L} z LN [N, N, c_z]`));
  if (zLn.size < zLnBytes)
    throw new Error(`structure module: zScratch has ${zLn.size} bytes, LN(z) needs ${zLnBytes}`);
  const pairBias = tmp(f32(N * N * H, 'ipa pair bias [N, N, H]'));
  const proj = tmp(f32(N * ipaProjWidth(ipa), 'ipa projections [N, P]'));
  const feat = tmp(f32(N * ipaFeatureWidth(ipa), 'ipa features [N, F]'));
  const hidden = w.transition.slice(0, -1).map((l, k) => tmp(f32(N * l.cOut, `transition hidden ${k}`)));
  const maskBuf = tmp(pool.upload(mask ?? new Float32Array(n1).fill(1), `${L} mask [N]`));
  const aatypeBuf = tmp(pool.upload(aatype.length ? aatype : new Int32Array(1), `${L} aatype [N]`));
  const tables = tmp(uploadGeometryTables(pool));
  const frames = keep(pool.upload(identityFrames(N), `${L} frames [N, 16]`));
  const update = keep(f32(N * 6, 'backbone update [N, 6]'));
  const affine = keep(f32(N * 7, 'affine [N, 7]'));
  const unnorm = keep(f32(N * w.angle.outputs, 'unnormalized angles [N, 7, 2]'));
  const angles = keep(f32(N * w.angle.outputs, 'angles [N, 7, 2]'));
  const groupFrames = keep(f32(N * 8 * 16, 'rigid-group frames [N, 8, 4, 4]'));
  const atom14 = keep(f32(N * 14 * 3, 'atom14 [N, 14, 3]'));
  const atom37 = keep(f32(N * 37 * 3, 'atom37 [N, 37, 3]'));
  const atom37Mask = keep(f32(N * 37, 'atom37 mask [N, 37]'));

  const rec = new Recorder(ctx, cache, L);
  try {
    // lines 1–3 and the pair bias
    await recordNorm(rec, N, cS, s, w.singleNorm, sInit);
    await recordLayerNorm(
      rec,
      { rows: N * N, C: cZ },
      { x: z, scale: w.pairNorm.scale, offset: w.pairNorm.offset, y: zLn },
      layerNormConfig(cZ, 128, zType, zType),
    );
    await recordLinear(rec, N, sInit, w.initialProjection, sA);
    await recordLinear(rec, N * N, zLn, w.pairBias, pairBias, 'none', undefined, zType);
    const setup = rec.dispatches;
    let perLayer = 0;
    let allAtom = 0;
    const atoms = async () => {
      const d0 = rec.dispatches;
      await rec.dispatch(
        allAtomKernel(),
        { N, positionScale: scale },
        { aatype: aatypeBuf, frames, angles, tables, groupFrames, atom14, atom37, mask37: atom37Mask },
      );
      allAtom = rec.dispatches - d0;
    };
    for (let l = 0; l < numLayers; l++) {
      const d0 = rec.dispatches;
      // Algorithm 22 + line 6: s += IPA(s, z, T)
      await recordIpa(
        rec,
        w,
        N,
        sA,
        {
          proj,
          frames,
          bias: pairBias,
          z: zLn,
          mask: maskBuf,
          tpw: w.pointWeights,
          out: feat,
        },
        zType,
      );
      await recordLinear(rec, N, feat, w.ipaOutput, sA, 'residual-in-place');
      // line 7
      await recordNorm(rec, N, cS, sA, w.attentionNorm, sB);
      // lines 8–9: s' += transition(s'); s = LN(s')
      await recordStructureTransition(rec, w, N, sB, hidden, sA);
      // line 10
      await rec.dispatch(
        backboneUpdateKernel(cS),
        { N, positionScale: scale },
        { s: sA, w: w.affine.w, b: w.affine.b, frames, update, affine },
      );
      // lines 11–14
      await rec.dispatch(
        angleResnetKernel(w.angle),
        { N },
        { s: sA, sInit, w: w.angleResnet, unnorm, angles },
      );
      perLayer = rec.dispatches - d0;
      // line 15
      if (opts.everyLayerAtoms || l === numLayers - 1) await atoms();
      opts.onLayerRecorded?.(l + 1, rec.dispatches);
    }
    rec.submit();
    const total = rec.dispatches;
    return {
      N,
      frames,
      affine,
      update,
      groupFrames,
      atom14,
      atom37,
      atom37Mask,
      unnormalizedAngles: unnorm,
      angles,
      single: sA,
      singleInitial: sInit,
      dispatches: { setup, perLayer, allAtom, total },
      release: () => {
        for (const b of owned) pool.release(b);
      },
    };
  } catch (err) {
    for (const b of owned) pool.release(b);
    throw err;
  } finally {
    // Scratch goes back to the pool once recorded; the pool only reuses it for later work,
    // which the queue orders after this submission.
    for (const b of scratch) pool.release(b);
  }
}
