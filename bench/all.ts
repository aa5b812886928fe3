/**
 * `npm run bench`: the matmul benchmark, the Evoformer benchmark, then the DAP benchmark, each as
 * a subprocess (so each gets its own devices and a crash in one does not lose the others). Prints
 * ONE JSON object { matmul, evoformer, dap } to stdout; each bench also writes its own
 * bench/results/<adapter>-*.json.
 *
 * usage: node --import ./scripts/register.mjs bench/all.ts [--quick]
 *          [--matmul "ARGS"] [--evoformer "ARGS"] [--dap "ARGS"]
 *   --quick          small sizes for software drivers: matmul --quick, evoformer
 *                    --lengths 16,32 --msa 16 --extra 16 --runs 3, dap --length 32
 *   --matmul ARGS    extra arguments for bench/matmul.ts (space-separated)
 *   --evoformer ARGS extra arguments for bench/evoformer.ts (space-separated)
 *   --dap ARGS       extra arguments for bench/dap.ts (space-separated)
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

type Bench = 'matmul' | 'evoformer' | 'dap';

function parseArgs(argv: string[]): Record<Bench, string[]> {
  const o: Record<Bench, string[]> = { matmul: [], evoformer: [], dap: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') {
      o.matmul.push('--quick');
      o.evoformer.push('--lengths', '16,32', '--msa', '16', '--extra', '16', '--runs', '3');
      o.dap.push('--length', '32');
    } else if (a === '--matmul' || a === '--evoformer' || a === '--dap') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value`);
      o[a.slice(2) as Bench].push(...v.split(/\s+/).filter(Boolean));
    } else
      throw new Error(
        `bench: unknown argument '${a}' (--quick, --matmul "ARGS", --evoformer "ARGS", --dap "ARGS")`,
      );
  }
  return o;
}

function run(script: string, args: string[]): unknown {
  const argv = ['--import', './scripts/register.mjs', join('bench', script), ...args];
  process.stderr.write(`bench: node ${argv.join(' ')}\n`);
  const r = spawnSync(process.execPath, argv, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) return { error: `${script} exited with ${r.status ?? r.signal}` };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { error: `${script} printed no JSON`, stdout: r.stdout.slice(-2000) };
  }
}

let opts: Record<Bench, string[]>;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const matmul = run('matmul.ts', opts.matmul);
const evoformer = run('evoformer.ts', opts.evoformer);
const dap = run('dap.ts', opts.dap);
console.log(JSON.stringify({ benchmark: 'all', matmul, evoformer, dap }, null, 2));
const failed = [matmul, evoformer, dap].some((r) => typeof r === 'object' && r !== null && 'error' in r);
process.exitCode = failed ? 1 : 0;
