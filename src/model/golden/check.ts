/**
 * The golden check: features, modules and the full model of one golden set against one
 * backend, as rows. `passed` only when every row passed and there is at least one row.
 */
import { checkFeatures } from './features-check.ts';
import type { GoldenSet } from './golden-set.ts';
import { checkModel } from './model-check.ts';
import { checkModules } from './modules-check.ts';
import {
  type CheckRow,
  type ForwardProgress,
  GOLDEN_SECTIONS,
  type GoldenBackend,
  type GoldenSection,
  type Precision,
} from './types.ts';

export interface GoldenCheckOptions {
  backend: GoldenBackend;
  /** also check the template features and the template run */
  templates?: boolean;
  /** sections to run (default: all) */
  only?: readonly GoldenSection[];
  /** storage precision of the model run (default f32; f16 with the f16 tolerances) */
  precision?: Precision;
  onSection?: (section: GoldenSection) => void;
  onProgress?: (run: string, p: ForwardProgress) => void;
  signal?: AbortSignal;
}

export interface GoldenCheckResult {
  backend: string;
  precision: Precision;
  set: string;
  templates: boolean;
  sections: GoldenSection[];
  rows: CheckRow[];
  passed: boolean;
  failed: number;
}

export async function runGoldenCheck(set: GoldenSet, opts: GoldenCheckOptions): Promise<GoldenCheckResult> {
  const sections = GOLDEN_SECTIONS.filter((s) => !opts.only || opts.only.includes(s));
  const rows: CheckRow[] = [];
  for (const section of sections) {
    opts.signal?.throwIfAborted();
    opts.onSection?.(section);
    if (section === 'features') rows.push(...(await checkFeatures(set, { templates: opts.templates })));
    if (section === 'modules') rows.push(...(await checkModules(set, opts.backend)));
    if (section === 'model') {
      rows.push(
        ...(await checkModel(set, opts.backend, {
          templates: opts.templates,
          precision: opts.precision,
          onProgress: opts.onProgress,
          signal: opts.signal,
        })),
      );
    }
  }
  const failed = rows.filter((r) => !r.passed).length;
  return {
    backend: opts.backend.name,
    precision: opts.precision ?? 'f32',
    set: set.name,
    templates: !!opts.templates,
    sections,
    rows,
    passed: rows.length > 0 && failed === 0,
    failed,
  };
}
