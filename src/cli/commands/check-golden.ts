/**
 * `webfold check-golden DIR [--backend cpu|webgpu] [--precision f32|f16] [--devices P] [--templates] [--only …] [--json]`
 * — qualifies an implementation against a golden set (the format of shared/golden): (a) the
 * features built from DIR/query.a3m, (b) every per-module pair in DIR/modules/index.json,
 * (c) the full model stage by stage for every recycle and the final outputs. Prints one row per
 * compared array with its max error and tolerance (DESIGN.md "Numerics"), then a summary.
 * Exit 0 only if every row passes.
 */
import { stat } from 'node:fs/promises';
import { BackendUnavailableError, resolveBackend } from '../../model/golden/backends.ts';
import { runGoldenCheck } from '../../model/golden/check.ts';
import { formatSummary, formatTable } from '../../model/golden/format.ts';
import { loadGoldenDir } from '../../model/golden/loader-node.ts';
import {
  GOLDEN_SECTIONS,
  type GoldenBackend,
  type GoldenSection,
  type Precision,
} from '../../model/golden/types.ts';
import { progressReporter } from './fold.ts';

export const summary = 'check features, modules and the full model against a golden set';

export const usage = `usage: webfold check-golden DIR [--backend cpu|webgpu] [--precision f32|f16] [--devices P]
                            [--templates] [--only SECTION[,SECTION]] [--json]

DIR is a golden set (params.npz, query.a3m, inputs*.npz, outputs*.npz, modules/*.npz +
modules/index.json); sizes, heads, blocks and recycles are all read from the data.
  --backend B     cpu (default; the TypeScript reference) or webgpu (the GPU engine: every
                  module pair and the full model on the GPU)
  --precision P   f32 (default) or f16: the model run stores its activations in f16
                  (webgpu with shader-f16 only); end to end <= 0.05 A atoms, <= 0.5 pLDDT,
                  <= 5e-3 pTM, stages <= 2e-2 x max |value|; modules stay f32
  --devices P     webgpu: the model run splits its Evoformer and extra-MSA stacks over P GPU
                  devices in this process (DAP), with the same tolerances as one device
  --templates     also check the template features and the template run
                  (inputs_templates.npz -> outputs_templates.npz)
  --only S        features, modules or model (comma-separated for several; default all)
  --json          print the result (rows and verdict) as one JSON object instead of a table

Tolerances (DESIGN.md): features ints exact, floats <= 1e-6; modules and model stages
<= 1e-4 x the stage's max |value|; end to end <= 1e-3 A atom positions, <= 1e-2 pLDDT,
<= 1e-4 pTM. Exit status: 0 if every row passes, 1 if any fails, 2 on bad usage.`;

class UsageError extends Error {}

interface Args {
  dir: string;
  backend: string;
  precision: Precision;
  devices: number;
  templates: boolean;
  only?: GoldenSection[];
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let backend = 'cpu';
  let precision: Precision = 'f32';
  let devices = 1;
  let templates = false;
  let json = false;
  let only: GoldenSection[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    if (flag === '--backend') backend = value();
    else if (flag === '--precision') {
      const p = value();
      if (p !== 'f32' && p !== 'f16') throw new UsageError(`--precision takes f32 or f16 (got '${p}')`);
      precision = p;
    } else if (flag === '--devices') {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--devices takes an integer >= 1 (got '${v}')`);
      devices = Number(v);
    } else if (flag === '--templates') templates = true;
    else if (flag === '--json') json = true;
    else if (flag === '--only') {
      only = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean) as GoldenSection[];
      const bad = only.filter((s) => !GOLDEN_SECTIONS.includes(s));
      if (bad.length || only.length === 0) {
        throw new UsageError(
          `--only takes ${GOLDEN_SECTIONS.join(', ')} (got '${bad.join(',') || 'nothing'}')`,
        );
      }
    } else if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}'`);
    else positional.push(a);
  }
  if (positional.length !== 1) {
    throw new UsageError(
      `expected exactly one golden DIR, got ${positional.length ? positional.join(' ') : 'none'}`,
    );
  }
  if (precision === 'f16' && backend !== 'webgpu') {
    throw new UsageError('--precision f16 needs --backend webgpu (the CPU reference is f32 only)');
  }
  if (devices > 1 && backend !== 'webgpu') {
    throw new UsageError('--devices needs --backend webgpu (the ranks are GPU devices)');
  }
  return { dir: positional[0], backend, precision, devices, templates, only, json };
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`webfold check-golden: ${err.message}\n\n${usage}`);
    return 2;
  }
  let backend: GoldenBackend;
  try {
    backend =
      args.devices > 1
        ? (await import('../../engine/webgpu-engine-golden.ts')).createWebGpuGoldenBackend(args.devices)
        : resolveBackend(args.backend);
  } catch (err) {
    if (!(err instanceof BackendUnavailableError)) throw err;
    console.error(`webfold check-golden: ${err.message}`);
    return 2;
  }
  const isDir = await stat(args.dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    console.error(`webfold check-golden: '${args.dir}' is not a directory (expected a golden set)`);
    return 2;
  }
  const progress = progressReporter(process.stderr);
  const result = await runGoldenCheck(loadGoldenDir(args.dir), {
    backend,
    precision: args.precision,
    templates: args.templates,
    only: args.only,
    onSection: (s) => progress.note(`checking ${s}…`),
    onProgress: (runLabel, p) => progress.update(p, runLabel),
  });
  progress.done();
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(formatTable(result));
    console.log('');
    console.log(formatSummary(result));
  }
  return result.passed ? 0 : 1;
}
