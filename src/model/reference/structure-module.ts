/**
 * Algorithm 20 "Structure module", lines 1–15 and the layer loop (AF2 `folding.generate_affines`
 * + `StructureModule`), at inference: no dropout; the remaining lines (auxiliary losses,
 * stop-gradients) do not apply.
 *
 *   s^initial = LN(s)                [N_res, c_s]      line 1  (`single_layer_norm`)
 *   z = LN(z)                        [N_res, N_res, c_z] line 2 (`pair_layer_norm`)
 *   s = Linear(s^initial)            [N_res, c_s]      line 3  (`initial_projection`)
 *   T_i = (I, 0)                                       line 4
 *   for l in 1..N_layer (one shared `fold_iteration`):  line 5
 *     s += IPA(s, z, T); s = LN(s)                     lines 6–7 (Algorithm 22)
 *     s = transition(s)                                lines 8–9
 *     T = T ∘ BackboneUpdate(s)                        line 10   (Algorithm 23)
 *     α = AngleResnet(s, s^initial)                    lines 11–14
 *     frames, atom14 = computeAllAtomCoordinates(T·position_scale, α)   line 15 (Algorithm 24)
 *
 * Frames are iterated in internal units; translations are multiplied by position_scale (10)
 * for the side chains and every output, so outputs are in Å. N_layer is not in the parameters
 * (the weights are shared), hence an option (8 in AF2).
 */
import { atom14Num, atomTypeNum, restypeAtom37Mask } from '../features/residue-constants.ts';
import {
  atom14ToAtom37,
  frameAndLiteraturePositionsToAtom14,
  torsionAnglesToFrames,
} from '../geometry/all-atom.ts';
import {
  identityQuatAffines,
  type QuatAffines,
  quatAffinesToRigids,
  quatAffinesToTensor7,
} from '../geometry/quat-affine.ts';
import { rigidsToTensor4x4 } from '../geometry/rigid.ts';
import { NUM_RIGID_GROUPS } from '../geometry/rigid-group-tables.ts';
import { angleResnet } from './angle-resnet.ts';
import { backboneUpdate } from './backbone-update.ts';
import { invariantPointAttention, ipaPairBias } from './invariant-point-attention.ts';
import { add, layerNormByKey, linearByKey, type Params, type Tensor, tensor } from './ops.ts';
import { structureModuleTransition } from './structure-module-transition.ts';
import {
  AFFINE_UPDATE,
  FOLD_ITERATION,
  INVARIANT_POINT_ATTENTION,
  RIGID_SIDECHAIN,
  STRUCTURE_MODULE,
} from './structure-paths.ts';

/** AF2 `structure_module.num_layer`. */
export const DEFAULT_NUM_LAYERS = 8;
/** AF2 `structure_module.position_scale`: internal units → Å. */
export const DEFAULT_POSITION_SCALE = 10;

export interface StructureModuleOptions {
  /** fold iterations (shared weights); default 8 */
  numLayers?: number;
  /** default 10 */
  positionScale?: number;
  /** [N_res] 1 for real residues (AF2 `seq_mask`); default all ones */
  seqMask?: Tensor;
  /** keep per-layer outputs (cheap: a few arrays per layer); default true */
  trajectory?: boolean;
  /** called after each fold iteration (progress) */
  onLayer?: (layer: number, numLayers: number) => void;
}

export interface StructureModuleLayer {
  /** [N_res, 7] quaternion (w, x, y, z) and translation in Å (AF2 `traj`) */
  frames: Tensor;
  /** [N_res, 8, 4, 4] rigid-group frames to global, Å */
  sidechainFrames: Tensor;
  /** [N_res, 7, 2] (sin, cos) */
  unnormalizedAngles: Tensor;
  /** [N_res, 7, 2] unit (sin, cos) */
  angles: Tensor;
  /** [N_res, 14, 3] Å */
  atom14: Tensor;
  /** [N_res, c_s] s after this layer */
  single: Tensor;
}

export interface StructureModuleOutput extends StructureModuleLayer {
  /** [N_res, 37, 3] Å, zero where the residue type has no such atom */
  atom37: Tensor;
  /** [N_res, 37] atom existence per residue type (AF2 `atom37_atom_exists`) */
  atom37Mask: Tensor;
  /** final backbone frames, internal units (for recycling or further composition) */
  backbone: QuatAffines;
  /** per-layer outputs (empty when `trajectory` is false) */
  layers: StructureModuleLayer[];
}

