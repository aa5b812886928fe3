/**
 * Structure-module and head weights: read from an AF2 params record (keys of
 * src/model/reference/structure-paths.ts), packed the way the kernels read them, uploaded once.
 * Sizes come from the parameter shapes (nothing assumes the golden or the full sizes).
 *
 * Packing:
 *   ipa proj     [c_s, P] = q_scalar | kv_scalar | q_point_local | kv_point_local, columns
 *                concatenated (ipa.wgsl `proj`), bias likewise — one matmul for lines 1–3
 *   angle resnet one flat buffer in angle_resnet.wgsl's order
 */
import type { BufferPool } from '../../gpu/buffers.ts';
import { ipaDims } from '../../model/reference/invariant-point-attention.ts';
import { type Params, param } from '../../model/reference/ops.ts';
import { transitionLayerPaths } from '../../model/reference/structure-module-transition.ts';
import {
  AFFINE_UPDATE,
  FOLD_ITERATION,
  INVARIANT_POINT_ATTENTION,
  PREDICTED_ALIGNED_ERROR_HEAD,
  PREDICTED_LDDT_HEAD,
  RIGID_SIDECHAIN,
  STRUCTURE_MODULE,
} from '../../model/reference/structure-paths.ts';
import { type AngleResnetShape, type IpaShape, ipaFeatureWidth, ipaProjWidth } from './kernels.ts';

export interface Linear<T> {
  /** [c_in, c_out] */
  w: T;
  /** [c_out] */
  b: T;
  cIn: number;
  cOut: number;
}

export interface Norm<T> {
  scale: T;
  offset: T;
}

export interface StructureModuleWeightsOf<T> {
  cS: number;
  cZ: number;
  ipa: IpaShape;
  angle: AngleResnetShape;
  singleNorm: Norm<T>;
  pairNorm: Norm<T>;
  initialProjection: Linear<T>;
  /** attention_2d: [c_z, H] */
  pairBias: Linear<T>;
  /** [c_s, P] concatenated q/kv projections */
  ipaProj: Linear<T>;
  /** [H] */
  pointWeights: T;
  /** [F, c_s] */
  ipaOutput: Linear<T>;
  attentionNorm: Norm<T>;
  /** transition, transition_1, … */
  transition: Linear<T>[];
  transitionNorm: Norm<T>;
  /** [c_s, 6] */
  affine: Linear<T>;
  /** packed (angle_resnet.wgsl) */
  angleResnet: T;
}

export type StructureModuleHostWeights = StructureModuleWeightsOf<Float32Array>;
export type StructureModuleDeviceWeights = StructureModuleWeightsOf<GPUBuffer>;

function linear(params: Params, path: string): Linear<Float32Array> {
  const w = param(params, path, 'weights');
  const b = param(params, path, 'bias');
  if (w.shape.length !== 2) throw new Error(`${path}//weights: shape [${w.shape}], expected [c_in, c_out]`);
  if (b.data.length !== w.shape[1])
    throw new Error(`${path}//bias: shape [${b.shape}], expected [${w.shape[1]}]`);
  return { w: w.data, b: b.data, cIn: w.shape[0], cOut: w.shape[1] };
}

function norm(params: Params, path: string): Norm<Float32Array> {
  return { scale: param(params, path, 'scale').data, offset: param(params, path, 'offset').data };
}

/** Columns of several [c_in, c_k] linears side by side: [c_in, Σ c_k]. */
function concatColumns(parts: Linear<Float32Array>[], what: string): Linear<Float32Array> {
  const cIn = parts[0].cIn;
  const cOut = parts.reduce((a, p) => a + p.cOut, 0);
  const w = new Float32Array(cIn * cOut);
  const b = new Float32Array(cOut);
  let col = 0;
  for (const p of parts) {
    if (p.cIn !== cIn) throw new Error(`${what}: input widths ${p.cIn} and ${cIn} differ`);
    for (let r = 0; r < cIn; r++) w.set(p.w.subarray(r * p.cOut, (r + 1) * p.cOut), r * cOut + col);
    b.set(p.b, col);
    col += p.cOut;
  }
  return { w, b, cIn, cOut };
}

function suffix(k: number): string {
  return k === 0 ? '' : `_${k}`;
}

