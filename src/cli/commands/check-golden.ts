/**
 * `webfold check-golden DIR [--backend cpu|webgpu] [--templates] [--only features|modules|model] [--json]`
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
import { GOLDEN_SECTIONS, type GoldenSection } from '../../model/golden/types.ts';
import { progressReporter } from './fold.ts';

export const summary = 'check features, modules and the full model against a golden set';

export const usage = `usage: webfold check-golden DIR [--backend cpu|webgpu] [--templates] [--only SECTION[,SECTION]] [--json]

DIR is a golden set (params.npz, query.a3m, inputs*.npz, outputs*.npz, modules/*.npz +
modules/index.json); sizes, heads, blocks and recycles are all read from the data.
  --backend B     cpu (default; the TypeScript reference) or webgpu (the GPU engine: every
                  module pair and the full model on the GPU)
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
  templates: boolean;
  only?: GoldenSection[];
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  let backend = 'cpu';
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
    else if (flag === '--templates') templates = true;
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
  return { dir: positional[0], backend, templates, only, json };
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
  let backend: ReturnType<typeof resolveBackend>;
  try {
    backend = resolveBackend(args.backend);
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