/**
 * Algorithm 20. `single` is the Evoformer's single representation s [N_res, c_s]
 * (after `single_activations`), `pair` the pair representation z [N_res, N_res, c_z],
 * `aatype` [N_res] residue types (AF2 order, 20 = UNK).
 */
export function structureModule(
  single: Tensor,
  pair: Tensor,
  aatype: Int32Array,
  params: Params,
  options: StructureModuleOptions = {},
): StructureModuleOutput {
  const numLayers = options.numLayers ?? DEFAULT_NUM_LAYERS;
  const scale = options.positionScale ?? DEFAULT_POSITION_SCALE;
  const n = single.shape[0];
  if (aatype.length !== n)
    throw new Error(`structure module: ${aatype.length} residue types for ${n} residues`);
  if (pair.shape[0] !== n || pair.shape[1] !== n) {
    throw new Error(`structure module: pair [${pair.shape}] does not match single [${single.shape}]`);
  }
  if (!(numLayers >= 1)) throw new Error(`structure module: numLayers ${numLayers} must be ≥ 1`);
  const mask = options.seqMask ?? null;

  const sInitial = layerNormByKey(single, params, `${STRUCTURE_MODULE}/single_layer_norm`); // [N_res, c_s]  line 1
  const z = layerNormByKey(pair, params, `${STRUCTURE_MODULE}/pair_layer_norm`); // [N_res, N_res, c_z]  line 2
  let s = linearByKey(sInitial, params, `${STRUCTURE_MODULE}/initial_projection`); // [N_res, c_s]  line 3
  let T = identityQuatAffines(n); // line 4
  // IPA's pair bias (Algorithm 22 line 3) is the same in every layer: [N_res, N_res, H]
  const pairBias = ipaPairBias(z, params, INVARIANT_POINT_ATTENTION);
  const layers: StructureModuleLayer[] = [];
  let last: StructureModuleLayer | null = null;

  for (let l = 0; l < numLayers; l++) {
    // lines 6–7: [N_res, c_s]
    s = add(s, invariantPointAttention(s, z, mask, T, params, INVARIANT_POINT_ATTENTION, pairBias));
    s = layerNormByKey(s, params, `${FOLD_ITERATION}/attention_layer_norm`);
    // lines 8–9: [N_res, c_s]
    s = structureModuleTransition(s, params, FOLD_ITERATION);
    // line 10
    T = backboneUpdate(s, T, params, AFFINE_UPDATE).frames;
    // lines 11–14: [N_res, 7, 2]
    const { unnormalizedAngles, angles } = angleResnet(s, sInitial, params, RIGID_SIDECHAIN);
    // line 15: frames and atoms in Å
    const groupFrames = torsionAnglesToFrames(aatype, quatAffinesToRigids(T, scale), angles.data);
    last = {
      frames: tensor([n, 7], quatAffinesToTensor7(T, scale)),
      sidechainFrames: tensor([n, NUM_RIGID_GROUPS, 4, 4], rigidsToTensor4x4(groupFrames)),
      unnormalizedAngles,
      angles,
      atom14: tensor([n, atom14Num, 3], frameAndLiteraturePositionsToAtom14(aatype, groupFrames)),
      single: s,
    };
    if (options.trajectory ?? true) layers.push(last);
    options.onLayer?.(l + 1, numLayers);
  }
  if (!last) throw new Error('structure module: no layer ran');

  const atom37Mask = tensor([n, atomTypeNum]);
  for (let i = 0; i < n; i++) atom37Mask.data.set(restypeAtom37Mask[aatype[i]], i * atomTypeNum);
  return {
    ...last,
    atom37: tensor([n, atomTypeNum, 3], atom14ToAtom37(aatype, last.atom14.data)),
    atom37Mask,
    backbone: T,
    layers,
  };
}

/** Stack per-layer tensors of the same shape into [L, ...] (for comparisons and export). */
export function stackLayers(layers: StructureModuleLayer[], key: keyof StructureModuleLayer): Tensor {
  if (layers.length === 0) throw new Error('stackLayers: no layers');
  const first = layers[0][key];
  const size = first.data.length;
  const out = tensor([layers.length, ...first.shape]);
  layers.forEach((layer, l) => {
    out.data.set(layer[key].data, l * size);
  });
  return out;
}
