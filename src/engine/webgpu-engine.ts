/**
 * The WebGPU `Engine`: Algorithm 2 "Inference" (lines 1–17) with the trunk on the GPU.
 *
 *   per iteration r (weights uploaded once per parameter set and kept on the device):
 *     input embedder + relpos, recycling embedder          GPU (src/engine/embedders)
 *     template pair embedding (Alg 16–17)                  GPU (src/engine/templates), features from the host
 *     template single embedding (torsion rows of m)        host (per residue), uploaded into m
 *     extra-MSA embedding + extra-MSA stack                GPU, one command buffer per block
 *     Evoformer stack, single = Linear(m_1)                GPU, one command buffer per block
 *     structure module (Alg 20–24)                         GPU (src/engine/structure), one command buffer
 *     pLDDT / PAE / pTM heads                              GPU (runHeadsGpu); logits heads GPU matmuls
 *   z and m stay on the device across blocks; an iteration's z becomes the next one's z^prev (never
 *   copied), released once the recycling embedder has read it; m^prev_1 is copied on the device. Nothing is read back inside a recycle
 *   unless `onStage` asks for the intermediates (then every golden stage key is read back).
 *
 *   Chunks: each block's attention lines, bias rows and triangle windows keep every transient
 *   within the chunk target (evoformer/chunks.ts); a fold whose whole tensors exceed a buffer
 *   limit is refused before anything is allocated (fit.ts).
 *   x^prev (pseudo-beta) is gathered from the structure module's atom37 on the device (one
 *   12-byte copy per residue), so no recycle reads anything back. The pLDDT of every iteration
 *   and its atom37 are copied into per-iteration device buffers and read once, after the last
 *   iteration, for the per-recycle metrics; the final outputs are read back once at the end.
 * With `onStage`, the per-layer structure-module stages are produced by re-running the GPU
 * structure module with 1..L layers (it is deterministic), only then.
 * Precision (`options.precision`): with 'f16' the activations m, e and z (and the recycled z^prev,
 * m^prev_1) are stored in half precision and every kernel that reads or writes them converts to
 * f32 for its arithmetic (the LayerNorm(z) scratches too); other transients, the weights and the
 * structure module's own state stay f32.
 * DISCREPANCY: the distogram symmetrisation (half + halfᵀ) and the softmax of the PAE logits
 * (`aligned_confidence_probs`) run on the host on the read-back final logits.
 * DISCREPANCY: the template pair features (distogram, one-hots, masks) and the template single
 * embedding are computed on the host from the input features (no activation is read back).
 *
 * Progress is reported per block when the GPU finishes it (queue.onSubmittedWorkDone, never
 * awaited), cancellation is checked between blocks, and a non-finite read-back refuses the fold.
 */
import { BufferPool, readFloat32 } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/device.ts';
import { dryRunTwin } from '../gpu/dry-run.ts';
import { GpuError } from '../gpu/errors.ts';
import { PipelineCache, type StorageType, storageBytes } from '../gpu/kernel.ts';
import { Recorder } from '../gpu/launch.ts';
import { computePredictedAlignedError } from '../model/confidence/index.ts';
import {
  assertFiniteOutputs,
  caDistanceRmsChange,
  checkpoint,
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
  resolveNumRecycles,
  StageTimer,
  throwIfAborted,
} from '../model/engine.ts';
import { atomOrder, restypeOrder } from '../model/features/residue-constants.ts';
import type { NdArray } from '../model/ndarray.ts';
import { EVOFORMER_ITERATION, EXTRA_MSA_STACK } from '../model/reference/af2-paths.ts';
import { pairMaskFromSeqMask } from '../model/reference/evoformer-block.ts';
import { EXTRA_MSA_CLASSES } from '../model/reference/extra-msa-embedding.ts';
import { featureF32, featureI32, maskOrOnes } from '../model/reference/features-access.ts';
import { EVOFORMER_EMBED } from '../model/reference/input-embedder.ts';
import { blockCount, type Params, param, type Tensor, tensor } from '../model/reference/ops.ts';
import { DEFAULT_NUM_LAYERS } from '../model/reference/structure-module.ts';
import {
  DISTOGRAM_HEAD,
  EXPERIMENTALLY_RESOLVED_HEAD,
  MASKED_MSA_HEAD,
  PREDICTED_ALIGNED_ERROR_HEAD,
  PREDICTED_LDDT_HEAD,
} from '../model/reference/structure-paths.ts';
import { hasTemplateParams, templateCount } from '../model/reference/template-embedding.ts';
import { templateSingleEmbedding, templateTorsions } from '../model/reference/template-single-embedding.ts';
import {
  embedderWeights,
  recordAdd,
  recordExtraMsaEmbedding,
  recordInputEmbedder,
  recordRecyclingMsaUpdate,
  recordRecyclingPairUpdate,
} from './embedders/embedders.ts';
import { chunkWithin } from './evoformer/chunks.ts';
import { type BlockShare, blockShare, type DapExchangeStats } from './evoformer/dap-share.ts';
import { type GpuEnv, stackBlockChunks, submitStackBlock } from './evoformer/stack.ts';
import { assertFoldFits } from './fit.ts';
import { halfBits, readAs } from './half-storage.ts';
import { recordMatmul } from './kernels/matmul.ts';
import { DEFAULT_CHUNK_TARGET_BYTES } from './plan/build-plan.ts';
import { PlanError } from './plan/errors.ts';
import { type HeadsGpuResult, readHeads, runHeadsGpu } from './structure/heads.ts';
import {
  recordLinear,
  recordNorm,
  runStructureModuleGpu,
  type StructureModuleGpuResult,
} from './structure/structure-module.ts';
import {
  packHeadsWeights,
  packStructureModuleWeights,
  uploadHeadsWeights,
  uploadStructureModuleWeights,
} from './structure/weights.ts';
import { runTemplateEmbeddingGpu, templateBlocks, templateShape } from './templates/template-embedding.ts';
import { DeviceWeights } from './weights.ts';

