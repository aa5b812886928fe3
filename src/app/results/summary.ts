/** Numbers the summary shows, from either a bare `Prediction` or an `EnginePrediction`. */
import type { EnginePrediction, FoldStage, RecycleMetrics, StageTiming } from '../../model/engine.ts';
import { resnames } from '../../model/features/residue-constants.ts';
import type { Prediction } from '../../model/output/types.ts';

export type AnyPrediction = EnginePrediction | Prediction;

export function isEnginePrediction(p: AnyPrediction): p is EnginePrediction {
  return 'recycles' in p && Array.isArray((p as EnginePrediction).recycles);
}

export function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : Number.NaN;
}

export function maxOf(a: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return a.length ? m : Number.NaN;
}

export interface ResultSummary {
  nRes: number;
  meanPlddt: number;
  ptm?: number;
  /** largest PAE value predicted (Å) */
  maxPaeValue?: number;
  /** upper end of the PAE range (AF2: 31.75 Å) */
  paeRange?: number;
  recycles: RecycleMetrics[];
  timings: StageTiming[];
  totalMs?: number;
  engine?: string;
}

export function summarize(p: AnyPrediction): ResultSummary {
  const engine = isEnginePrediction(p) ? p : undefined;
  return {
    nRes: p.plddt.length,
    meanPlddt: engine?.meanPlddt ?? meanOf(p.plddt),
    ptm: p.ptm,
    maxPaeValue: p.pae ? maxOf(p.pae) : undefined,
    paeRange: p.pae ? (p.maxPae ?? 31.75) : undefined,
    recycles: engine?.recycles ?? [],
    timings: engine?.timings ?? [],
    totalMs: engine?.totalMs,
    engine: engine?.engine,
  };
}

const STAGE_LABELS: Record<FoldStage, string> = {
  input_embedding: 'Input embedding',
  recycling: 'Recycling embedder',
  template_embedding: 'Template embedding',
  extra_msa_stack: 'Extra MSA stack',
  evoformer: 'Evoformer',
  structure_module: 'Structure module',
  heads: 'Confidence heads',
  done: 'Finishing',
};

export function stageLabel(stage: FoldStage): string {
  return STAGE_LABELS[stage] ?? stage;
}

/** "850 ms", "12.3 s", "4 min 05 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Three-letter residue name of residue i ('UNK' beyond the 20 standard ones). */
export function residueName(p: Prediction, i: number): string {
  return resnames[p.aatype[i]] ?? 'UNK';
}

/** Residue number as the files write it (auth_seq_id = residueIndex + 1). */
export function residueNumber(p: Prediction, i: number): number {
  return p.residueIndex[i] + 1;
}
