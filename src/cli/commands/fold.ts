/**
 * `webfold fold INPUT --params FILE [--a3m FILE] [--model-name N] [--recycles R] [--seed S]
 *  [--msa-sampling af2|none] [--backend cpu] --out DIR` — one AlphaFold2 monomer prediction:
 * features from a FASTA or A3M, parameters from an AF2 .npz (or a params .tar with --model-name),
 * the forward pass on the chosen backend, and DIR/<name>.pdb, <name>.cif, <name>_pae.json (AFDB
 * layout) and <name>_scores.json. Progress goes to stderr (a bar on a terminal, one line per
 * stage otherwise).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FeatureInputError } from '../../model/features/errors.ts';
import type { ForwardProgress } from '../../model/golden/types.ts';

export const summary = 'predict a structure (PDB, mmCIF, PAE JSON, scores JSON) from a FASTA or A3M';

export const usage = `usage: webfold fold INPUT --params FILE --out DIR [--a3m FILE] [--model-name N] [--recycles R]
                    [--seed S] [--msa-sampling af2|none] [--backend cpu]

INPUT is a FASTA file (one sequence) or an .a3m alignment (first row = query).
  --params FILE       AF2 parameters: params_model_N[_ptm].npz, or an AlphaFold params .tar
  --model-name N      model to take from a .tar (e.g. model_1_ptm); also names the model in the
                      outputs (default: from the file name)
  --a3m FILE          MSA for a FASTA query (its first row should be the query)
  --recycles R        recycling iterations (AF2 num_recycle; default 3: the model runs R + 1 passes)
  --seed S            MSA sampling seed (default 0)
  --msa-sampling M    af2 (default: shuffle, cluster, BERT-mask 15%, seeded) or none (reproducible)
  --backend B         cpu (default for now: the TypeScript reference, slow on long inputs);
                      webgpu will become the default once the GPU engine lands (not implemented yet)
  --out DIR           output directory (created if missing)

Writes DIR/<name>.pdb, DIR/<name>.cif, DIR/<name>_pae.json (needs a _ptm model) and
DIR/<name>_scores.json, where <name> is INPUT's file name without its extension.`;

// ---------------------------------------------------------------------------------------------
// Progress on stderr (shared with check-golden)
// ---------------------------------------------------------------------------------------------

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporter {
  update(p: ForwardProgress, label?: string): void;
  /** a line of its own (clears a bar first) */
  note(text: string): void;
  done(): void;
}

function progressLine(p: ForwardProgress, label?: string): string {
  const parts = [`${label ? `${label}: ` : ''}iteration ${p.recycle + 1}/${p.numRecycles + 1}`, p.stage];
  if (p.blocks !== undefined && p.block !== undefined) parts.push(`block ${p.block}/${p.blocks}`);
  return parts.join(' · ');
}

/** Fraction done: iterations 0..numRecycles, blocks within the current stage. */
function fraction(p: ForwardProgress): number {
  const iterations = p.numRecycles + 1;
  const inStage = p.blocks ? Math.min(1, (p.block ?? 0) / p.blocks) : 0;
  return Math.max(0, Math.min(1, (p.recycle + inStage) / iterations));
}

export function progressReporter(stream: ProgressStream, now: () => number = Date.now): ProgressReporter {
  const tty = !!stream.isTTY;
  let lastStage = '';
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(p, label) {
      const stageKey = `${label ?? ''}|${p.recycle}|${p.stage}`;
      const newStage = stageKey !== lastStage;
      lastStage = stageKey;
      if (!tty) {
        if (newStage) stream.write(`${progressLine({ ...p, block: undefined, blocks: undefined }, label)}\n`);
        return;
      }
      const t = now();
      if (!newStage && t - lastDraw < 100) return;
      lastDraw = t;
      const width = 24;
      const filled = Math.round(fraction(p) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressLine(p, label)}`;
      const cols = stream.columns ?? 100;
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, cols - 1))}`);
      drawn = true;
    },
    note(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

export async function run(_argv: string[]): Promise<number> {
  void mkdir;
  void readFile;
  void writeFile;
  void basename;
  void join;
  throw new FeatureInputError('webfold fold: not wired up yet');
}
