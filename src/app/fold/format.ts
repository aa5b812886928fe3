/** Formatting shared by the input, parameters and jobs panels. */
import type { FoldProgressEvent } from '../../worker/fold-api.ts';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 90) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const STAGE_NAMES: Record<FoldProgressEvent['stage'], string> = {
  features: 'building features',
  params: 'loading parameters',
  joining: 'waiting for the invited tab to join',
  input_embedding: 'input embedding',
  recycling: 'recycling embedder',
  template_embedding: 'template embedding',
  extra_msa_stack: 'extra-MSA stack',
  evoformer: 'Evoformer',
  structure_module: 'structure module',
  heads: 'confidence heads',
  done: 'done',
};

/** e.g. 'recycle 2 of 4 · Evoformer block 12 of 48' */
export function describeProgress(p: FoldProgressEvent): string {
  const parts: string[] = [];
  if (p.stage !== 'params' && p.stage !== 'features' && p.stage !== 'joining')
    parts.push(`iteration ${p.recycle + 1} of ${p.numRecycles + 1}`);
  let stage = STAGE_NAMES[p.stage] ?? p.stage;
  if (p.blocks !== undefined && p.block !== undefined) stage += ` block ${p.block} of ${p.blocks}`;
  parts.push(stage);
  return parts.join(' · ');
}
