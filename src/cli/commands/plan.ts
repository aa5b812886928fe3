/**
 * `webfold plan --length L [--msa S] [--extra E] [--templates T] [--params FILE [--model-name N] |
 * --dims full|golden] [--precision f32|f16] [--budget BYTES] [--max-binding BYTES]
 * [--adapter FILE.json] [--devices P] [--engine]`: the ExecutionPlan of a fold as JSON, without a
 * GPU; with --engine also the WebGPU engine's own peak, from a dry run of the fold.
 * Exit 0 with the plan; 1 with the PlanError (as JSON on stdout, message on stderr); 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { formatBytes } from '../../engine/plan/errors.ts';
import {
  buildPlan,
  type DeviceProfile,
  PlanError,
  type PlanModel,
  planModelFromParams,
  planModelFromPreset,
  planToJson,
  profileFromJson,
  SMALL_DEVICE,
} from '../../engine/plan/index.ts';
import { WebGpuEngine } from '../../engine/webgpu-engine.ts';
import { dryRunContext } from '../../gpu/dry-run.ts';
import { syntheticFeatures } from '../../model/features/synthetic.ts';
import type { NdArray } from '../../model/ndarray.ts';
import { inspectParams, loadParams } from '../../model/params/load.ts';
import { PRESETS, presetLayout } from '../../model/params/presets.ts';
import { randomParams } from '../../model/params/random-params.ts';
import { buildSchema } from '../../model/params/schema.ts';
import { fileSource } from '../../model/params/source-node.ts';

export const summary = 'print the execution plan (chunk sizes, buffers, predicted peak memory) as JSON';

export const usage = `usage: webfold plan --length L [--msa S] [--extra E] [--templates T]
                   [--params FILE [--model-name N] | --dims full|golden]
                   [--precision f32|f16] [--budget BYTES] [--max-binding BYTES] [--adapter FILE.json]
                   [--devices P] [--engine]

  --length L          N_res
  --msa S             MSA cluster rows N_seq (default 512, AF2's max_msa_clusters)
  --extra E           extra MSA rows N_extra (default 1024, AF2's max_extra_msa)
  --templates T       templates N_templ (default 0)
  --params FILE       plan for the model in FILE (.npz, or a params .tar with --model-name N)
  --dims full|golden  plan for model_1_ptm sizes (default full) or the golden test sizes
  --precision P       f32 (default) or f16 storage (f32 accumulation); f16 needs shader-f16
  --budget BYTES      device memory the fold may use; the plan shrinks chunks to fit, or fails
  --max-binding BYTES cap on every buffer and binding (below the device's own limit)
  --adapter FILE      plan for an adapter: 'webfold doctor --json' output or an AdapterSummary;
                      default: the small-device profile (WebGPU default limits: 128 MiB bindings)
  --devices P         split the fold over P ranks (Dynamic Axial Parallelism): the peak is then
                      each rank's, and "dap" gives the partition and the bytes exchanged per block
  --engine            also run today's WebGPU engine on a dry-run device (the adapter's limits and
                      features, nothing allocated) with random weights of the model's shapes (or
                      FILE's weights) and random sequences of these sizes: "engine" gives its exact
                      peak, or the PlanError it refuses the fold with (no templates)
BYTES accepts a K, M or G suffix (powers of 1024), e.g. 1.5G.

Prints the plan as JSON. A fold that cannot fit exits 1 and names the stage, the need and the limit.`;

/** `1536`, `64M`, `1.5G`, `2GiB` → bytes. */
export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new RangeError(`not a byte count: ${text}`);
  const exp = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * 1024 ** exp);
}

function parseCount(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new RangeError(`${flag} needs an integer ≥ ${min} (got ${text ?? 'nothing'})`);
  }
  return n;
}

