/**
 * The memory planner: builds the ExecutionPlan of one fold.
 *
 * THE MODEL THE ENGINE FOLLOWS (so that predicted peak = BufferPool's measured peak):
 * - Weights: one buffer per module instance (weights.ts), uploaded once, live for the whole fold.
 * - Persistent activations, live for the whole fold and carried across recycles: the pair z
 *   [N_res, N_res, c_z], the pair scratch X [N_res, N_res, c_x] (c_x = the widest of c_z, c_t
 *   and the triangle-multiplication hidden widths), the recycled first MSA row [N_res, c_m], the
 *   per-residue inputs, and the outputs (atom37 positions, which are also the recycled positions;
 *   pLDDT; PAE and pTM row terms). z is updated in place by every module and by the recycling
 *   embedder (z^prev is never copied).
 * - Everything else lives in the stages listed by `plan.stages`, in order: each buffer of
 *   `plan.buffers` is acquired at the start of stage `from` and released at the end of stage
 *   `to`. Stages with `repeat` > 1 (an Evoformer module × 48 blocks, a template module ×
 *   blocks × templates) acquire and release their transients on every repetition; their live set
 *   is the same each time, so the peak is the maximum of `stages[i].liveBytes`.
 * - A tensor larger than one buffer may be (maxBufferBytes: the device's maxStorageBufferBindingSize
 *   and maxBufferSize, --max-binding, and the budget) is split along axis 0 into row segments,
 *   one buffer each; every kernel binds whole segments or chunk transients, so no binding exceeds
 *   maxBufferBytes, and row chunks never straddle a segment.
 * - Chunk transients (per-chunk buffers of a module, see modules/*.ts) are at most the chunk
 *   target (64 MiB by default); when a budget is given and the peak exceeds it, the target is
 *   halved until the plan fits or the chunks are single rows, and then the fold is refused
 *   with a PlanError naming the peak stage, its bytes and the budget.
 * - Workgroup counts follow workgroups.ts; chunk sizes keep every dimension within
 *   maxComputeWorkgroupsPerDimension.
 * - DAP (`devices` = P > 1, src/dap): every rank plans the same buffers, so `peak` is the peak of
 *   each rank. Pair tensors hold the rank's N_res/P rows ([N_res/P, N_res, c], N_res padded up
 *   to a multiple of P), MSA tensors 1/P of their rows or residues; the all-gathered tensors (the
 *   attention biases [N_res, N_res, H], one triangle-multiplication projection per channel group,
 *   the outer-product-mean b) are whole; weights and per-residue tensors are replicated. Exchanges
 *   go through host memory (WebGPU has no peer-to-peer copies): each rank keeps two readback
 *   staging buffers (`dap.readback.*`, one chunk each) for overlapped exchanges. `dap` in the plan
 *   gives the partition of each stack, the bytes exchanged per block and the host memory in flight.
 * Module-level algorithms and their buffers are documented in modules/*.ts.
 */
import { checkRanks } from '../../dap/axis-split.ts';
import { PlanContext } from './context.ts';
import { dapSummary } from './dap.ts';
import { planLimits, SMALL_DEVICE } from './device-profile.ts';
import { PlanError } from './errors.ts';
import { embedExtraPlan, embedMsaPlan, embedPairPlan, freeExtra, singlePlan } from './modules/embedding.ts';
import type { MsaTarget } from './modules/msa-stack.ts';
import type { PairTarget } from './modules/pair-stack.ts';
import { headsPlan, structureModulePlan } from './modules/structure.ts';
import { templatesPlan } from './modules/templates.ts';
import { msaStackPlan } from './stacks.ts';
import { dtypeBytes, rowBytes, segmentSizes } from './tensor-bytes.ts';
import type { ExecutionPlan, PlannedBuffer, PlanRequest, Precision, Stage } from './types.ts';
import { planWeights } from './weights.ts';

export const DEFAULT_CHUNK_TARGET_BYTES = 64 * 2 ** 20;
/** DAP exchanges move through host memory in pieces of at most this many bytes per readback. */
export const DAP_EXCHANGE_PIECE_BYTES = 16 * 2 ** 20;
/** The budget loop stops shrinking chunks below this target. */
export const MIN_CHUNK_TARGET_BYTES = 2 ** 16;

const ATOM37 = 37;

function checkSizes(req: PlanRequest): void {
  const { nRes, nSeq, nExtra, nTempl } = req.sizes;
  const bad = (what: string, v: number, min: number) =>
    !Number.isInteger(v) || v < min ? `${what} must be an integer ≥ ${min} (got ${v})` : '';
  const msg =
    bad('N_res', nRes, 1) || bad('N_seq', nSeq, 1) || bad('N_extra', nExtra, 0) || bad('N_templ', nTempl, 0);
  if (msg) throw new RangeError(`plan: ${msg}`);
  if (req.devices !== undefined) checkRanks(req.devices, 'devices');
  if (nTempl > 0 && !req.model.config.template) {
    throw new RangeError(
      `plan: ${nTempl} templates requested but model ${req.model.name} has no template stack`,
    );
  }
}

