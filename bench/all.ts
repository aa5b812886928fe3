/**
 * `npm run bench`: the matmul benchmark, then the Evoformer benchmark, each as a subprocess (so
 * each gets its own device and a crash in one does not lose the other). Prints ONE JSON object
 * { matmul, evoformer } to stdout; each bench also writes its own bench/results/<adapter>-*.json.
 *
 * usage: node --import ./scripts/register.mjs bench/all.ts [--quick]
 *          [--matmul "ARGS"] [--evoformer "ARGS"]
 *   --quick          small sizes for software drivers: matmul --quick, evoformer
 *                    --lengths 16,32 --msa 16 --extra 16 --runs 3
 *   --matmul ARGS    extra arguments for bench/matmul.ts (space-separated)
 *   --evoformer ARGS extra arguments for bench/evoformer.ts (space-separated)
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

function parseArgs(argv: string[]): { matmul: string[]; evoformer: string[] } {
  const o = { matmul: [] as string[], evoformer: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') {
      o.matmul.push('--quick');
      o.evoformer.push('--lengths', '16,32', '--msa', '16', '--extra', '16', '--runs', '3');
    } else if (a === '--matmul' || a === '--evoformer') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value`);
      o[a === '--matmul' ? 'matmul' : 'evoformer'].push(...v.split(/\s+/).filter(Boolean));
    } else throw new Error(`bench: unknown argument '${a}' (--quick, --matmul "ARGS", --evoformer "ARGS")`);
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

let opts: { matmul: string[]; evoformer: string[] };
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const matmul = run('matmul.ts', opts.matmul);
const evoformer = run('evoformer.ts', opts.evoformer);
console.log(JSON.stringify({ benchmark: 'all', matmul, evoformer }, null, 2));
const failed = [matmul, evoformer].some((r) => typeof r === 'object' && r !== null && 'error' in r);
process.exitCode = failed ? 1 : 0;