/** Pseudo-beta atoms (x^prev): CB, CA for glycine. */
const ATOM_CA = atomOrder.CA;
const ATOM_CB = atomOrder.CB;
const GLY = restypeOrder.G;

export interface WebGpuEngineOptions {
  /** How to get a device (the browser's navigator.gpu, or acquireNodeDevice in Node). */
  acquire: () => Promise<GpuContext>;
  /**
   * Largest f32 transient of a chunked module, bytes (default: the plan's chunk target, 64 MiB,
   * capped by the device's maxStorageBufferBindingSize). Smaller means more, smaller chunks.
   */
  chunkTargetBytes?: number;
  /**
   * Device memory a fold may use, bytes. Each fold is first run on a dry-run twin of the device
   * (`predictMemory`); a fold whose predicted peak exceeds the budget is refused with a PlanError
   * before anything is allocated.
   */
  budgetBytes?: number;
}

/** The buffer pool's peak for one fold, predicted by `WebGpuEngine.predictMemory`. */
export interface FoldMemory {
  /** Highest live bytes of the buffer pool (weights, activations and transients together). */
  peakBytes: number;
  /** Bytes the pool holds at the end (live plus released-but-kept for reuse). */
  heldBytes: number;
  /** Buffers created. */
  allocations: number;
}

export class WebGpuEngine implements Engine {
  readonly name = 'webgpu';
  private envPromise: Promise<GpuEnv> | undefined;
  private readonly weights = new WeakMap<object, DeviceWeights>();
  /** Dispatches of the last fold's first Evoformer block (a countable measure of fusion). */
  lastBlockDispatches = 0;
  /** This rank's exchanges in the last DAP fold (options.dap with P > 1). */
  lastExchange: DapExchangeStats | undefined;

  constructor(private readonly opts: WebGpuEngineOptions) {}

  private env(): Promise<GpuEnv> {
    this.envPromise ??= this.opts.acquire().then((ctx) => ({
      ctx,
      cache: new PipelineCache(ctx.device),
      pool: new BufferPool(ctx.device),
    }));
    return this.envPromise;
  }