function choosePrecision(req: PlanRequest, hasF16: boolean): ExecutionPlan['precision'] {
  const requested: Precision = req.precision ?? 'f32';
  if (requested === 'f16' && !hasF16) {
    return {
      requested,
      storage: 'f32',
      accumulate: 'f32',
      note: 'f16 storage requested but the device has no shader-f16: planned in f32',
    };
  }
  return { requested, storage: requested, accumulate: 'f32' };
}

function planOnce(
  req: PlanRequest,
  storage: Precision,
  maxBufferBytes: number,
  chunkTarget: number,
  maxWorkgroups: number,
) {
  const { config } = req.model;
  const ctx = new PlanContext({
    config,
    sizes: req.sizes,
    storage,
    maxBufferBytes,
    maxWorkgroups,
    chunkTargetBytes: chunkTarget,
    ranks: req.devices ?? 1,
  });
  const { L, Lr } = ctx;
  const T = req.sizes.nTempl;
  const weights = planWeights(req.model.shapes, ctx.act, maxBufferBytes);
  const el = dtypeBytes(ctx.act);
  for (const w of weights) {
    ctx.persistent({
      name: `weights/${w.name}`,
      dtype: ctx.act,
      shape: [w.bytes / el],
      layout: `[${w.members.length} arrays at 256-byte offsets]`,
      role: 'weights',
    });
  }
  ctx.persistent(ctx.f32('input.target_feat', [L, 22], '[N_res, 22]', 'input'));
  ctx.persistent({ name: 'input.aatype', dtype: 'i32', shape: [L], layout: '[N_res]', role: 'input' });
  ctx.persistent({ name: 'input.residue_index', dtype: 'i32', shape: [L], layout: '[N_res]', role: 'input' });
  ctx.persistent(ctx.f32('input.seq_mask', [L], '[N_res]', 'input'));
  if (T > 0 && config.template) {
    ctx.persistent({
      name: 'input.template_aatype',
      dtype: 'i32',
      shape: [T, L],
      layout: '[N_templ, N_res]',
      role: 'input',
    });
    ctx.persistent(
      ctx.f32('input.template_positions', [T, L, ATOM37, 3], '[N_templ, N_res, 37, 3]', 'input'),
    );
    ctx.persistent(ctx.f32('input.template_atom_mask', [T, L, ATOM37], '[N_templ, N_res, 37]', 'input'));
    ctx.persistent(ctx.f32('input.template_angle_feat', [T, L, 57], '[N_templ, N_res, 57]', 'input'));
    ctx.persistent(ctx.f32('input.template_mask', [T], '[N_templ]', 'input'));
  }
  const z = ctx.persistent(
    ctx.decl('z', [Lr, L, config.c_z], '[N_res, N_res, c_z] pair activations', 'activation'),
  );
  const widths = [
    config.c_z,
    config.evoformer.triangleMultiplicationOutgoingHidden,
    config.evoformer.triangleMultiplicationIncomingHidden,
  ];
  widths.push(
    config.extraMsa.triangleMultiplicationOutgoingHidden,
    config.extraMsa.triangleMultiplicationIncomingHidden,
  );
  if (config.template && config.c_t !== null && T > 0) {
    const ps = config.template.pairStack;
    widths.push(config.c_t, ps.triangleMultiplicationOutgoingHidden, ps.triangleMultiplicationIncomingHidden);
  }
  const cx = Math.max(...widths);
  const scratch = ctx.persistent(
    ctx.decl('pair_scratch', [Lr, L, cx], '[N_res, N_res, c_x] pair scratch', 'scratch'),
  );
  ctx.persistent(ctx.decl('recycle.prev_msa_first_row', [L, config.c_m], '[N_res, c_m]', 'recycle'));
  ctx.persistent(ctx.f32('output.positions', [L, ATOM37, 3], '[N_res, 37, 3] atom37 (recycled)', 'output'));
  ctx.persistent(ctx.f32('output.plddt', [L], '[N_res]', 'output'));
  if (config.heads.ptm) {
    ctx.persistent(ctx.f32('output.pae', [Lr, L], '[N_res, N_res] expected aligned error', 'output'));
    ctx.persistent(ctx.f32('output.ptm_rows', [L], '[N_res] pTM term per aligned residue', 'output'));
  }

  if (ctx.ranks > 1) {
    // Two readback buffers (MAP_READ | COPY_DST): one exchange piece in flight while the next is copied.
    const piece = Math.min(DAP_EXCHANGE_PIECE_BYTES, chunkTarget, maxBufferBytes);
    for (const k of [0, 1]) {
      ctx.persistent({
        name: `dap.readback.${k}`,
        dtype: 'f32',
        shape: [Math.ceil(piece / 4)],
        layout: '[bytes / 4] exchange staging (readback)',
        role: 'scratch',
      });
    }
  }
  const zTarget: PairTarget = {
    name: 'z',
    c: config.c_z,
    rowsPerSegment: z.rowsPerSegment,
    scratchRowsPerSegment: scratch.rowsPerSegment,
  };
  embedPairPlan(ctx, z.rowsPerSegment);
  templatesPlan(ctx, z.rowsPerSegment, () => scratch.rowsPerSegment);
  const e = embedExtraPlan(ctx);
  const eTarget: MsaTarget = { name: 'e', ...e };
  msaStackPlan(ctx, 'extra_msa', config.extraMsa, eTarget, zTarget, true);
  freeExtra(ctx);
  const m = embedMsaPlan(ctx);
  msaStackPlan(ctx, 'evoformer', config.evoformer, { name: 'm', ...m }, zTarget, false);
  singlePlan(ctx);
  structureModulePlan(ctx, z.rowsPerSegment, scratch.rowsPerSegment);
  headsPlan(ctx, z.rowsPerSegment);
  ctx.finish();
  return { ctx, weights };
}

