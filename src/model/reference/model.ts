/**
 * Algorithm 2 "Inference", lines 1–17 (AF2 `AlphaFold` + `AlphaFoldIteration` +
 * `EmbeddingsAndEvoformer`, monomer): the whole forward pass of the CPU reference, with the
 * recycling loop.
 *
 *   m^prev_1i, z^prev_ij, x^prev_i = 0, 0, 0                                   line 1
 *   for r in 0..numRecycles (shared weights):                                  line 2
 *     m, z = InputEmbedder(target_feat, residue_index, msa_feat)               lines 4–5 (Algorithm 3)
 *     m_1i, z_ij += RecyclingEmbedder(m^prev_1i, z^prev_ij, pβ(x^prev))        line 6  (Algorithm 32)
 *     z += TemplateEmbedding(templates, z)                                     lines 9–12 (Algorithms 16, 17)
 *     e = Linear(extra_msa_feat);  e, z = ExtraMsaStack(e, z)                  lines 13–14 (Algorithm 18)
 *     m = concat(m, TemplateSingleEmbedding(templates))                        lines 7–8 (AF2 appends
 *                                                                              the rows here, after the extra stack)
 *     m, z = EvoformerStack(m, z);  s = Linear(m_1)                            line 15 (Algorithm 6)
 *     structure = StructureModule(s, z)                                        line 16 (Algorithm 20)
 *     m^prev_1i, z^prev_ij, x^prev_i = m_1i, z_ij, final atom37 positions      line 17
 *   heads on the last iteration (pLDDT Algorithm 29, PAE/pTM, distogram, masked MSA,
 *   experimentally resolved; supplement 1.9)
 *
 * Sizes (N_res, N_seq, N_extra, N_templ, channels, heads, block counts) all come from the
 * features and the parameter shapes. No dropout, no ensembling (AF2 inference uses ensemble 1).
 * Every intermediate is reported through `onStage` under the key names of the golden vectors
 * (`shared/golden/README.md`).
 */

import { computePlddt, computePredictedAlignedError, predictedTmScore } from '../confidence/index.ts';
import { checkpoint, resolveNumRecycles, throwIfAborted } from '../engine.ts';
import type { NdArray } from '../ndarray.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK, TEMPLATE_PAIR_STACK } from './af2-paths.ts';
import { evoformerBlock, pairMaskFromSeqMask } from './evoformer-block.ts';
import { extraMsaBlock } from './extra-msa-block.ts';
import { extraMsaEmbedding } from './extra-msa-embedding.ts';
import { featureF32, featureI32, maskOrOnes } from './features-access.ts';
import { EVOFORMER_EMBED, inputEmbedder } from './input-embedder.ts';
import { blockCount, linearByKey, type Params, type Tensor, tensor } from './ops.ts';
import {
  distogramHead,
  experimentallyResolvedHead,
  maskedMsaHead,
  predictedAlignedErrorHead,
} from './output-heads.ts';
import { predictedLddtHead } from './predicted-lddt-head.ts';
import { pseudoBeta, recyclingEmbedder } from './recycling-embedder.ts';
import { DEFAULT_NUM_LAYERS, stackLayers, structureModule } from './structure-module.ts';
import {
  DISTOGRAM_HEAD,
  EXPERIMENTALLY_RESOLVED_HEAD,
  MASKED_MSA_HEAD,
  PREDICTED_ALIGNED_ERROR_HEAD,
  PREDICTED_LDDT_HEAD,
} from './structure-paths.ts';
import { hasTemplateParams, templateCount, templateEmbedding } from './template-embedding.ts';
import { templateSingleEmbedding, templateTorsions } from './template-single-embedding.ts';

export interface ForwardProgress {
  /** 0-based iteration */
  recycle: number;
  /** iterations after the first (so recycle runs 0..numRecycles) */
  numRecycles: number;
  /** 'input_embedding' | 'recycling' | 'template_embedding' | 'extra_msa_stack' | 'evoformer' | 'structure_module' | 'heads' | 'done' */
  stage: string;
  block?: number;
  blocks?: number;
}

export interface ForwardOptions {
  /** number of extra iterations; default: features' num_recycles if present, else 3 */
  numRecycles?: number;
  /** default 8 (not in params) */
  structureLayers?: number;
  /** every intermediate, under the golden key names ('r0/input_msa_act', …, 'r0/final_atom_positions', and 'rK/template_pair_embedding'/'rK/template_single_embedding' with templates) */
  onStage?: (key: string, value: NdArray) => void;
  onProgress?: (p: ForwardProgress) => void;
  /** checked between blocks; throws a DOMException 'AbortError' */
  signal?: AbortSignal;
  /** after each iteration's structure module: what the heads would read, for per-recycle metrics */
  onIteration?: (it: IterationOutputs) => void;
}