export function packStructureModuleWeights(params: Params): StructureModuleHostWeights {
  const ipaPath = INVARIANT_POINT_ATTENTION;
  const d = ipaDims(params, ipaPath);
  const initialProjection = linear(params, `${STRUCTURE_MODULE}/initial_projection`);
  const cS = initialProjection.cOut;
  const pairBias = linear(params, `${ipaPath}/attention_2d`);
  const cZ = pairBias.cIn;
  const ipa: IpaShape = { ...d, cZ };
  const ipaProj = concatColumns(
    ['q_scalar', 'kv_scalar', 'q_point_local', 'kv_point_local'].map((n) =>
      linear(params, `${ipaPath}/${n}`),
    ),
    'IPA projections',
  );
  if (ipaProj.cOut !== ipaProjWidth(ipa) || ipaProj.cIn !== cS)
    throw new Error(
      `IPA projections: [${ipaProj.cIn}, ${ipaProj.cOut}], expected [${cS}, ${ipaProjWidth(ipa)}]`,
    );
  const ipaOutput = linear(params, `${ipaPath}/output_projection`);
  if (ipaOutput.cIn !== ipaFeatureWidth(ipa) || ipaOutput.cOut !== cS) {
    throw new Error(
      `${ipaPath}/output_projection//weights: [${ipaOutput.cIn}, ${ipaOutput.cOut}], expected [${ipaFeatureWidth(ipa)}, ${cS}]`,
    );
  }
  const affine = linear(params, AFFINE_UPDATE);
  if (affine.cOut !== 6 || affine.cIn !== cS)
    throw new Error(`${AFFINE_UPDATE}//weights: [${affine.cIn}, ${affine.cOut}], expected [${cS}, 6]`);

  // Angle resnet, packed in angle_resnet.wgsl's order.
  const inP = linear(params, `${RIGID_SIDECHAIN}/input_projection`);
  const inP1 = linear(params, `${RIGID_SIDECHAIN}/input_projection_1`);
  const blocks: Linear<Float32Array>[] = [];
  for (let k = 0; `${RIGID_SIDECHAIN}/resblock1${suffix(k)}//weights` in params; k++) {
    blocks.push(linear(params, `${RIGID_SIDECHAIN}/resblock1${suffix(k)}`));
    blocks.push(linear(params, `${RIGID_SIDECHAIN}/resblock2${suffix(k)}`));
  }
  const outP = linear(params, `${RIGID_SIDECHAIN}/unnormalized_angles`);
  const c = inP.cOut;
  for (const l of [inP1, ...blocks]) {
    if (l.cOut !== c) throw new Error(`angle resnet: hidden widths ${l.cOut} and ${c} differ`);
  }
  const parts = [inP, inP1, ...blocks, outP];
  const angleResnet = new Float32Array(parts.reduce((a, l) => a + l.w.length + l.b.length, 0));
  let at = 0;
  for (const l of parts) {
    angleResnet.set(l.w, at);
    at += l.w.length;
    angleResnet.set(l.b, at);
    at += l.b.length;
  }

  const transition = transitionLayerPaths(params, FOLD_ITERATION).map((p) => linear(params, p));
  // the last layer adds into its input in place, so it must not read that input directly
  if (transition.length < 2)
    throw new Error(
      `${FOLD_ITERATION}/transition: ${transition.length} layer, the GPU path needs ≥ 2 (AF2: 3)`,
    );

  return {
    cS,
    cZ,
    ipa,
    angle: { cS, c, blocks: blocks.length / 2, outputs: outP.cOut },
    singleNorm: norm(params, `${STRUCTURE_MODULE}/single_layer_norm`),
    pairNorm: norm(params, `${STRUCTURE_MODULE}/pair_layer_norm`),
    initialProjection,
    pairBias,
    ipaProj,
    pointWeights: param(params, ipaPath, 'trainable_point_weights').data,
    ipaOutput,
    attentionNorm: norm(params, `${FOLD_ITERATION}/attention_layer_norm`),
    transition,
    transitionNorm: norm(params, `${FOLD_ITERATION}/transition_layer_norm`),
    affine,
    angleResnet,
  };
}

export interface HeadsWeightsOf<T> {
  lddtNorm: Norm<T>;
  /** act_0, act_1, … (relu after each) */
  lddtHidden: Linear<T>[];
  lddtLogits: Linear<T>;
  /** absent for models without the pTM head */
  pae?: Linear<T>;
}

export type HeadsHostWeights = HeadsWeightsOf<Float32Array>;
export type HeadsDeviceWeights = HeadsWeightsOf<GPUBuffer>;

