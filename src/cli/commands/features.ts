/**
 * `webfold features INPUT [--a3m FILE] [--msa-sampling af2|none] [--clusters N] [--extra N]
 *  [--seed S] --out features.npz` — the AF2 monomer feature dict of one input, as .npz with the
 * keys, dtypes and shapes of the golden `inputs.npz` (first recycling iteration's sample).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildFeatures } from '../../model/features/build-features.ts';
import { FeatureInputError } from '../../model/features/errors.ts';
import { defaultCounts, rawFeaturesFromInputs } from '../../model/features/input.ts';
import type { MsaSampling } from '../../model/features/msa-sampling.ts';
import { encodeNpz } from '../../model/params/npz-write.ts';

export const summary = 'build AF2 input features (.npz) from a FASTA or A3M file';

export const usage = `usage: webfold features INPUT [--a3m FILE] [--msa-sampling af2|none] [--clusters N]
                        [--extra N] [--seed S] --out features.npz

INPUT is a FASTA file (one sequence) or an .a3m alignment (first row = query).
  --a3m FILE          MSA for a FASTA query (its first row should be the query)
  --msa-sampling M    af2 (default): shuffle, cluster, BERT-mask 15%, seeded;
                      none: first N rows are the clusters, no masking (reproducible)
  --clusters N        cluster rows S in msa_feat (default min(512, MSA rows)); padded if fewer
  --extra N           extra-MSA rows E (default min(1024, rows left), at least 1); padded if fewer
  --seed S            sampling seed (default 0)
  --out FILE          where to write the .npz (required)`;

interface Args {
  input: string;
  a3m?: string;
  sampling: MsaSampling;
  clusters?: number;
  extra?: number;
  seed: number;
  out: string;
}

function parseCount(flag: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) {
    throw new FeatureInputError(`${flag} expects an integer ≥ ${min}, got '${v}'`);
  }
  return Number(v);
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  const known = ['--a3m', '--msa-sampling', '--clusters', '--extra', '--seed', '--out'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const flag = eq >= 0 ? a.slice(0, eq) : a;
      if (!known.includes(flag)) throw new FeatureInputError(`unknown option '${flag}'\n\n${usage}`);
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new FeatureInputError(`option ${flag} needs a value`);
      opts[flag] = value;
    } else positional.push(a);
  }
  if (positional.length !== 1) {
    throw new FeatureInputError(
      `expected exactly one INPUT file, got ${positional.length ? positional.join(' ') : 'none'}\n\n${usage}`,
    );
  }
  if (!opts['--out']) throw new FeatureInputError(`--out FILE is required\n\n${usage}`);
  const sampling = opts['--msa-sampling'] ?? 'af2';
  if (sampling !== 'af2' && sampling !== 'none') {
    throw new FeatureInputError(`--msa-sampling must be 'af2' or 'none', got '${sampling}'`);
  }
  return {
    input: positional[0],
    a3m: opts['--a3m'],
    sampling,
    clusters: opts['--clusters'] !== undefined ? parseCount('--clusters', opts['--clusters'], 1) : undefined,
    extra: opts['--extra'] !== undefined ? parseCount('--extra', opts['--extra'], 0) : undefined,
    seed: opts['--seed'] !== undefined ? parseCount('--seed', opts['--seed'], 0) : 0,
    out: opts['--out'],
  };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new FeatureInputError(`cannot read ${what} '${path}': ${(err as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const isA3m = /\.a3m$/i.test(args.input);
  if (isA3m && args.a3m) throw new FeatureInputError('INPUT is already an .a3m; do not also pass --a3m');
  const text = await readText(args.input, isA3m ? 'A3M' : 'FASTA');
  const a3m = isA3m ? text : args.a3m ? await readText(args.a3m, 'A3M') : undefined;
  const raw = rawFeaturesFromInputs(isA3m ? { a3m } : { fasta: text, a3m });
  const { clusters, extra } = defaultCounts(raw, args.clusters, args.extra);
  const features = buildFeatures(raw, { clusters, extra, msaSampling: args.sampling, seed: args.seed });
  await writeFile(args.out, encodeNpz(features));
  console.log(
    `wrote ${args.out}: N_res=${raw.numRes}, MSA rows=${raw.numSeq} (after de-duplication), ` +
      `clusters=${clusters}, extra=${extra}, sampling=${args.sampling}` +
      (args.sampling === 'af2' ? `, seed=${args.seed}` : ''),
  );
  return 0;
}
