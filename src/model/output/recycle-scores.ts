/**
 * Per-iteration metrics as the scores JSON carries them (`extra.per_recycle`): one
 * implementation for the app's download and `webfold fold`, so both write the same section.
 */
import type { RecycleMetrics } from '../engine.ts';
import { roundHalfEven } from './pae-json.ts';

/** One iteration's metrics: snake_case and rounded like the headline scores (pLDDT 2 decimals,
 *  pTM 4, Å 3, whole ms); null where not measured. */
export interface RecycleScores {
  recycle: number;
  mean_plddt: number | null;
  ptm: number | null;
  ca_distance_rms_change: number | null;
  ms: number;
}

export function recycleScores(recycles: readonly RecycleMetrics[]): RecycleScores[] {
  const round = (v: number | undefined, digits: number) =>
    v === undefined ? null : roundHalfEven(v, digits);
  return recycles.map((r) => ({
    recycle: r.recycle,
    mean_plddt: round(r.meanPlddt, 2),
    ptm: round(r.ptm, 4),
    ca_distance_rms_change: round(r.caDistanceRmsChange, 3),
    ms: Math.round(r.ms),
  }));
}
