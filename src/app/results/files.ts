/**
 * What the Downloads panel offers, as named text files: the same writers and the same names as
 * `webfold fold` (src/cli/commands/fold.ts), so a browser run and a CLI run give identical files.
 * Also the zip of all of them (fflate, no compression of already tiny files is worth avoiding).
 */
import { strToU8, zipSync } from 'fflate';
import { recycleScores, toMmcif, toPaeJson, toPdb, toScoresJson } from '../../model/output/index.ts';
import { type AnyPrediction, isEnginePrediction } from './summary.ts';

export type ResultFileKind = 'pdb' | 'mmcif' | 'pae' | 'scores' | 'a3m';

export interface ResultFile {
  kind: ResultFileKind;
  /** file name, e.g. `T1024.pdb` */
  name: string;
  /** what the button says */
  label: string;
  /** one line on what is in it */
  detail: string;
  mime: string;
  /** built on demand: the PAE JSON of a long protein is megabytes */
  content: () => string;
}

export interface ResultFileOptions {
  name: string;
  a3m?: string;
  seed?: number;
  modelName?: string;
  /** storage precision of the activations, recorded in the scores JSON's `extra` */
  precision?: 'f32' | 'f16';
}

/** A file-name stem that is also a valid mmCIF entry id: letters, digits, - _ . only. */
export function safeStem(name: string): string {
  const stem = name
    .trim()
    .replace(/\.(fasta|fa|a3m|pdb|cif)$/i, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[._]+|_+$/g, '');
  return stem || 'prediction';
}

/** Run timings as the scores JSON carries them (`model_<stage>` and `total`, whole ms). */
export function scoreTimings(p: AnyPrediction): Record<string, number> {
  const timings: Record<string, number> = {};
  if (!isEnginePrediction(p)) return timings;
  for (const t of p.timings) timings[`model_${t.stage}`] = Math.round(t.ms);
  timings.total = Math.round(p.totalMs);
  return timings;
}

export function resultFiles(p: AnyPrediction, options: ResultFileOptions): ResultFile[] {
  const stem = safeStem(options.name);
  const modelName = options.modelName ?? 'model';
  const files: ResultFile[] = [
    {
      kind: 'pdb',
      name: `${stem}.pdb`,
      label: 'PDB',
      detail: 'pLDDT in the B-factor column',
      mime: 'chemical/x-pdb',
      content: () => toPdb(p, { model: 1 }),
    },
    {
      kind: 'mmcif',
      name: `${stem}.cif`,
      label: 'mmCIF',
      detail: 'ModelCIF with pLDDT (and pTM) metrics',
      mime: 'chemical/x-mmcif',
      content: () => toMmcif(p, { entryId: stem, modelName: options.modelName }),
    },
  ];
  const pae = p.pae;
  if (pae) {
    files.push({
      kind: 'pae',
      name: `${stem}_pae.json`,
      label: 'PAE JSON',
      detail: 'AlphaFold DB layout',
      mime: 'application/json',
      content: () => toPaeJson(pae, p.plddt.length, { maxPae: p.maxPae }),
    });
  }
  files.push({
    kind: 'scores',
    name: `${stem}_scores.json`,
    label: 'Scores JSON',
    detail: 'pLDDT, pTM, max PAE, per-recycle pLDDT and pTM, run settings, timings',
    mime: 'application/json',
    content: () =>
      toScoresJson(p, {
        modelName,
        seed: options.seed ?? null,
        recycles: isEnginePrediction(p) ? p.iterations - 1 : 0,
        timings: scoreTimings(p),
        ...(isEnginePrediction(p)
          ? {
              extra: {
                engine: p.engine,
                ...(options.precision ? { precision: options.precision } : {}),
                per_recycle: recycleScores(p.recycles),
              },
            }
          : {}),
      }),
  });
  const a3m = options.a3m;
  if (a3m !== undefined && a3m.length > 0) {
    files.push({
      kind: 'a3m',
      name: `${stem}.a3m`,
      label: 'A3M',
      detail: 'the MSA this fold used',
      mime: 'text/plain',
      content: () => a3m,
    });
  }
  return files;
}

/** All files in one zip (stored under the stem as a folder, like ColabFold's result zips). */
export function zipResultFiles(files: readonly ResultFile[], stem: string): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[`${stem}/${f.name}`] = strToU8(f.content());
  return zipSync(entries, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}

/** Saves bytes or text under `fileName` through a temporary link; the object URL is revoked. */
export function saveFile(data: string | Uint8Array, fileName: string, mime: string): void {
  const part: BlobPart = typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>);
  const url = URL.createObjectURL(new Blob([part], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download has started from the click; revoke a moment later (Firefox needs the URL briefly).
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
