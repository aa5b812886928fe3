/**
 * The one mapping from a per-module golden pair (`modules/<name>.npz`, `modules/index.json`) to
 * the CPU reference function it checks. Used by the golden check (`webfold check-golden`) and
 * by the module tests in src/model/reference, so a module is wired up in exactly one place.
 * A name missing here is "not implemented" (a failure row in the check, never skipped).
 */
import {
  atom14Num,
  atomTypeNum,
  restypeAtom14Mask,
  restypeAtom37Mask,
} from '../features/residue-constants.ts';
import { computeAllAtomCoordinates } from '../geometry/all-atom.ts';
import { quatAffinesFrom } from '../geometry/quat-affine.ts';
import { rigidsFromRotTrans } from '../geometry/rigid.ts';
import { float32, type NdArray } from '../ndarray.ts';
import { angleResnet } from '../reference/angle-resnet.ts';
import { backboneUpdate } from '../reference/backbone-update.ts';
import { invariantPointAttention } from '../reference/invariant-point-attention.ts';
import { msaColumnAttention } from '../reference/msa-column-attention.ts';
import { msaColumnGlobalAttention } from '../reference/msa-column-global-attention.ts';
import { msaRowAttentionWithPairBias } from '../reference/msa-row-attention.ts';
import { msaTransition } from '../reference/msa-transition.ts';
import { asF32, type Tensor } from '../reference/ops.ts';
import { outerProductMean } from '../reference/outer-product-mean.ts';
import { pairTransition } from '../reference/pair-transition.ts';
import { structureModuleTransition } from '../reference/structure-module-transition.ts';
import { templatePointwiseAttention } from '../reference/template-pointwise-attention.ts';
import { triangleAttention } from '../reference/triangle-attention.ts';
import { triangleMultiplication } from '../reference/triangle-multiplication.ts';
import type { GoldenModuleCase } from './types.ts';

type Outputs = Record<string, NdArray>;
type Runner = (c: GoldenModuleCase, input: (name: string) => Tensor, path: string) => Outputs;

/** How a golden module's outputs are compared beyond the per-module rule. */
export interface ModuleCompareRule {
  /** Input mask [N] whose zero rows are left out (IPA: masked rows are float32 noise by construction). */
  rowMask?: string;
}

export const MODULE_COMPARE_RULES: Readonly<Record<string, ModuleCompareRule>> = {
  invariant_point_attention: { rowMask: 'mask' },
};

/** The module path of a structure-module part given one of its layer prefixes (…/fold_iteration/transition). */
function parentPath(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf('/'));
}

function existsMasks(aatype: Int32Array): Outputs {
  const n = aatype.length;
  const m37 = float32([n, atomTypeNum]);
  const m14 = float32([n, atom14Num]);
  aatype.forEach((r, i) => {
    m37.data.set(restypeAtom37Mask[r], i * atomTypeNum);
    m14.data.set(restypeAtom14Mask[r], i * atom14Num);
  });
  return { atom37_atom_exists: m37, atom14_atom_exists: m14 };
}

const RUNNERS: Readonly<Record<string, Runner>> = {
  msa_row_attention_with_pair_bias: (c, i, p) => ({
    update: msaRowAttentionWithPairBias(i('msa_act'), i('msa_mask'), i('pair_act'), c.params, p),
  }),
  extra_msa_row_attention_with_pair_bias: (c, i, p) => ({
    update: msaRowAttentionWithPairBias(i('msa_act'), i('msa_mask'), i('pair_act'), c.params, p),
  }),
  msa_column_attention: (c, i, p) => ({
    update: msaColumnAttention(i('msa_act'), i('msa_mask'), c.params, p),
  }),
  msa_column_global_attention: (c, i, p) => ({
    update: msaColumnGlobalAttention(i('msa_act'), i('msa_mask'), c.params, p),
  }),
  msa_transition: (c, i, p) => ({ update: msaTransition(i('msa_act'), c.params, p) }),
  outer_product_mean: (c, i, p) => ({ update: outerProductMean(i('msa_act'), i('msa_mask'), c.params, p) }),
  triangle_multiplication_outgoing: (c, i, p) => ({
    update: triangleMultiplication(i('pair_act'), i('pair_mask'), c.params, 'outgoing', p),
  }),
  triangle_multiplication_incoming: (c, i, p) => ({
    update: triangleMultiplication(i('pair_act'), i('pair_mask'), c.params, 'incoming', p),
  }),
  triangle_attention_starting_node: (c, i, p) => ({
    update: triangleAttention(i('pair_act'), i('pair_mask'), c.params, 'starting', p),
  }),
  triangle_attention_ending_node: (c, i, p) => ({
    update: triangleAttention(i('pair_act'), i('pair_mask'), c.params, 'ending', p),
  }),
  pair_transition: (c, i, p) => ({ update: pairTransition(i('pair_act'), c.params, p) }),
  template_pointwise_attention: (c, i, p) => ({
    update: templatePointwiseAttention(
      i('template_pair_act'),
      i('pair_act'),
      i('template_mask'),
      c.params,
      p,
    ),
  }),
  invariant_point_attention: (c, i, p) => {
    const s = i('single_act');
    const frames = rigidsFromRotTrans(i('rotation').data, i('translation').data, s.shape[0]);
    return { update: invariantPointAttention(s, i('pair_act'), i('mask'), frames, c.params, p) };
  },
  backbone_update: (c, i, p) => {
    const s = i('single_act');
    const n = s.shape[0];
    const before = quatAffinesFrom(i('quaternion').data, i('translation').data, n, false);
    const { update, frames } = backboneUpdate(s, before, c.params, p);
    return {
      update,
      quaternion: float32([n, 4], Float32Array.from(frames.quat)),
      translation: float32([n, 3], Float32Array.from(frames.trans)),
      rotation: float32([n, 3, 3], Float32Array.from(frames.rot)),
    };
  },
  angle_resnet: (c, i, p) => {
    const { unnormalizedAngles, angles } = angleResnet(i('single_act'), i('initial_single_act'), c.params, p);
    return { unnormalized_angles: unnormalizedAngles, angles };
  },
  structure_module_transition: (c, i, p) => ({
    output: structureModuleTransition(i('single_act'), c.params, parentPath(p)),
  }),
  all_atom_from_torsions: (_c, i) => {
    const aatype = Int32Array.from(i('aatype').data);
    const n = aatype.length;
    const backbone = rigidsFromRotTrans(i('backbone_rotation').data, i('backbone_translation').data, n);
    const out = computeAllAtomCoordinates(aatype, backbone, i('angles').data);
    return {
      all_frames_to_global: out.frames,
      atom14_positions: out.atom14,
      atom37_positions: out.atom37,
      ...existsMasks(aatype),
    };
  },
};

/** Module names the CPU reference implements. */
export const REFERENCE_MODULES: readonly string[] = Object.keys(RUNNERS);

/**
 * Run one golden module case on the CPU reference; `undefined` when no reference function is
 * mapped to that name. Missing inputs throw, naming the input.
 */
export function runReferenceModule(c: GoldenModuleCase): Outputs | undefined {
  const runner = RUNNERS[c.name];
  if (!runner) return undefined;
  const input = (name: string): Tensor => {
    const a = c.inputs[name];
    if (!a) throw new Error(`golden module ${c.name}: input '${name}' is missing (in_${name})`);
    return asF32(a, `in_${name}`);
  };
  return runner(c, input, c.entry.param_prefixes[0] ?? '');
}
