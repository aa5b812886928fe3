/**
 * The WebGPU `Engine`: Algorithm 2 "Inference" (lines 1–17) with the trunk on the GPU.
 *
 *   per iteration r (weights uploaded once per parameter set and kept on the device):
 *     input embedder + relpos, recycling embedder          GPU (src/engine/embedders)
 *     template pair / single embedding                     CPU reference, uploaded (see below)
 *     extra-MSA embedding + extra-MSA stack                GPU, one command buffer per block
 *     Evoformer stack, single = Linear(m_1)                GPU, one command buffer per block
 *     structure module, heads                              CPU reference on read-back s, z (see below)
 *   z and m stay on the device across blocks; z^prev is the other of two pair buffers (swapped,
 *   never copied); m^prev_1 is copied on the device. Nothing is read back inside a recycle
 *   unless `onStage` asks for the intermediates (then every golden stage key is read back).
 *
 * DISCREPANCY (temporary): the structure module and the heads run on the CPU reference on the
 * read-back single and pair representations at the end of each iteration (one host wait per
 * recycle), until src/engine/structure lands (`runStructureModuleGpu` / `runHeadsGpu`).
 * DISCREPANCY (temporary): with templates, the template pair stack and the template single
 * embedding run on the CPU reference (z read back, the update uploaded and added on the GPU).
 *
 * Progress is reported per block when the GPU finishes it (queue.onSubmittedWorkDone, never
 * awaited), cancellation is checked between blocks, and a non-finite read-back refuses the fold.
 */
import { BufferPool, readFloat32 } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { PipelineCache } from '../gpu/kernel.ts';
import { Recorder } from '../gpu/launch.ts';
import { computePlddt, computePredictedAlignedError, predictedTmScore } from '../model/confidence/index.ts';
import {
  assertFiniteOutputs,
  caDistanceRmsChange,
  type Engine,
  type EnginePrediction,
  type FeatureDict,
  type FoldInput,
  type FoldStage,
  firstNonFinite,
  mean,
  NonFiniteOutputError,
  predictionFromOutputs,
  type RecycleMetrics,
  StageTimer,
} from '../model/engine.ts';
import type { NdArray } from '../model/ndarray.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK, TEMPLATE_PAIR_STACK } from '../model/reference/af2-paths.ts';
import { pairMaskFromSeqMask } from '../model/reference/evoformer-block.ts';
import { EXTRA_MSA_CLASSES } from '../model/reference/extra-msa-embedding.ts';
import { featureF32, featureI32 } from '../model/reference/features-access.ts';
import { EVOFORMER_EMBED } from '../model/reference/input-embedder.ts';
import { blockCount, type Params, param, type Tensor, tensor } from '../model/reference/ops.ts';
import {
  distogramHead,
  experimentallyResolvedHead,
  maskedMsaHead,
  predictedAlignedErrorHead,
} from '../model/reference/output-heads.ts';
import { predictedLddtHead } from '../model/reference/predicted-lddt-head.ts';
import { pseudoBeta } from '../model/reference/recycling-embedder.ts';
import { DEFAULT_NUM_LAYERS, stackLayers, structureModule } from '../model/reference/structure-module.ts';
import {
  DISTOGRAM_HEAD,
  EXPERIMENTALLY_RESOLVED_HEAD,
  MASKED_MSA_HEAD,
  PREDICTED_ALIGNED_ERROR_HEAD,
  PREDICTED_LDDT_HEAD,
} from '../model/reference/structure-paths.ts';
import {
  hasTemplateParams,
  templateCount,
  templateEmbedding,
} from '../model/reference/template-embedding.ts';
import { templateSingleEmbedding, templateTorsions } from '../model/reference/template-single-embedding.ts';
import {
  embedderWeights,
  recordAdd,
  recordExtraMsaEmbedding,
  recordInputEmbedder,
  recordRecyclingMsaUpdate,
  recordRecyclingPairUpdate,
} from './embedders/embedders.ts';
import { type GpuEnv, submitStackBlock } from './evoformer/stack.ts';
import { recordMatmul } from './kernels/matmul.ts';
import { DeviceWeights } from './weights.ts';