/** One iteration's outputs the confidence heads read (the final heads read the last one). */
export interface IterationOutputs {
  /** 0-based iteration */
  recycle: number;
  /** structure-module single s [N_res, c_s] (pLDDT head input) */
  smSingle: Tensor;
  /** Evoformer pair z [N_res, N_res, c_z] (PAE/pTM and distogram head input) */
  z: Tensor;
  /** final atom37 positions [N_res, 37, 3] */
  atom37: Tensor;
}

/** The forward pass with the same features in every iteration (see `referenceForwardPerIteration`). */
export async function referenceForward(
  features: Record<string, NdArray>,
  params: Record<string, NdArray>,
  opts: ForwardOptions = {},
): Promise<Record<string, NdArray>> {
  return referenceForwardPerIteration([features], params, opts);
}

/**
 * The forward pass with one feature dict per iteration (AF2 re-samples the MSA in every
 * recycling iteration); iteration r uses `featuresPerIteration[min(r, length − 1)]`. Without
 * `numRecycles` a list of k > 1 dicts runs k iterations.
 * Returns the final outputs under the golden key names; `num_recycles` is the number of
 * iterations run (as in the golden outputs).
 */
export async function referenceForwardPerIteration(
  featuresPerIteration: Record<string, NdArray>[],
  params: Record<string, NdArray>,
  opts: ForwardOptions = {},
): Promise<Record<string, NdArray>> {
  if (featuresPerIteration.length === 0) throw new Error('referenceForward: no features');
  const numRecycles = resolveNumRecycles(featuresPerIteration, opts.numRecycles);
  const numLayers = opts.structureLayers ?? DEFAULT_NUM_LAYERS;
  const emit = opts.onStage;
  const signal = opts.signal;
  const progress = (p: Omit<ForwardProgress, 'numRecycles'>) => opts.onProgress?.({ ...p, numRecycles });
  const evoBlocks = blockCount(params, EVOFORMER_ITERATION);
  const extraBlocks = blockCount(params, EXTRA_MSA_STACK);
  const useTemplates = hasTemplateParams(params);

  const first = featuresPerIteration[0];
  const aatype = featureI32(first, 'aatype');
  const nRes = aatype.length;
  let prevMsaFirstRow: Tensor | null = null;
  let prevPair: Tensor | null = null;
  let prevAtom37: Tensor | null = null;
  let last: IterationResult | null = null;

  for (let r = 0; r <= numRecycles; r++) {
    await checkpoint(signal);
    const features = featuresPerIteration[Math.min(r, featuresPerIteration.length - 1)];
    const at = (k: string) => `r${r}/${k}`;
    const stage = (k: string, v: NdArray) => emit?.(at(k), v);

    // lines 4–5: input embedder
    progress({ recycle: r, stage: 'input_embedding' });
    const residueIndex = featureI32(features, 'residue_index', [nRes]);
    const targetFeat = featureF32(features, 'target_feat', [nRes, -1]);
    const msaFeat = featureF32(features, 'msa_feat', [-1, nRes, -1]);
    const nSeq = msaFeat.shape[0];
    const seqMask = maskOrOnes(features, 'seq_mask', [nRes]);
    const msaMask = maskOrOnes(features, 'msa_mask', [nSeq, nRes]);
    const pairMask = pairMaskFromSeqMask(seqMask);
    const emb = inputEmbedder(targetFeat, residueIndex, msaFeat, params);
    let m = emb.m; // [N_seq, N_res, c_m]
    let z = emb.z; // [N_res, N_res, c_z]
    stage('input_msa_act', m);
    stage('input_pair_act', z);
    const cm = m.shape[2];
    const cz = z.shape[2];

    // line 6: recycling embedder (zeros at the first iteration)
    progress({ recycle: r, stage: 'recycling' });
    const pmfr = prevMsaFirstRow ?? tensor([nRes, cm]);
    const pp = prevPair ?? tensor([nRes, nRes, cz]);
    const pb = prevAtom37 ? pseudoBeta(aatype, prevAtom37) : tensor([nRes, 3]);
    stage('recycle_in_prev_msa_first_row', pmfr);
    stage('recycle_in_prev_pair', pp);
    stage('recycle_in_prev_pseudo_beta', pb);
    const rec = recyclingEmbedder(pmfr, pp, pb, params);
    stage('recycle_msa_first_row_update', rec.msaFirstRowUpdate);
    stage('recycle_pair_update', rec.pairUpdate);
    m = tensor(m.shape, m.data.slice());
    for (let x = 0; x < nRes * cm; x++) m.data[x] += rec.msaFirstRowUpdate.data[x];
    z = addInto(z, rec.pairUpdate);
    stage('msa_act_after_recycling', m);
    stage('pair_act_after_recycling', z);

    // lines 9–12: template pair embedding
    const nTempl = useTemplates ? templateCount(features) : 0;
    if (nTempl > 0) {
      const blocksPerTemplate = blockCount(params, TEMPLATE_PAIR_STACK);
      progress({ recycle: r, stage: 'template_embedding', block: 0, blocks: nTempl * blocksPerTemplate });
      const update = await templateEmbedding(features, z, pairMask, params, {
        onBlock: async (t, b, blocks) => {
          progress({
            recycle: r,
            stage: 'template_embedding',
            block: t * blocks + b,
            blocks: nTempl * blocks,
          });
          await checkpoint(signal);
        },
      });
      stage('template_pair_embedding', update);
      z = addInto(z, update);
    }

    // lines 13–14: extra-MSA embedding and stack
    const extraMsa = featureI32(features, 'extra_msa');
    const nExtra = extraMsa.length / nRes;
    const e0 = extraMsaEmbedding(
      extraMsa,
      featureF32(features, 'extra_has_deletion', [nExtra, nRes]),
      featureF32(features, 'extra_deletion_value', [nExtra, nRes]),
      params,
    );
    const extraMask = maskOrOnes(features, 'extra_msa_mask', [nExtra, nRes]);
    stage('extra_msa_act', e0);
    stage('extra_stack_input_pair', z);
    let e = e0;
    progress({ recycle: r, stage: 'extra_msa_stack', block: 0, blocks: extraBlocks });
    for (let b = 0; b < extraBlocks; b++) {
      const out = extraMsaBlock(e, z, { msa: extraMask, pair: pairMask }, params, b);
      e = out.m;
      z = out.z;
      stage(`extra_block${b}_msa`, e);
      stage(`extra_block${b}_pair`, z);
      progress({ recycle: r, stage: 'extra_msa_stack', block: b + 1, blocks: extraBlocks });
      await checkpoint(signal);
    }
    stage('extra_stack_output_pair', z);

    // lines 7–8: template torsion rows appended to the MSA (AF2 does it after the extra stack)
    let evoMsaMask = msaMask;
    if (nTempl > 0) {
      const tAatype = featureI32(features, 'template_aatype', [nTempl, nRes]);
      const single = templateSingleEmbedding(tAatype, templateTorsions(features, nTempl, nRes), params);
      stage('template_single_embedding', single.rows);
      m = concatRows(m, single.rows);
      evoMsaMask = concatRows(msaMask, single.mask);
    }

    // line 15: Evoformer stack and the single representation
    stage('evoformer_input_msa', m);
    stage('evoformer_input_pair', z);
    progress({ recycle: r, stage: 'evoformer', block: 0, blocks: evoBlocks });
    for (let b = 0; b < evoBlocks; b++) {
      const out = evoformerBlock(m, z, { msa: evoMsaMask, pair: pairMask }, params, b);
      m = out.m;
      z = out.z;
      stage(`evoformer_block${b}_msa`, m);
      stage(`evoformer_block${b}_pair`, z);
      progress({ recycle: r, stage: 'evoformer', block: b + 1, blocks: evoBlocks });
      await checkpoint(signal);
    }
    const msaFirstRow = tensor([nRes, cm], m.data.slice(0, nRes * cm)); // [N_res, c_m]
    const single = linearByKey(msaFirstRow, params, `${EVOFORMER_EMBED}/single_activations`); // [N_res, c_s]
    stage('single', single);

    // line 16: structure module
    progress({ recycle: r, stage: 'structure_module', block: 0, blocks: numLayers });
    const sm = structureModule(single, z, aatype, params, {
      numLayers,
      seqMask,
      onLayer: (layer, layers) => {
        progress({ recycle: r, stage: 'structure_module', block: layer, blocks: layers });
        throwIfAborted(signal);
      },
    });
    if (emit) {
      stage('sm_frames', stackLayers(sm.layers, 'frames'));
      stage('sm_sidechain_frames', stackLayers(sm.layers, 'sidechainFrames'));
      stage('sm_unnormalized_angles', stackLayers(sm.layers, 'unnormalizedAngles'));
      stage('sm_angles', stackLayers(sm.layers, 'angles'));
      stage('sm_atom14_positions', stackLayers(sm.layers, 'atom14'));
      stage('sm_states', stackLayers(sm.layers, 'single'));
    }
    stage('sm_single', sm.single);
    stage('final_atom_positions', sm.atom37);
    opts.onIteration?.({ recycle: r, smSingle: sm.single, z, atom37: sm.atom37 });

    // line 17: what the next iteration recycles
    prevMsaFirstRow = msaFirstRow;
    prevPair = z;
    prevAtom37 = sm.atom37;
    last = { m: tensor([nSeq, nRes, cm], m.data.slice(0, nSeq * nRes * cm)), msaFirstRow, z, single, sm };
  }
  if (!last) throw new Error('referenceForward: no iteration ran');

  // heads on the last iteration
  progress({ recycle: numRecycles, stage: 'heads' });
  await checkpoint(signal);
  const out = finalOutputs(last, params, numRecycles + 1);
  progress({ recycle: numRecycles, stage: 'done' });
  return out;
}