  /** The engine's device, pipeline cache and buffer pool (acquired on first use). */
  gpuEnv(): Promise<GpuEnv> {
    return this.env();
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

  /**
   * The device memory `input` would take, predicted before anything is allocated: the fold runs
   * on a dry-run twin of this engine's device (src/gpu/dry-run.ts: the same limits and features,
   * nothing allocated or executed), so its buffer pool sees exactly the acquires and releases of
   * the real fold. The engine's own code makes the prediction, so it cannot drift from it.
   */
  async predictMemory(input: FoldInput): Promise<FoldMemory> {
    const ctx = (await this.env()).ctx;
    const twin = new WebGpuEngine({
      acquire: async () => dryRunTwin(ctx),
      chunkTargetBytes: this.opts.chunkTargetBytes,
    });
    const { onProgress: _p, onStage: _s, dap: _d, ...options } = input.options ?? {};
    await twin.fold({ ...input, options });
    const { peakBytes, heldBytes, allocations } = (await twin.gpuEnv()).pool.stats;
    return { peakBytes, heldBytes, allocations };
  }

  /**
   * One fold. With `options.dap` (a collective of P > 1 ranks) the stacks are split over the
   * ranks (evoformer/dap-share.ts); on failure this rank leaves the group, so the others stop.
   */
  async fold(input: FoldInput): Promise<EnginePrediction> {
    const coll = input.options?.dap;
    if (!coll || coll.size === 1) return this.run(input);
    const share = blockShare(coll, (await this.env()).ctx.device);
    this.lastExchange = share.stats;
    try {
      return await this.run(input, share);
    } catch (err) {
      coll.close();
      throw err;
    } finally {
      share.staging.destroy();
    }
  }

  private async run(input: FoldInput, share?: BlockShare): Promise<EnginePrediction> {
    const opts = input.options ?? {};
    const list: FeatureDict[] = Array.isArray(input.features) ? input.features : [input.features];
    if (list.length === 0) throw new Error('fold: no features');
    throwIfAborted(opts.signal);
    const env = await this.env();
    env.ctx.assertAlive();
    if (this.opts.budgetBytes !== undefined) {
      const { peakBytes } = await this.predictMemory(input);
      if (peakBytes > this.opts.budgetBytes) {
        throw new PlanError(
          'fold',
          peakBytes,
          this.opts.budgetBytes,
          'budget',
          'predicted peak of this fold',
        );
      }
    }
    const { ctx, pool } = env;
    const device = ctx.device;
    const act: StorageType = opts.precision ?? 'f32';
    if (act === 'f16' && !ctx.hasF16) {
      throw new GpuError(
        "precision f16: this adapter has no 'shader-f16' feature (f16 storage needs it); fold in f32",
      );
    }
    const actBytes = storageBytes(act);
    const chunkTarget = Math.min(
      this.opts.chunkTargetBytes ?? DEFAULT_CHUNK_TARGET_BYTES,
      device.limits.maxStorageBufferBindingSize,
    );
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
    /** Reads a device buffer (stored as `type`) back as a stage (only when onStage is requested). */
    const emitDevice = async (key: string, buf: GPUBuffer, shape: number[], type: StorageType = 'f32') => {
      if (!emit) return;
      const n = shape.reduce((a, b) => a * b, 1);
      emitHost(key, tensor(shape, await readAs(device, type, buf, n)));
    };
    /** An activation (m, e, z: stored as `act`) read back as a stage. */
    const emitAct = (key: string, buf: GPUBuffer, shape: number[]) => emitDevice(key, buf, shape, act);

    const evoBlocks = blockCount(params, EVOFORMER_ITERATION);
    const extraBlocks = blockCount(params, EXTRA_MSA_STACK);
    const useTemplates = hasTemplateParams(params);
    const hasPlddtHead = `${PREDICTED_LDDT_HEAD}/logits//weights` in params;
    const singleW = param(params, `${EVOFORMER_EMBED}/single_activations`, 'weights');
    const cs = singleW.shape[1];

    const first = list[0];
    const aatype = featureI32(first, 'aatype');
    const N = aatype.length;
    // refuse up front, before any allocation, when a tensor held whole exceeds a buffer limit
    const lastDim = (key: string) => {
      const t = params[key];
      return t ? t.shape[t.shape.length - 1] : 0;
    };
    assertFoldFits(
      {
        nRes: N,
        nSeq: Math.max(...list.map((f) => f.msa_feat.shape[0] + (useTemplates ? templateCount(f) : 0))),
        nExtra: Math.max(...list.map((f) => f.extra_msa.data.length / Math.max(1, N))),
        cm: lastDim(`${EVOFORMER_EMBED}/preprocess_1d//weights`),
        cz: lastDim(`${EVOFORMER_EMBED}/left_single//weights`),
        ce: lastDim(`${EVOFORMER_EMBED}/extra_msa_activations//weights`),
        heads: Math.max(
          lastDim(`${EVOFORMER_ITERATION}/msa_row_attention_with_pair_bias//feat_2d_weights`),
          lastDim(`${EVOFORMER_ITERATION}/triangle_attention_starting_node//feat_2d_weights`),
        ),
        opmC: lastDim(`${EVOFORMER_ITERATION}/outer_product_mean/left_projection//weights`),
        actBytes,
        logitsBins: opts.fullOutputs ? lastDim(`${DISTOGRAM_HEAD}/half_logits//weights`) : undefined,
        templates: useTemplates ? templateShape(params, Math.max(...list.map(templateCount))) : undefined,
      },
      device.limits,
    );
    const emb = embedderWeights(dw);
    const { cm, cz } = emb;
    const held: GPUBuffer[] = [];
    const acquire = (elements: number, label: string, bytesPer = 4) => {
      const b = pool.acquire(bytesPer * Math.max(1, elements), label);
      held.push(b);
      return b;
    };
    const releaseAll = (bufs: GPUBuffer[]) => {
      for (const b of bufs) pool.release(b);
    };

    // Across iterations: z^prev (the last iteration's z, zeros at first) and m^prev_1. Each
    // iteration acquires its z; z^prev goes back to the pool once the recycling embedder has read
    // it, so only one pair activation is held through the stacks.
    const zBytes = N * N * cz * actBytes;
    let zPrev: GPUBuffer | undefined = pool.acquire(zBytes, 'z^prev [N_res, N_res, c_z]');
    let zLive: GPUBuffer | undefined;
    const prevM1 = acquire(N * cm, 'm^prev_1 [N_res, c_m]', actBytes);
    {
      const enc = device.createCommandEncoder({ label: 'recycling state = 0' });
      enc.clearBuffer(zPrev);
      enc.clearBuffer(prevM1);
      device.queue.submit([enc.finish()]);
    }
    // x^prev pseudo-beta [N_res, 3]; per-iteration atom37 [R+1, N_res, 37, 3] and pLDDT [R+1, N_res]
    const pbBuf = acquire(N * 3, 'x^prev pseudo-beta [N_res, 3]');
    const atomHistory = acquire((numRecycles + 1) * N * 111, 'atom37 per iteration [R+1, N_res, 37, 3]');
    const plddtHistory = acquire((numRecycles + 1) * N, 'pLDDT per iteration [R+1, N_res]');
    const ptmHistory = acquire((numRecycles + 1) * 4, 'pTM, max PAE per iteration [R+1, 4]');
    {
      const enc = device.createCommandEncoder({ label: 'x^prev = 0' });
      enc.clearBuffer(pbBuf);
      device.queue.submit([enc.finish()]);
    }
    const smW = dw.module('structure_module (packed)', () =>
      uploadStructureModuleWeights(pool, packStructureModuleWeights(params)),
    );
    const headsW = hasPlddtHead
      ? dw.module('heads (packed)', () => uploadHeadsWeights(pool, packHeadsWeights(params)))
      : null;

    const recycles: RecycleMetrics[] = [];
    /** When the GPU finished each iteration (onSubmittedWorkDone, never awaited inside a recycle). */
    const recycleMs: number[] = [];
    const recycleDone: Promise<void>[] = [];
    const iterRelease: (() => void)[] = [];
    let final: Record<string, NdArray> | null = null;

    /** Structure-module stages per layer (onStage only): the GPU module re-run with 1..L layers. */
    const emitStructureStages = async (
      r: number,
      sBuf: GPUBuffer,
      zBuf: GPUBuffer,
      mask: Float32Array,
      full: StructureModuleGpuResult,
    ): Promise<void> => {
      const per = { frames: 7, sidechain: 128, unnorm: 14, angles: 14, atom14: 42, states: smW.cS };
      const stacks = Object.fromEntries(
        Object.entries(per).map(([k, n]) => [k, new Float32Array(numLayers * N * n)]),
      ) as Record<keyof typeof per, Float32Array>;
      for (let l = 1; l <= numLayers; l++) {
        const res =
          l === numLayers
            ? full
            : await runStructureModuleGpu(ctx, env.cache, pool, smW, sBuf, zBuf, aatype, mask, {
                numLayers: l,
                zType: act,
              });
        try {
          const parts: [keyof typeof per, GPUBuffer][] = [
            ['frames', res.affine],
            ['sidechain', res.groupFrames],
            ['unnorm', res.unnormalizedAngles],
            ['angles', res.angles],
            ['atom14', res.atom14],
            ['states', res.single],
          ];
          for (const [k, buf] of parts) {
            stacks[k].set(await readFloat32(device, buf, N * per[k]), (l - 1) * N * per[k]);
          }
        } finally {
          if (res !== full) res.release();
        }
      }
      const L = numLayers;
      emitHost(`r${r}/sm_frames`, tensor([L, N, 7], stacks.frames));
      emitHost(`r${r}/sm_sidechain_frames`, tensor([L, N, 8, 4, 4], stacks.sidechain));
      emitHost(`r${r}/sm_unnormalized_angles`, tensor([L, N, 7, 2], stacks.unnorm));
      emitHost(`r${r}/sm_angles`, tensor([L, N, 7, 2], stacks.angles));
      emitHost(`r${r}/sm_atom14_positions`, tensor([L, N, 14, 3], stacks.atom14));
      emitHost(`r${r}/sm_states`, tensor([L, N, smW.cS], stacks.states));
    };

    /**
     * The final outputs under the golden key names, read back once: the structure, pLDDT, PAE and
     * pTM; with `fullOutputs` also m, z and the logits heads (recorded here, [N_res, N_res, 64]).
     */
    const full = opts.fullOutputs === true;
    const readFinal = async (a: {
      m: GPUBuffer;
      S: number;
      sBuf: GPUBuffer;
      z: GPUBuffer;
      sm: StructureModuleGpuResult;
      heads: HeadsGpuResult | null;
    }): Promise<Record<string, NdArray>> => {
      const { S, sm } = a;
      const read = async (buf: GPUBuffer, shape: number[]) =>
        tensor(
          shape,
          await readFloat32(
            device,
            buf,
            shape.reduce((x, y) => x * y, 1),
          ),
        );
      const scratch: GPUBuffer[] = [];
      const rec = new Recorder(ctx, env.cache, 'final logits heads');
      /** [rows, bins] = x · W + b for the head at `path` (weights [c_in, bins]; x stored as xType). */
      const linearHead = async (
        x: GPUBuffer,
        rows: number,
        path: string,
        xType: StorageType = 'f32',
      ): Promise<[GPUBuffer, number]> => {
        const w = param(params, path, 'weights');
        const [cIn, bins] = w.shape;
        const out = pool.acquire(4 * Math.max(1, rows * bins), `${path} logits [rows, ${bins}]`);
        scratch.push(out);
        await recordMatmul(
          rec,
          { M: rows, K: cIn, N: bins },
          { a: x, b: dw.array(`${path}//weights`), bias: dw.array(`${path}//bias`), c: out },
          { bias: true, types: { a: xType } },
        );
        return [out, bins];
      };
      const has = (path: string) => full && `${path}//weights` in params;
      try {
        const heads: Record<string, [GPUBuffer, number[]]> = {};
        if (headsW && full) {
          // pLDDT logits: LN(s) → relu(Linear) × k → Linear  (Algorithm 29)
          const sLn = pool.acquire(4 * Math.max(1, N * smW.cS), 'final plddt LN(s) [N_res, c_s]');
          scratch.push(sLn);
          await recordNorm(rec, N, smW.cS, sm.single, headsW.lddtNorm, sLn);
          let x = sLn;
          for (const [k, l] of headsW.lddtHidden.entries()) {
            const h = pool.acquire(4 * Math.max(1, N * l.cOut), `final plddt act_${k} [N_res, c]`);
            scratch.push(h);
            await recordLinear(rec, N, x, l, h, 'relu');
            x = h;
          }
          const logits = pool.acquire(4 * Math.max(1, N * headsW.lddtLogits.cOut), 'final lddt_logits');
          scratch.push(logits);
          await recordLinear(rec, N, x, headsW.lddtLogits, logits);
          heads.lddt_logits = [logits, [N, headsW.lddtLogits.cOut]];
        }
        if (has(`${DISTOGRAM_HEAD}/half_logits`)) {
          const [b, bins] = await linearHead(a.z, N * N, `${DISTOGRAM_HEAD}/half_logits`, act);
          heads.distogram_half = [b, [N, N, bins]];
        }
        if (has(`${MASKED_MSA_HEAD}/logits`)) {
          const [b, bins] = await linearHead(a.m, S * N, `${MASKED_MSA_HEAD}/logits`, act);
          heads.masked_msa_logits = [b, [S, N, bins]];
        }
        if (has(`${EXPERIMENTALLY_RESOLVED_HEAD}/logits`)) {
          const [b, bins] = await linearHead(a.sBuf, N, `${EXPERIMENTALLY_RESOLVED_HEAD}/logits`);
          heads.experimentally_resolved_logits = [b, [N, bins]];
        }
        if (has(`${PREDICTED_ALIGNED_ERROR_HEAD}/logits`)) {
          const [b, bins] = await linearHead(a.z, N * N, `${PREDICTED_ALIGNED_ERROR_HEAD}/logits`, act);
          heads.tm_logits = [b, [N, N, bins]];
        }
        rec.submit();

        const out: Record<string, NdArray> = {
          single: await read(a.sBuf, [N, cs]),
          structure_module_single: await read(sm.single, [N, smW.cS]),
          final_atom_positions: await read(sm.atom37, [N, 37, 3]),
          final_atom14_positions: await read(sm.atom14, [N, 14, 3]),
          final_atom_mask: await read(sm.atom37Mask, [N, 37]),
          final_affine_tensor: await read(sm.affine, [N, 7]),
        };
        if (full) {
          const m = tensor([S, N, cm], await readAs(device, act, a.m, S * N * cm));
          out.msa = m;
          out.msa_first_row = tensor([N, cm], m.data.slice(0, N * cm));
          out.pair = tensor([N, N, cz], await readAs(device, act, a.z, N * N * cz));
        }
        for (const [k, [buf, shape]] of Object.entries(heads)) {
          const t = await read(buf, shape);
          if (k !== 'distogram_half') {
            out[k] = t;
            continue;
          }
          // distogram = half + halfᵀ  [N_res, N_res, bins]
          const bins = shape[2];
          const d = tensor(shape);
          for (let i = 0; i < N; i++) {
            for (let j = 0; j < N; j++) {
              const ij = (i * N + j) * bins;
              const ji = (j * N + i) * bins;
              for (let q = 0; q < bins; q++) d.data[ij + q] = t.data[ij + q] + t.data[ji + q];
            }
          }
          out.distogram_logits = d;
        }
        if (a.heads) {
          const h = await readHeads(ctx, a.heads);
          out.plddt = tensor([N], h.plddt);
          if (h.pae && h.ptm !== undefined && h.maxPae !== undefined) {
            out.predicted_aligned_error = tensor([N, N], h.pae);
            out.max_predicted_aligned_error = tensor([], Float32Array.of(h.maxPae));
            out.ptm_score = tensor([], Float32Array.of(h.ptm));
          }
        }
        if (out.tm_logits) {
          out.aligned_confidence_probs = computePredictedAlignedError(
            out.tm_logits as Tensor,
          ).alignedConfidenceProbs;
        }
        return out;
      } finally {
        for (const b of scratch) pool.release(b);
      }
    };

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
        const iterAcquire = (elements: number, label: string, bytesPer = 4) => {
          const b = pool.acquire(bytesPer * Math.max(1, elements), `r${r} ${label}`);
          iterBufs.push(b);
          held.push(b);
          return b;
        };
        /**
         * Returns buffers past their last use to the pool (later work runs after it in queue
         * order) and forgets them here: the pool may hand them to the next acquire, so a second
         * release at the end of the iteration would free that new owner's buffer.
         */
        const done = (...bufs: GPUBuffer[]) => {
          for (const b of bufs) {
            pool.release(b);
            for (const list of [iterBufs, held]) {
              const i = list.indexOf(b);
              if (i >= 0) list.splice(i, 1);
            }
          }
        };

        // lines 4–5: input embedder  [N_seq, N_res, c_m], [N_res, N_res, c_z]
        progress('input_embedding', r);
        const z = pool.acquire(zBytes, 'z [N_res, N_res, c_z]');
        zLive = z;
        const residueIndex = featureI32(features, 'residue_index', [N]);
        const targetFeat = featureF32(features, 'target_feat', [N, -1]);
        const msaFeat = featureF32(features, 'msa_feat', [-1, N, -1]);
        const S = msaFeat.shape[0];
        const seqMask = maskOrOnes(features, 'seq_mask', [N]);
        const msaMask = maskOrOnes(features, 'msa_mask', [S, N]);
        const pairMask = pairMaskFromSeqMask(seqMask);
        const nTempl = useTemplates ? templateCount(features) : 0;
        const tf = iterUpload(targetFeat.data, 'target_feat [N_res, 22]');
        const mf = iterUpload(msaFeat.data, 'msa_feat [N_seq, N_res, 49]');
        const ri = iterUpload(residueIndex, 'residue_index [N_res]');
        const pairMaskBuf = iterUpload(pairMask.data, 'pair mask [N_res, N_res]');
        // m holds the N_seq cluster rows and, with templates, N_templ template rows after them
        const m = iterAcquire((S + nTempl) * N * cm, 'm [N_seq + N_templ, N_res, c_m]', actBytes);
        const lr = iterAcquire(N * 2 * cz, 'left|right single [N_res, 2 c_z]');
        let rec = new Recorder(ctx, env.cache, `r${r} embedders`);
        await recordInputEmbedder(
          rec,
          emb,
          { nRes: N, nSeq: S, act },
          { targetFeat: tf, msaFeat: mf, residueIndex: ri, lr, m, z },
        );
        rec.submit();
        done(tf, mf, ri, lr);
        await emitAct(at('input_msa_act'), m, [S, N, cm]);
        await emitAct(at('input_pair_act'), z, [N, N, cz]);

        // line 6: recycling embedder (zeros at the first iteration)
        progress('recycling', r);
        // the pair update in row chunks within the chunk target (whole when its stage is read)
        const updateRows = emit ? N : chunkWithin(N, 4 * N * cz, chunkTarget);
        const pairUpdate = iterAcquire(updateRows * N * cz, 'recycling pair update [rows, N_res, c_z]');
        const msaUpdate = iterAcquire(N * cm, 'recycling first-row update [N_res, c_m]');
        rec = new Recorder(ctx, env.cache, `r${r} recycling embedder`);
        await recordRecyclingPairUpdate(
          rec,
          emb,
          N,
          { prevZ: zPrev, pseudoBeta: pbBuf, update: pairUpdate, z },
          act,
          updateRows,
        );
        await recordRecyclingMsaUpdate(rec, emb, N, { prevMsaFirstRow: prevM1, update: msaUpdate }, act);
        await recordAdd(rec, N * cm, msaUpdate, m, act);
        rec.submit();
        if (emit) {
          await emitAct(at('recycle_in_prev_msa_first_row'), prevM1, [N, cm]);
          await emitAct(at('recycle_in_prev_pair'), zPrev, [N, N, cz]);
          await emitDevice(at('recycle_in_prev_pseudo_beta'), pbBuf, [N, 3]);
          await emitDevice(at('recycle_msa_first_row_update'), msaUpdate, [N, cm]);
          await emitDevice(at('recycle_pair_update'), pairUpdate, [N, N, cz]);
          await emitAct(at('msa_act_after_recycling'), m, [S, N, cm]);
          await emitAct(at('pair_act_after_recycling'), z, [N, N, cz]);
        }
        done(pairUpdate, msaUpdate, zPrev);
        zPrev = undefined;

        // lines 9–12: template pair embedding, z += update
        if (nTempl > 0) {
          const blocksPerTemplate = templateBlocks(params);
          progress('template_embedding', r, 0, nTempl * blocksPerTemplate);
          const update = await runTemplateEmbeddingGpu(
            env,
            dw,
            features,
            { z, zType: act, pairMask: pairMaskBuf },
            N,
            chunkTarget,
            async (t, b, blocks) => {
              progressWhenDone('template_embedding', r, t * blocks + b, nTempl * blocks);
              await checkpoint(signal);
            },
          );
          if (update) {
            iterBufs.push(update);
            held.push(update);
          }
          if (emit) {
            if (update) await emitDevice(at('template_pair_embedding'), update, [N, N, cz]);
            else emitHost(at('template_pair_embedding'), tensor([N, N, cz])); // all templates masked: no update
          }
          if (update) done(update);
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
        const extraMask = maskOrOnes(features, 'extra_msa_mask', [nExtra, N]);
        const e = iterAcquire(nExtra * N * emb.ce, 'e [N_extra, N_res, c_e]', actBytes);
        const extraMaskBuf = iterUpload(extraMask.data, 'extra_msa_mask [N_extra, N_res]');
        rec = new Recorder(ctx, env.cache, `r${r} extra-MSA embedding`);
        const extraInputs = {
          extraMsa: iterUpload(extraMsa, 'extra_msa [N_extra, N_res]'),
          hasDeletion: iterUpload(
            featureF32(features, 'extra_has_deletion', [nExtra, N]).data,
            'extra_has_deletion',
          ),
          deletionValue: iterUpload(
            featureF32(features, 'extra_deletion_value', [nExtra, N]).data,
            'extra_deletion_value',
          ),
        };
        await recordExtraMsaEmbedding(rec, emb, nExtra * N, { ...extraInputs, e }, act);
        rec.submit();
        done(...Object.values(extraInputs));
        await emitAct(at('extra_msa_act'), e, [nExtra, N, emb.ce]);
        await emitAct(at('extra_stack_input_pair'), z, [N, N, cz]);
        progress('extra_msa_stack', r, 0, extraBlocks);
        for (let b = 0; b < extraBlocks; b++) {
          if (nExtra > 0) {
            const sizes = { nSeq: nExtra, nRes: N, act };
            await submitStackBlock(
              env,
              dw,
              'extra_msa',
              b,
              sizes,
              { m: e, z, msaMask: extraMaskBuf, pairMask: pairMaskBuf },
              stackBlockChunks(dw, 'extra_msa', b, sizes, chunkTarget),
              share,
            );
          }
          progressWhenDone('extra_msa_stack', r, b + 1, extraBlocks);
          await emitAct(at(`extra_block${b}_msa`), e, [nExtra, N, emb.ce]);
          await emitAct(at(`extra_block${b}_pair`), z, [N, N, cz]);
          await checkpoint(signal);
        }
        await emitAct(at('extra_stack_output_pair'), z, [N, N, cz]);
        done(e, extraMaskBuf);

        // lines 7–8: template torsion rows appended to the MSA (CPU reference; see the header)
        let evoMsaMask = msaMask;
        if (nTempl > 0) {
          const tAatype = featureI32(features, 'template_aatype', [nTempl, N]);
          const single = templateSingleEmbedding(tAatype, templateTorsions(features, nTempl, N), params);
          if (emit) emitHost(at('template_single_embedding'), single.rows);
          const rows = single.rows.data as Float32Array<ArrayBuffer>;
          device.queue.writeBuffer(m, S * N * cm * actBytes, act === 'f16' ? halfBits(rows) : rows);
          evoMsaMask = tensor([S + nTempl, N]);
          evoMsaMask.data.set(msaMask.data, 0);
          evoMsaMask.data.set(single.mask.data, S * N);
        }
        const nSeqEvo = S + nTempl;
        const msaMaskBuf = iterUpload(evoMsaMask.data, 'msa mask [N_seq + N_templ, N_res]');

        // line 15: Evoformer stack
        await emitAct(at('evoformer_input_msa'), m, [nSeqEvo, N, cm]);
        await emitAct(at('evoformer_input_pair'), z, [N, N, cz]);
        progress('evoformer', r, 0, evoBlocks);
        for (let b = 0; b < evoBlocks; b++) {
          const sizes = { nSeq: nSeqEvo, nRes: N, act };
          const n = await submitStackBlock(
            env,
            dw,
            'evoformer',
            b,
            sizes,
            { m, z, msaMask: msaMaskBuf, pairMask: pairMaskBuf },
            stackBlockChunks(dw, 'evoformer', b, sizes, chunkTarget),
            share,
          );
          if (b === 0) this.lastBlockDispatches = n;
          progressWhenDone('evoformer', r, b + 1, evoBlocks);
          await emitAct(at(`evoformer_block${b}_msa`), m, [nSeqEvo, N, cm]);
          await emitAct(at(`evoformer_block${b}_pair`), z, [N, N, cz]);
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
          { bias: true, types: { a: act } },
        );
        // line 17 (device part): m^prev_1 = m_1
        const enc = rec.commandEncoder;
        enc.copyBufferToBuffer(m, 0, prevM1, 0, N * cm * actBytes);
        rec.submit();

        // line 16: structure module on the GPU (s and z stay on the device)
        await emitDevice(at('single'), sBuf, [N, cs]);
        progress('structure_module', r, 0, numLayers);
        const isLast = r === numRecycles;
        const sm = await runStructureModuleGpu(ctx, env.cache, pool, smW, sBuf, z, aatype, seqMask.data, {
          numLayers,
          zType: act,
        });
        progressWhenDone('structure_module', r, numLayers, numLayers);
        iterRelease.push(sm.release);
        // pLDDT, PAE and pTM of this iteration (the per-recycle metrics)
        const heads = headsW
          ? await runHeadsGpu(ctx, env.cache, pool, headsW, sm.single, z, N, smW.cS, { zType: act })
          : null;
        if (heads) iterRelease.push(heads.release);
        {
          const enc = device.createCommandEncoder({ label: `r${r} recycle state: x^prev, history` });
          // line 17 (device part): x^prev pseudo-beta = CB (CA for glycine) of atom37
          for (let i = 0; i < N; i++) {
            const atom = aatype[i] === GLY ? ATOM_CA : ATOM_CB;
            enc.copyBufferToBuffer(sm.atom37, (i * 37 + atom) * 12, pbBuf, i * 12, 12);
          }
          enc.copyBufferToBuffer(sm.atom37, 0, atomHistory, r * N * 111 * 4, N * 111 * 4);
          if (heads) enc.copyBufferToBuffer(heads.plddt, 0, plddtHistory, r * N * 4, N * 4);
          // pTM is element 0 of heads.ptm (16-byte copy: element 1 is the max PAE)
          if (heads?.ptm) enc.copyBufferToBuffer(heads.ptm, 0, ptmHistory, r * 16, 16);
          device.queue.submit([enc.finish()]);
        }
        if (emit) await emitStructureStages(r, sBuf, z, seqMask.data, sm);
        await emitDevice(at('sm_single'), sm.single, [N, smW.cS]);
        await emitDevice(at('final_atom_positions'), sm.atom37, [N, 37, 3]);
        {
          const at = r;
          recycleDone.push(
            device.queue.onSubmittedWorkDone().then(() => void (recycleMs[at] = timer.elapsed())),
          );
        }
        throwIfAborted(signal);

        if (isLast) {
          progress('heads', r);
          final = await readFinal({ m, S, sBuf, z, sm, heads });
        }
        zPrev = z;
        zLive = undefined;
        for (const f of iterRelease.splice(0)) f();
        releaseAll(iterBufs);
      }
      // per-recycle metrics, from the per-iteration buffers (one read after the last iteration)
      await Promise.all(recycleDone);
      const atomsAll = await readFloat32(device, atomHistory, (numRecycles + 1) * N * 111);
      const plddtAll = headsW ? await readFloat32(device, plddtHistory, (numRecycles + 1) * N) : null;
      const ptmAll = headsW?.pae ? await readFloat32(device, ptmHistory, (numRecycles + 1) * 4) : null;
      let prevAtoms: Float32Array | null = null;
      for (let r = 0; r <= numRecycles; r++) {
        const atoms = atomsAll.subarray(r * N * 111, (r + 1) * N * 111);
        const metrics: RecycleMetrics = { recycle: r, ms: recycleMs[r] - (r === 0 ? 0 : recycleMs[r - 1]) };
        if (plddtAll) metrics.meanPlddt = mean(plddtAll.subarray(r * N, (r + 1) * N));
        if (ptmAll) metrics.ptm = ptmAll[r * 4];
        if (prevAtoms) metrics.caDistanceRmsChange = caDistanceRmsChange(prevAtoms, atoms, N);
        prevAtoms = atoms;
        recycles.push(metrics);
      }
    } finally {
      for (const f of iterRelease.splice(0)) f();
      releaseAll([...held, ...(zLive ? [zLive] : []), ...(zPrev ? [zPrev] : [])]);
    }
    if (!final) throw new Error('webgpu engine: no iteration ran');

    await checkpoint(signal);
    const outputs: Record<string, NdArray> = {
      ...final,
      num_recycles: { dtype: 'int32', shape: [], data: Int32Array.of(numRecycles + 1) },
    };
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

/** A WebGPU engine on the device `acquire` returns (acquired on the first fold). */
export function createWebGpuEngine(acquire: () => Promise<GpuContext>): WebGpuEngine {
  return new WebGpuEngine({ acquire });
}