/** AF2's default number of recycling iterations after the first. */
const DEFAULT_NUM_RECYCLES = 3;

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('The fold was cancelled', 'AbortError');
}

/** Gives the event loop a turn (so an abort can arrive), then checks the signal. */
async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  aborted(signal);
  if (signal) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  aborted(signal);
}

function ones(shape: number[]): Tensor {
  const t = tensor(shape);
  t.data.fill(1);
  return t;
}

function optionalF32(f: FeatureDict, name: string, shape: number[]): Tensor | null {
  return name in f ? featureF32(f, name, shape) : null;
}

function resolveNumRecycles(list: FeatureDict[], requested: number | undefined): number {
  let n = requested;
  if (n === undefined) {
    const f = list[0].num_recycles;
    if (f && f.data.length > 0) n = Number(f.data[0]);
    else n = list.length > 1 ? list.length - 1 : DEFAULT_NUM_RECYCLES;
  }
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`numRecycles must be an integer ≥ 0, got ${n}`);
  return n;
}

export interface WebGpuEngineOptions {
  /** How to get a device (the browser's navigator.gpu, or acquireNodeDevice in Node). */
  acquire: () => Promise<GpuContext>;
}

export class WebGpuEngine implements Engine {
  readonly name = 'webgpu';
  private envPromise: Promise<GpuEnv> | undefined;
  private readonly weights = new WeakMap<object, DeviceWeights>();
  /** Dispatches of the last fold's first Evoformer block (a countable measure of fusion). */
  lastBlockDispatches = 0;

  constructor(private readonly opts: WebGpuEngineOptions) {}

  private env(): Promise<GpuEnv> {
    this.envPromise ??= this.opts.acquire().then((ctx) => ({
      ctx,
      cache: new PipelineCache(ctx.device),
      pool: new BufferPool(ctx.device),
    }));
    return this.envPromise;
  }

  /** The device weights of a parameter set (uploaded on first use; keyed on the arrays object). */
  private weightsFor(env: GpuEnv, params: Params, name: string): DeviceWeights {
    let dw = this.weights.get(params);
    if (!dw) {
      dw = new DeviceWeights(env.pool, params, name);
      this.weights.set(params, dw);
    }
    return dw;
  }

  async dispose(): Promise<void> {
    if (!this.envPromise) return;
    const env = await this.envPromise;
    env.pool.destroy();
    env.ctx.device.destroy();
    this.envPromise = undefined;
  }