interface IterationResult {
  /** [N_seq, N_res, c_m] cluster rows only */
  m: Tensor;
  msaFirstRow: Tensor;
  z: Tensor;
  single: Tensor;
  sm: ReturnType<typeof structureModule>;
}

function finalOutputs(last: IterationResult, params: Params, iterations: number): Record<string, NdArray> {
  const { sm } = last;
  const out: Record<string, NdArray> = {
    msa: last.m,
    msa_first_row: last.msaFirstRow,
    pair: last.z,
    single: last.single,
    structure_module_single: sm.single,
    final_atom_positions: sm.atom37,
    final_atom14_positions: sm.atom14,
    final_atom_mask: sm.atom37Mask,
    final_affine_tensor: sm.frames,
    num_recycles: { dtype: 'int32', shape: [], data: Int32Array.of(iterations) },
  };
  const has = (path: string) => `${path}//weights` in params;
  if (has(`${PREDICTED_LDDT_HEAD}/logits`)) {
    const lddtLogits = predictedLddtHead(sm.single, params);
    out.lddt_logits = lddtLogits;
    out.plddt = tensor([lddtLogits.shape[0]], computePlddt(lddtLogits));
  }
  if (has(`${DISTOGRAM_HEAD}/half_logits`)) out.distogram_logits = distogramHead(last.z, params);
  if (has(`${MASKED_MSA_HEAD}/logits`)) out.masked_msa_logits = maskedMsaHead(last.m, params);
  if (has(`${EXPERIMENTALLY_RESOLVED_HEAD}/logits`)) {
    out.experimentally_resolved_logits = experimentallyResolvedHead(last.single, params);
  }
  if (has(`${PREDICTED_ALIGNED_ERROR_HEAD}/logits`)) {
    const tmLogits = predictedAlignedErrorHead(last.z, params);
    const pae = computePredictedAlignedError(tmLogits);
    out.tm_logits = tmLogits;
    out.aligned_confidence_probs = pae.alignedConfidenceProbs;
    out.predicted_aligned_error = pae.predictedAlignedError;
    out.max_predicted_aligned_error = scalarF32(pae.maxPredictedAlignedError);
    out.ptm_score = scalarF32(predictedTmScore(tmLogits));
  }
  return out;
}

function scalarF32(v: number): Tensor {
  return tensor([], Float32Array.of(v));
}

/** a + b as a new tensor (f32). */
function addInto(a: Tensor, b: Tensor): Tensor {
  if (a.data.length !== b.data.length) throw new Error(`add: [${a.shape}] vs [${b.shape}]`);
  const y = tensor(a.shape);
  for (let i = 0; i < a.data.length; i++) y.data[i] = a.data[i] + b.data[i];
  return y;
}

/** Concatenate along the first axis: [A, ...rest] ++ [B, ...rest] -> [A + B, ...rest]. */
function concatRows(a: Tensor, b: Tensor): Tensor {
  if (a.shape.slice(1).join(',') !== b.shape.slice(1).join(',')) {
    throw new Error(`concat: [${a.shape}] and [${b.shape}] differ after the first axis`);
  }
  const y = tensor([a.shape[0] + b.shape[0], ...a.shape.slice(1)]);
  y.data.set(a.data, 0);
  y.data.set(b.data, a.data.length);
  return y;
}