function toBuffers(ctx: PlanContext): PlannedBuffer[] {
  const out: PlannedBuffer[] = [];
  for (const t of ctx.tensors) {
    const rows = t.shape[0] ?? 1;
    const sizes = segmentSizes(rows, t.rowsPerSegment, rowBytes(t));
    sizes.forEach((bytes, k) => {
      const start = k * t.rowsPerSegment;
      out.push({
        name: sizes.length > 1 ? `${t.name}#${k}` : t.name,
        tensor: t.name,
        role: t.role,
        dtype: t.dtype,
        rows: [start, Math.min(rows, start + t.rowsPerSegment)],
        bytes,
        from: t.from,
        to: t.to,
      });
    });
  }
  return out;
}

function assemble(
  req: PlanRequest,
  precision: ExecutionPlan['precision'],
  maxBufferBytes: number,
  chunkTarget: number,
  run: ReturnType<typeof planOnce>,
): ExecutionPlan {
  const { ctx, weights } = run;
  const device = req.device ?? SMALL_DEVICE;
  const P = req.devices ?? 1;
  const buffers = toBuffers(ctx);
  const last = ctx.stages.length - 1;
  const stages: Stage[] = ctx.stages.map((s, index) => ({
    index,
    name: s.name,
    repeat: s.repeat,
    liveBytes: buffers.reduce((a, b) => (b.from <= index && index <= b.to ? a + b.bytes : a), 0),
  }));
  let peakStage = stages[0];
  for (const s of stages) if (s.liveBytes > peakStage.liveBytes) peakStage = s;
  const persistentBytes = buffers.reduce((a, b) => (b.from === 0 && b.to === last ? a + b.bytes : a), 0);
  const plan: ExecutionPlan = {
    model: req.model.name,
    sizes: { ...req.sizes },
    device: { name: device.name, limits: planLimits(device), hasF16: device.features.includes('shader-f16') },
    precision,
    maxBufferBytes,
    chunkTargetBytes: chunkTarget,
    budgetBytes: req.budgetBytes ?? null,
    modules: ctx.modules,
    stages,
    tensors: ctx.tensors,
    buffers,
    weights: {
      buffers: weights.length,
      bytes: weights.reduce((a, w) => a + w.bytes, 0),
      parameters: req.model.config.parameterCount,
    },
    peak: { bytes: peakStage.liveBytes, stage: peakStage.name, persistentBytes },
  };
  if (P > 1) plan.dap = dapSummary(req, precision.storage, P);
  return plan;
}

/** Plans a fold; throws PlanError if it cannot fit the device or the budget. */
export function buildPlan(req: PlanRequest): ExecutionPlan {
  checkSizes(req);
  const device = req.device ?? SMALL_DEVICE;
  const limits = planLimits(device);
  const precision = choosePrecision(req, device.features.includes('shader-f16'));
  const caps = [limits.maxStorageBufferBindingSize, limits.maxBufferSize];
  if (req.maxBindingBytes !== undefined) caps.push(req.maxBindingBytes);
  if (req.budgetBytes !== undefined) caps.push(req.budgetBytes);
  const maxBufferBytes = Math.floor(Math.min(...caps) / 16) * 16;
  if (maxBufferBytes < 16) throw new PlanError('buffers', 16, maxBufferBytes, 'maxBufferBytes');
  let chunkTarget = Math.min(req.chunkTargetBytes ?? DEFAULT_CHUNK_TARGET_BYTES, maxBufferBytes);
  for (;;) {
    const run = planOnce(
      req,
      precision.storage,
      maxBufferBytes,
      chunkTarget,
      limits.maxComputeWorkgroupsPerDimension,
    );
    const plan = assemble(req, precision, maxBufferBytes, chunkTarget, run);
    const budget = req.budgetBytes;
    if (budget === undefined || plan.peak.bytes <= budget) return plan;
    if (plan.peak.persistentBytes > budget || chunkTarget <= MIN_CHUNK_TARGET_BYTES) {
      throw new PlanError(
        plan.peak.stage,
        plan.peak.bytes,
        budget,
        'budget',
        `peak live bytes at that stage, of which ${plan.peak.persistentBytes} persistent (weights ${plan.weights.bytes}); ${precision.storage} storage, N_res ${req.sizes.nRes}`,
      );
    }
    chunkTarget = Math.max(MIN_CHUNK_TARGET_BYTES, Math.floor(chunkTarget / 2 / 16) * 16);
  }
}