export function packHeadsWeights(params: Params): HeadsHostWeights {
  const lddtHidden: Linear<Float32Array>[] = [];
  for (let k = 0; `${PREDICTED_LDDT_HEAD}/act_${k}//weights` in params; k++)
    lddtHidden.push(linear(params, `${PREDICTED_LDDT_HEAD}/act_${k}`));
  const out: HeadsHostWeights = {
    lddtNorm: norm(params, `${PREDICTED_LDDT_HEAD}/input_layer_norm`),
    lddtHidden,
    lddtLogits: linear(params, `${PREDICTED_LDDT_HEAD}/logits`),
  };
  if (`${PREDICTED_ALIGNED_ERROR_HEAD}/logits//weights` in params)
    out.pae = linear(params, `${PREDICTED_ALIGNED_ERROR_HEAD}/logits`);
  return out;
}

function up(pool: BufferPool, data: Float32Array, label: string): GPUBuffer {
  return pool.upload(data, label);
}

function upLinear(pool: BufferPool, l: Linear<Float32Array>, label: string): Linear<GPUBuffer> {
  return {
    w: up(pool, l.w, `${label} weights`),
    b: up(pool, l.b, `${label} bias`),
    cIn: l.cIn,
    cOut: l.cOut,
  };
}

function upNorm(pool: BufferPool, n: Norm<Float32Array>, label: string): Norm<GPUBuffer> {
  return { scale: up(pool, n.scale, `${label} scale`), offset: up(pool, n.offset, `${label} offset`) };
}

export function uploadStructureModuleWeights(
  pool: BufferPool,
  h: StructureModuleHostWeights,
): StructureModuleDeviceWeights {
  const p = 'structure module';
  return {
    cS: h.cS,
    cZ: h.cZ,
    ipa: h.ipa,
    angle: h.angle,
    singleNorm: upNorm(pool, h.singleNorm, `${p} single_layer_norm`),
    pairNorm: upNorm(pool, h.pairNorm, `${p} pair_layer_norm`),
    initialProjection: upLinear(pool, h.initialProjection, `${p} initial_projection`),
    pairBias: upLinear(pool, h.pairBias, `${p} ipa attention_2d`),
    ipaProj: upLinear(pool, h.ipaProj, `${p} ipa q/kv projections`),
    pointWeights: up(pool, h.pointWeights, `${p} ipa trainable_point_weights`),
    ipaOutput: upLinear(pool, h.ipaOutput, `${p} ipa output_projection`),
    attentionNorm: upNorm(pool, h.attentionNorm, `${p} attention_layer_norm`),
    transition: h.transition.map((l, k) => upLinear(pool, l, `${p} transition${suffix(k)}`)),
    transitionNorm: upNorm(pool, h.transitionNorm, `${p} transition_layer_norm`),
    affine: upLinear(pool, h.affine, `${p} affine_update`),
    angleResnet: up(pool, h.angleResnet, `${p} angle resnet (packed)`),
  };
}

export function uploadHeadsWeights(pool: BufferPool, h: HeadsHostWeights): HeadsDeviceWeights {
  const out: HeadsDeviceWeights = {
    lddtNorm: upNorm(pool, h.lddtNorm, 'plddt head input_layer_norm'),
    lddtHidden: h.lddtHidden.map((l, k) => upLinear(pool, l, `plddt head act_${k}`)),
    lddtLogits: upLinear(pool, h.lddtLogits, 'plddt head logits'),
  };
  if (h.pae) out.pae = upLinear(pool, h.pae, 'pae head logits');
  return out;
}

function releaseLinear(pool: BufferPool, l: Linear<GPUBuffer>): void {
  pool.release(l.w);
  pool.release(l.b);
}

function releaseNorm(pool: BufferPool, n: Norm<GPUBuffer>): void {
  pool.release(n.scale);
  pool.release(n.offset);
}

export function releaseStructureModuleWeights(pool: BufferPool, w: StructureModuleDeviceWeights): void {
  for (const n of [w.singleNorm, w.pairNorm, w.attentionNorm, w.transitionNorm]) releaseNorm(pool, n);
  for (const l of [w.initialProjection, w.pairBias, w.ipaProj, w.ipaOutput, w.affine, ...w.transition])
    releaseLinear(pool, l);
  pool.release(w.pointWeights);
  pool.release(w.angleResnet);
}

export function releaseHeadsWeights(pool: BufferPool, w: HeadsDeviceWeights): void {
  releaseNorm(pool, w.lddtNorm);
  for (const l of [...w.lddtHidden, w.lddtLogits]) releaseLinear(pool, l);
  if (w.pae) releaseLinear(pool, w.pae);
}