  async fold(input: FoldInput): Promise<EnginePrediction> {
    const opts = input.options ?? {};
    const list: FeatureDict[] = Array.isArray(input.features) ? input.features : [input.features];
    if (list.length === 0) throw new Error('fold: no features');
    aborted(opts.signal);
    const env = await this.env();
    env.ctx.assertAlive();
    const { ctx, pool } = env;
    const device = ctx.device;
    const params = input.params.arrays as Params;
    const dw = this.weightsFor(env, params, input.params.name);
    const numRecycles = resolveNumRecycles(list, opts.numRecycles);
    const numLayers = opts.structureLayers ?? DEFAULT_NUM_LAYERS;
    const signal = opts.signal;
    const timer = new StageTimer();
    const progress = (stage: FoldStage, recycle: number, block?: number, blocks?: number) => {
      timer.enter(stage);
      opts.onProgress?.({ recycle, numRecycles, stage, block, blocks, elapsedMs: timer.elapsed() });
    };
    /** Reports a block once the GPU has finished it, without waiting for it here. */
    const progressWhenDone = (stage: FoldStage, recycle: number, block: number, blocks: number) => {
      if (!opts.onProgress) return;
      device.queue.onSubmittedWorkDone().then(() => progress(stage, recycle, block, blocks));
    };
    const emitHost = (key: string, value: NdArray) => {
      const bad = firstNonFinite(value);
      if (bad >= 0) throw new NonFiniteOutputError(key, bad, Number(value.data[bad]), key);
      opts.onStage?.(key, value);
    };
    const emit = opts.onStage;
    /** Reads a device buffer back as a stage (only when onStage is requested). */
    const emitDevice = async (key: string, buf: GPUBuffer, shape: number[]) => {
      if (!emit) return;
      const n = shape.reduce((a, b) => a * b, 1);
      emitHost(key, tensor(shape, await readFloat32(device, buf, n)));
    };

    const evoBlocks = blockCount(params, EVOFORMER_ITERATION);
    const extraBlocks = blockCount(params, EXTRA_MSA_STACK);
    const useTemplates = hasTemplateParams(params);
    const emb = embedderWeights(dw);
    const { cm, cz } = emb;
    const hasPlddtHead = `${PREDICTED_LDDT_HEAD}/logits//weights` in params;
    const singleW = param(params, `${EVOFORMER_EMBED}/single_activations`, 'weights');
    const cs = singleW.shape[1];

    const first = list[0];
    const aatype = featureI32(first, 'aatype');
    const N = aatype.length;
    const held: GPUBuffer[] = [];
    const acquire = (elements: number, label: string) => {
      const b = pool.acquire(4 * Math.max(1, elements), label);
      held.push(b);
      return b;
    };
    const releaseAll = (bufs: GPUBuffer[]) => {
      for (const b of bufs) pool.release(b);
    };

    // Persistent across iterations: two pair buffers (z and z^prev, swapped), m^prev_1.
    let z = acquire(N * N * cz, 'z [N_res, N_res, c_z]');
    let zPrev = acquire(N * N * cz, 'z^prev [N_res, N_res, c_z]');
    const prevM1 = acquire(N * cm, 'm^prev_1 [N_res, c_m]');
    {
      const enc = device.createCommandEncoder({ label: 'recycling state = 0' });
      enc.clearBuffer(zPrev);
      enc.clearBuffer(prevM1);
      device.queue.submit([enc.finish()]);
    }
    let prevAtom37: Tensor | null = null;
    let prevMsaFirstRowHost = tensor([N, cm]);
    let prevPairHost: Tensor | null = null;

    const recycles: RecycleMetrics[] = [];
    let recycleStart = timer.elapsed();
    let prevAtoms: Float32Array | null = null;
    let last: {
      m: Tensor;
      msaFirstRow: Tensor;
      z: Tensor;
      single: Tensor;
      sm: ReturnType<typeof structureModule>;
    } | null = null;

    try {
      for (let r = 0; r <= numRecycles; r++) {
        await checkpoint(signal);
        const features = list[Math.min(r, list.length - 1)];
        const at = (k: string) => `r${r}/${k}`;
        const iterBufs: GPUBuffer[] = [];
        const iterUpload = (data: Float32Array | Int32Array, label: string) => {
          const b = pool.upload(data, `r${r} ${label}`);
          iterBufs.push(b);
          held.push(b);
          return b;
        };
        const iterAcquire = (elements: number, label: string) => {
          const b = pool.acquire(4 * Math.max(1, elements), `r${r} ${label}`);
          iterBufs.push(b);
          held.push(b);
          return b;
        };

        // lines 4–5: input embedder  [N_seq, N_res, c_m], [N_res, N_res, c_z]
        progress('input_embedding', r);
        const residueIndex = featureI32(features, 'residue_index', [N]);
        const targetFeat = featureF32(features, 'target_feat', [N, -1]);
        const msaFeat = featureF32(features, 'msa_feat', [-1, N, -1]);
        const S = msaFeat.shape[0];
        const seqMask = optionalF32(features, 'seq_mask', [N]) ?? ones([N]);
        const msaMask = optionalF32(features, 'msa_mask', [S, N]) ?? ones([S, N]);
        const pairMask = pairMaskFromSeqMask(seqMask);
        const nTempl = useTemplates ? templateCount(features) : 0;
        const tf = iterUpload(targetFeat.data, 'target_feat [N_res, 22]');
        const mf = iterUpload(msaFeat.data, 'msa_feat [N_seq, N_res, 49]');
        const ri = iterUpload(residueIndex, 'residue_index [N_res]');
        const pairMaskBuf = iterUpload(pairMask.data, 'pair mask [N_res, N_res]');
        // m holds the N_seq cluster rows and, with templates, N_templ template rows after them
        const m = iterAcquire((S + nTempl) * N * cm, 'm [N_seq + N_templ, N_res, c_m]');
        const lr = iterAcquire(N * 2 * cz, 'left|right single [N_res, 2 c_z]');
        let rec = new Recorder(ctx, env.cache, `r${r} embedders`);
        await recordInputEmbedder(
          rec,
          emb,
          { nRes: N, nSeq: S },
          { targetFeat: tf, msaFeat: mf, residueIndex: ri, lr, m, z },
        );
        rec.submit();
        await emitDevice(at('input_msa_act'), m, [S, N, cm]);
        await emitDevice(at('input_pair_act'), z, [N, N, cz]);

        // line 6: recycling embedder (zeros at the first iteration)
        progress('recycling', r);
        const pb = prevAtom37 ? pseudoBeta(aatype, prevAtom37) : tensor([N, 3]);
        const pbBuf = iterUpload(pb.data, 'x^prev pseudo-beta [N_res, 3]');
        const pairUpdate = iterAcquire(N * N * cz, 'recycling pair update [N_res, N_res, c_z]');
        const msaUpdate = iterAcquire(N * cm, 'recycling first-row update [N_res, c_m]');
        rec = new Recorder(ctx, env.cache, `r${r} recycling embedder`);
        await recordRecyclingPairUpdate(rec, emb, N, { prevZ: zPrev, pseudoBeta: pbBuf, update: pairUpdate });
        await recordRecyclingMsaUpdate(rec, emb, N, { prevMsaFirstRow: prevM1, update: msaUpdate });
        await recordAdd(rec, N * N * cz, pairUpdate, z);
        await recordAdd(rec, N * cm, msaUpdate, m);
        rec.submit();
        if (emit) {
          emitHost(at('recycle_in_prev_msa_first_row'), prevMsaFirstRowHost);
          emitHost(at('recycle_in_prev_pair'), prevPairHost ?? tensor([N, N, cz]));
          emitHost(at('recycle_in_prev_pseudo_beta'), pb);
          await emitDevice(at('recycle_msa_first_row_update'), msaUpdate, [N, cm]);
          await emitDevice(at('recycle_pair_update'), pairUpdate, [N, N, cz]);
          await emitDevice(at('msa_act_after_recycling'), m, [S, N, cm]);
          await emitDevice(at('pair_act_after_recycling'), z, [N, N, cz]);
        }

        // lines 9–12: template pair embedding (CPU reference; see the header)
        if (nTempl > 0) {
          const blocksPerTemplate = blockCount(params, TEMPLATE_PAIR_STACK);
          progress('template_embedding', r, 0, nTempl * blocksPerTemplate);
          const zHost = tensor([N, N, cz], await readFloat32(device, z, N * N * cz));
          const update = await templateEmbedding(features, zHost, pairMask, params, {
            onBlock: async (t, b, blocks) => {
              progress('template_embedding', r, t * blocks + b, nTempl * blocks);
              await checkpoint(signal);
            },
          });
          if (emit) emitHost(at('template_pair_embedding'), update);
          const upd = iterUpload(update.data, 'template pair embedding [N_res, N_res, c_z]');
          rec = new Recorder(ctx, env.cache, `r${r} template pair embedding`);
          await recordAdd(rec, N * N * cz, upd, z);
          rec.submit();
        }

        // lines 13–14: extra-MSA embedding and stack
        const extraMsa = featureI32(features, 'extra_msa');
        const nExtra = extraMsa.length / N;
        for (let x = 0; x < extraMsa.length; x++) {
          const aa = extraMsa[x];
          if (!(aa >= 0 && aa < EXTRA_MSA_CLASSES)) {
            throw new Error(
              `extra_msa: class ${aa} at row ${Math.floor(x / N)}, residue ${x % N} is not in 0..22`,
            );
          }
        }
        const extraMask = optionalF32(features, 'extra_msa_mask', [nExtra, N]) ?? ones([nExtra, N]);
        const e = iterAcquire(nExtra * N * emb.ce, 'e [N_extra, N_res, c_e]');
        const extraMaskBuf = iterUpload(extraMask.data, 'extra_msa_mask [N_extra, N_res]');
        rec = new Recorder(ctx, env.cache, `r${r} extra-MSA embedding`);
        await recordExtraMsaEmbedding(rec, emb, nExtra * N, {
          extraMsa: iterUpload(extraMsa, 'extra_msa [N_extra, N_res]'),
          hasDeletion: iterUpload(
            featureF32(features, 'extra_has_deletion', [nExtra, N]).data,
            'extra_has_deletion',
          ),
          deletionValue: iterUpload(
            featureF32(features, 'extra_deletion_value', [nExtra, N]).data,
            'extra_deletion_value',
          ),
          e,
        });
        rec.submit();
        await emitDevice(at('extra_msa_act'), e, [nExtra, N, emb.ce]);
        await emitDevice(at('extra_stack_input_pair'), z, [N, N, cz]);
        progress('extra_msa_stack', r, 0, extraBlocks);
        for (let b = 0; b < extraBlocks; b++) {
          if (nExtra > 0) {
            await submitStackBlock(
              env,
              dw,
              'extra_msa',
              b,
              { nSeq: nExtra, nRes: N },
              { m: e, z, msaMask: extraMaskBuf, pairMask: pairMaskBuf },
            );
          }
          progressWhenDone('extra_msa_stack', r, b + 1, extraBlocks);
          await emitDevice(at(`extra_block${b}_msa`), e, [nExtra, N, emb.ce]);
          await emitDevice(at(`extra_block${b}_pair`), z, [N, N, cz]);
          await checkpoint(signal);
        }
        await emitDevice(at('extra_stack_output_pair'), z, [N, N, cz]);

        // lines 7–8: template torsion rows appended to the MSA (CPU reference; see the header)
        let evoMsaMask = msaMask;
        if (nTempl > 0) {
          const tAatype = featureI32(features, 'template_aatype', [nTempl, N]);
          const single = templateSingleEmbedding(tAatype, templateTorsions(features, nTempl, N), params);
          if (emit) emitHost(at('template_single_embedding'), single.rows);
          device.queue.writeBuffer(m, S * N * cm * 4, single.rows.data as Float32Array<ArrayBuffer>);
          evoMsaMask = tensor([S + nTempl, N]);
          evoMsaMask.data.set(msaMask.data, 0);
          evoMsaMask.data.set(single.mask.data, S * N);
        }
        const nSeqEvo = S + nTempl;
        const msaMaskBuf = iterUpload(evoMsaMask.data, 'msa mask [N_seq + N_templ, N_res]');

        // line 15: Evoformer stack
        await emitDevice(at('evoformer_input_msa'), m, [nSeqEvo, N, cm]);
        await emitDevice(at('evoformer_input_pair'), z, [N, N, cz]);
        progress('evoformer', r, 0, evoBlocks);
        for (let b = 0; b < evoBlocks; b++) {
          const n = await submitStackBlock(
            env,
            dw,
            'evoformer',
            b,
            { nSeq: nSeqEvo, nRes: N },
            { m, z, msaMask: msaMaskBuf, pairMask: pairMaskBuf },
          );
          if (b === 0) this.lastBlockDispatches = n;
          progressWhenDone('evoformer', r, b + 1, evoBlocks);
          await emitDevice(at(`evoformer_block${b}_msa`), m, [nSeqEvo, N, cm]);
          await emitDevice(at(`evoformer_block${b}_pair`), z, [N, N, cz]);
          await checkpoint(signal);
        }
        // [N_res, c_s] single = Linear(m_1)
        const sBuf = iterAcquire(N * cs, 'single [N_res, c_s]');
        rec = new Recorder(ctx, env.cache, `r${r} single`);
        await recordMatmul(
          rec,
          { M: N, K: cm, N: cs },
          {
            a: m,
            b: dw.array(`${EVOFORMER_EMBED}/single_activations//weights`),
            bias: dw.array(`${EVOFORMER_EMBED}/single_activations//bias`),
            c: sBuf,
          },
          { bias: true },
        );
        // line 17 (device part): m^prev_1 = m_1
        const enc = rec.commandEncoder;
        enc.copyBufferToBuffer(m, 0, prevM1, 0, N * cm * 4);
        rec.submit();

        // Read back what the CPU structure module and heads need (one host wait per iteration).
        const single = tensor([N, cs], await readFloat32(device, sBuf, N * cs));
        const zHost = tensor([N, N, cz], await readFloat32(device, z, N * N * cz));
        const msaFirstRow = tensor([N, cm], await readFloat32(device, m, N * cm));
        for (const [k, v] of [
          ['single', single],
          ['pair', zHost],
        ] as const) {
          const bad = firstNonFinite(v);
          if (bad >= 0) throw new NonFiniteOutputError(at(k), bad, Number(v.data[bad]), at(k));
        }
        emitHost(at('single'), single);

        // (block progress arrives with the GPU; a cancel seen while reading back stops here)
        aborted(signal);
        // line 16: structure module (CPU reference; see the header)
        progress('structure_module', r, 0, numLayers);
        const sm = structureModule(single, zHost, aatype, params, {
          numLayers,
          seqMask,
          onLayer: (layer, layers) => {
            progress('structure_module', r, layer, layers);
            aborted(signal);
          },
        });
        if (emit) {
          emitHost(at('sm_frames'), stackLayers(sm.layers, 'frames'));
          emitHost(at('sm_sidechain_frames'), stackLayers(sm.layers, 'sidechainFrames'));
          emitHost(at('sm_unnormalized_angles'), stackLayers(sm.layers, 'unnormalizedAngles'));
          emitHost(at('sm_angles'), stackLayers(sm.layers, 'angles'));
          emitHost(at('sm_atom14_positions'), stackLayers(sm.layers, 'atom14'));
          emitHost(at('sm_states'), stackLayers(sm.layers, 'single'));
        }
        emitHost(at('sm_single'), sm.single);
        emitHost(at('final_atom_positions'), sm.atom37);

        // per-recycle metrics
        const metrics: RecycleMetrics = { recycle: r, ms: 0 };
        if (hasPlddtHead) metrics.meanPlddt = mean(computePlddt(predictedLddtHead(sm.single, params)));
        if (prevAtoms) metrics.caDistanceRmsChange = caDistanceRmsChange(prevAtoms, sm.atom37.data, N);
        prevAtoms = sm.atom37.data;
        const now = timer.elapsed();
        metrics.ms = now - recycleStart;
        recycleStart = now;
        recycles.push(metrics);

        // line 17: what the next iteration recycles
        const isLast = r === numRecycles;
        const mHost = isLast ? tensor([S, N, cm], await readFloat32(device, m, S * N * cm)) : tensor([0]);
        last = { m: mHost, msaFirstRow, z: zHost, single, sm };
        prevAtom37 = sm.atom37;
        prevMsaFirstRowHost = msaFirstRow;
        prevPairHost = emit ? zHost : null;
        [z, zPrev] = [zPrev, z];
        releaseAll(iterBufs);
      }
    } finally {
      releaseAll(held);
    }
    if (!last) throw new Error('webgpu engine: no iteration ran');

    progress('heads', numRecycles);
    await checkpoint(signal);
    const outputs = finalOutputs(last, params, numRecycles + 1);
    assertFiniteOutputs(outputs);
    progress('done', numRecycles);
    const timings = timer.finish();
    const prediction = predictionFromOutputs(outputs, list[list.length - 1]);
    return {
      ...prediction,
      meanPlddt: outputs.plddt ? mean(prediction.plddt) : undefined,
      iterations: numRecycles + 1,
      recycles,
      timings,
      totalMs: timer.elapsed(),
      engine: this.name,
      outputs,
    };
  }
}

/** The final outputs under the golden key names (heads on the CPU reference; see the header). */
function finalOutputs(
  last: { m: Tensor; msaFirstRow: Tensor; z: Tensor; single: Tensor; sm: ReturnType<typeof structureModule> },
  params: Params,
  iterations: number,
): Record<string, NdArray> {
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
    out.max_predicted_aligned_error = tensor([], Float32Array.of(pae.maxPredictedAlignedError));
    out.ptm_score = tensor([], Float32Array.of(predictedTmScore(tmLogits)));
  }
  return out;
}

/** A WebGPU engine on the device `acquire` returns (acquired on the first fold). */
export function createWebGpuEngine(acquire: () => Promise<GpuContext>): WebGpuEngine {
  return new WebGpuEngine({ acquire });
}