interface Args {
  length?: number;
  msa: number;
  extra: number;
  templates: number;
  params?: string;
  model?: string;
  dims: 'full' | 'golden';
  precision: 'f32' | 'f16';
  budget?: number;
  maxBinding?: number;
  adapter?: string;
  devices: number;
  engine: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    msa: 512,
    extra: 1024,
    templates: 0,
    dims: 'full',
    precision: 'f32',
    devices: 1,
    engine: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--length') a.length = parseCount(flag, value(), 1);
    else if (flag === '--msa') a.msa = parseCount(flag, value(), 1);
    else if (flag === '--extra') a.extra = parseCount(flag, value(), 0);
    else if (flag === '--templates') a.templates = parseCount(flag, value(), 0);
    else if (flag === '--params') a.params = value();
    else if (flag === '--model-name') a.model = value();
    else if (flag === '--dims') {
      const v = value();
      if (v !== 'full' && v !== 'golden') throw new RangeError(`--dims must be full or golden (got ${v})`);
      a.dims = v;
    } else if (flag === '--precision') {
      const v = value();
      if (v !== 'f32' && v !== 'f16') throw new RangeError(`--precision must be f32 or f16 (got ${v})`);
      a.precision = v;
    } else if (flag === '--budget') a.budget = parseBytes(value());
    else if (flag === '--max-binding') a.maxBinding = parseBytes(value());
    else if (flag === '--adapter') a.adapter = value();
    else if (flag === '--devices') a.devices = parseCount(flag, value(), 1);
    else if (flag === '--engine') a.engine = true;
    else throw new RangeError(`unknown argument ${flag}`);
  }
  if (a.length === undefined) throw new RangeError('--length L is required');
  if (a.engine && a.templates > 0) throw new RangeError('--engine predicts folds without templates');
  return a;
}

/** The engine's own peak for these sizes, from a dry run (or the PlanError it refuses with). */
async function enginePrediction(a: Args, device: DeviceProfile): Promise<Record<string, unknown>> {
  const arrays: Record<string, NdArray> = {};
  if (a.params) {
    const source = await fileSource(a.params);
    try {
      for (const [k, v] of (await loadParams(source, { model: a.model })).arrays) arrays[k] = v;
    } finally {
      await source.close?.();
    }
  } else {
    for (const [k, v] of randomParams(buildSchema(presetLayout()), PRESETS[a.dims], 1)) arrays[k] = v;
  }
  const ctx = dryRunContext({ limits: device.limits, features: device.features });
  const engine = new WebGpuEngine({ acquire: async () => ctx });
  const input = {
    features: syntheticFeatures(a.length as number, a.msa, a.extra),
    params: { name: a.params ?? a.dims, arrays },
    options: { numRecycles: 0, precision: a.precision },
  };
  try {
    const m = await engine.predictMemory(input);
    return { peakBytes: m.peakBytes, peak: formatBytes(m.peakBytes), allocations: m.allocations };
  } catch (err) {
    if (err instanceof PlanError) return err.toJSON();
    throw err;
  }
}

async function loadModel(a: Args): Promise<PlanModel> {
  if (!a.params) return planModelFromPreset(a.dims);
  const source = await fileSource(a.params);
  try {
    const v = await inspectParams(source, { model: a.model });
    return planModelFromParams(v, v.source.name);
  } finally {
    await source.close?.();
  }
}

async function loadDevice(a: Args): Promise<DeviceProfile> {
  if (!a.adapter) return SMALL_DEVICE;
  return profileFromJson(JSON.parse(await readFile(a.adapter, 'utf8')), a.adapter);
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error(`webfold plan: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const model = await loadModel(args);
  const device = await loadDevice(args);
  try {
    const plan = buildPlan({
      model,
      sizes: { nRes: args.length as number, nSeq: args.msa, nExtra: args.extra, nTempl: args.templates },
      device,
      precision: args.precision,
      budgetBytes: args.budget,
      maxBindingBytes: args.maxBinding,
      devices: args.devices,
    });
    const json: Record<string, unknown> = planToJson(plan);
    if (args.engine) json.engine = await enginePrediction(args, device);
    console.log(JSON.stringify(json, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof PlanError) {
      const json: Record<string, unknown> = err.toJSON();
      if (args.engine) json.engine = await enginePrediction(args, device);
      console.log(JSON.stringify(json, null, 2));
      console.error(`webfold plan: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
