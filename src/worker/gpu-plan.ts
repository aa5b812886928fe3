/**
 * The GPU panel's "Plan for this input", computed in the GPU worker (buildPlan takes ~50 ms for
 * the full model, too long for the page's thread): the model from the selected parameter set's
 * summary (or the full AF2 model_1_ptm), the worker's adapter limits and features, the input's
 * sizes and the chosen precision. No GPU work.
 */
import {
  buildPlan,
  type DeviceProfile,
  type ExecutionPlan,
  PlanError,
  type PlanModel,
  planModelFromPreset,
  profileFromAdapter,
  SMALL_DEVICE,
} from '../engine/plan/index.ts';
import type { AdapterSummary } from '../gpu/device.ts';
import { configFromDims } from '../model/params/config.ts';
import { PRESETS, type PresetName, presetLayout } from '../model/params/presets.ts';
import { buildSchema, concreteShapes } from '../model/params/schema.ts';
import type { ParamsSummary } from './fold-api.ts';
import type { PlanOutcome, PlanQuery, PlanSummary } from './gpu-api.ts';

function matchesPreset(s: ParamsSummary, preset: PresetName): boolean {
  const d = PRESETS[preset];
  return (
    s.c_m === d.c_m &&
    s.c_z === d.c_z &&
    s.c_s === d.c_s &&
    s.evoformerBlocks === d.N_evoformer_blocks &&
    s.extraMsaBlocks === d.N_extra_blocks
  );
}

/**
 * The model to plan for. A summary with the golden or full sizes plans with that preset's
 * per-head sizes; any other takes its channel and block counts over the full model's head sizes
 * (marked approximate).
 */
export function planModelFor(query: PlanQuery): { model: PlanModel; approximate: boolean } {
  const m = query.model;
  if (!m) {
    const model = planModelFromPreset('full');
    return { model: { ...model, name: `AF2 ${model.name}; no parameter set selected` }, approximate: false };
  }
  const opts = { ptm: m.summary.ptm, templates: m.summary.templates };
  for (const preset of ['full', 'golden'] as const) {
    if (matchesPreset(m.summary, preset)) {
      return { model: { ...planModelFromPreset(preset, opts), name: m.name }, approximate: false };
    }
  }
  const layout = presetLayout(opts);
  const schema = buildSchema(layout);
  const dims = {
    ...PRESETS.full,
    c_m: m.summary.c_m,
    c_z: m.summary.c_z,
    c_s: m.summary.c_s,
    N_evoformer_blocks: m.summary.evoformerBlocks,
    N_extra_blocks: m.summary.extraMsaBlocks,
  };
  return {
    model: {
      name: m.name,
      config: configFromDims(dims, layout, schema),
      shapes: concreteShapes(schema, dims),
    },
    approximate: true,
  };
}

function summarize(plan: ExecutionPlan, approximate: boolean, ms: number): PlanSummary {
  let largest = { name: '', bytes: 0 };
  for (const b of plan.buffers) if (b.bytes > largest.bytes) largest = { name: b.name, bytes: b.bytes };
  return {
    ok: true,
    model: plan.model,
    approximate,
    device: plan.device.name,
    precision: {
      requested: plan.precision.requested,
      storage: plan.precision.storage,
      note: plan.precision.note,
    },
    peak: { ...plan.peak },
    weightsBytes: plan.weights.bytes,
    largestBuffer: largest,
    maxStorageBufferBindingSize: plan.device.limits.maxStorageBufferBindingSize,
    maxBufferBytes: plan.maxBufferBytes,
    modules: plan.modules.map((m) => ({ name: m.name, chunks: { ...m.chunks }, loops: { ...m.loops } })),
    ms,
  };
}

/** The plan of `query` on `adapter` (the small-device profile without one), or its PlanError. */
export function planForQuery(query: PlanQuery, adapter: AdapterSummary | undefined): PlanOutcome {
  const t0 = performance.now();
  const { model, approximate } = planModelFor(query);
  const device: DeviceProfile = adapter ? profileFromAdapter(adapter) : SMALL_DEVICE;
  try {
    const plan = buildPlan({
      model,
      sizes: { nRes: query.nRes, nSeq: query.nSeq, nExtra: query.nExtra, nTempl: 0 },
      device,
      precision: query.precision,
    });
    return summarize(plan, approximate, performance.now() - t0);
  } catch (err) {
    if (err instanceof PlanError) {
      return {
        ok: false,
        model: model.name,
        message: err.message,
        stage: err.stage,
        needed: err.needed,
        limit: err.limit,
        limitName: err.limitName,
      };
    }
    return { ok: false, model: model.name, message: err instanceof Error ? err.message : String(err) };
  }
}
