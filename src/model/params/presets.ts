/**
 * Size presets for `make-params`: the golden test set's shrunk model_1_ptm and the real
 * model_1_ptm (AlphaFold `model_config`: c_m 256, c_z 128, c_s 384, 48 Evoformer blocks, …).
 * These are the only place sizes are written down; everything else reads them from files.
 */
import type { Dims, SchemaLayout } from './schema.ts';

export type PresetName = 'golden' | 'full';

function attention(scope: string, H: number, C: number): Dims {
  return { [`${scope}/H`]: H, [`${scope}/C`]: C };
}

interface StackSizes {
  msaRow?: [number, number];
  msaCol?: [number, number];
  triAtt: [number, number];
  triMul: number;
  pairTransition: number;
  opm?: number;
  msaTransition?: number;
}

function stack(scope: string, s: StackSizes): Dims {
  return {
    ...(s.msaRow ? attention(`${scope}/msa_row`, ...s.msaRow) : {}),
    ...(s.msaCol ? attention(`${scope}/msa_col`, ...s.msaCol) : {}),
    ...attention(`${scope}/tri_att_start`, ...s.triAtt),
    ...attention(`${scope}/tri_att_end`, ...s.triAtt),
    [`${scope}/tri_mul_out/hidden`]: s.triMul,
    [`${scope}/tri_mul_in/hidden`]: s.triMul,
    [`${scope}/pair_transition/hidden`]: s.pairTransition,
    ...(s.opm !== undefined ? { [`${scope}/opm/hidden`]: s.opm } : {}),
    ...(s.msaTransition !== undefined ? { [`${scope}/msa_transition/hidden`]: s.msaTransition } : {}),
  };
}

/** Golden README table: shrunk model_1_ptm. */
const GOLDEN: Dims = {
  c_m: 32,
  c_z: 16,
  c_s: 48,
  c_e: 16,
  c_t: 16,
  N_evoformer_blocks: 2,
  N_extra_blocks: 2,
  N_template_blocks: 2,
  ...stack('evoformer', {
    msaRow: [4, 8],
    msaCol: [4, 8],
    triAtt: [2, 8],
    triMul: 16,
    pairTransition: 64,
    opm: 8,
    msaTransition: 128,
  }),
  ...stack('extra', {
    msaRow: [4, 4],
    msaCol: [4, 4],
    triAtt: [2, 8],
    triMul: 16,
    pairTransition: 64,
    opm: 8,
    msaTransition: 64,
  }),
  ...stack('template', { triAtt: [2, 8], triMul: 16, pairTransition: 32 }),
  ...attention('template/pointwise', 2, 8),
  'ipa/H': 4,
  'ipa/C': 8,
  'ipa/Pq': 4,
  'ipa/Pv': 8,
  'angle_resnet/hidden': 16,
  'plddt/hidden': 16,
};

/** Real AlphaFold2 model_1_ptm sizes (93.2 M parameters). */
const FULL: Dims = {
  c_m: 256,
  c_z: 128,
  c_s: 384,
  c_e: 64,
  c_t: 64,
  N_evoformer_blocks: 48,
  N_extra_blocks: 4,
  N_template_blocks: 2,
  ...stack('evoformer', {
    msaRow: [8, 32],
    msaCol: [8, 32],
    triAtt: [4, 32],
    triMul: 128,
    pairTransition: 512,
    opm: 32,
    msaTransition: 1024,
  }),
  ...stack('extra', {
    msaRow: [8, 8],
    msaCol: [8, 8],
    triAtt: [4, 32],
    triMul: 128,
    pairTransition: 512,
    opm: 32,
    msaTransition: 256,
  }),
  ...stack('template', { triAtt: [4, 16], triMul: 64, pairTransition: 128 }),
  ...attention('template/pointwise', 4, 16),
  'ipa/H': 12,
  'ipa/C': 16,
  'ipa/Pq': 4,
  'ipa/Pv': 8,
  'angle_resnet/hidden': 128,
  'plddt/hidden': 128,
};

export const PRESETS: Record<PresetName, Dims> = { golden: GOLDEN, full: FULL };

export function presetLayout(opts: { ptm?: boolean; templates?: boolean } = {}): SchemaLayout {
  return {
    templates: opts.templates ?? true,
    ptmHead: opts.ptm ?? true,
    structureTransitionLayers: 3,
    angleResnetBlocks: 2,
  };
}
