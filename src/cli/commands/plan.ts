/**
 * `webfold plan --length L [--msa S] [--extra E] [--templates T] [--params FILE [--model-name N] |
 * --dims full|golden] [--precision f32|f16] [--budget BYTES] [--max-binding BYTES]
 * [--adapter FILE.json] [--devices P]`: the ExecutionPlan of a fold as JSON, without a GPU.
 * Exit 0 with the plan; 1 with the PlanError (as JSON on stdout, message on stderr); 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
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
import { inspectParams } from '../../model/params/load.ts';
import { fileSource } from '../../model/params/source-node.ts';

export const summary = 'print the execution plan (chunk sizes, buffers, predicted peak memory) as JSON';

export const usage = `usage: webfold plan --length L [--msa S] [--extra E] [--templates T]
                   [--params FILE [--model-name N] | --dims full|golden]
                   [--precision f32|f16] [--budget BYTES] [--max-binding BYTES] [--adapter FILE.json]
                   [--devices P]

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
}

function parseArgs(argv: string[]): Args {
  const a: Args = { msa: 512, extra: 1024, templates: 0, dims: 'full', precision: 'f32', devices: 1 };
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
    else throw new RangeError(`unknown argument ${flag}`);
  }
  if (a.length === undefined) throw new RangeError('--length L is required');
  return a;
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
    console.log(JSON.stringify(planToJson(plan), null, 2));
    return 0;
  } catch (err) {
    if (err instanceof PlanError) {
      console.log(JSON.stringify(err.toJSON(), null, 2));
      console.error(`webfold plan: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
