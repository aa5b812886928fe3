/**
 * The per-iteration line of the plain result summary: mean pLDDT and, where the engine recorded
 * it, pTM per iteration, formatted as the results view's per-recycle table formats them (pLDDT
 * one decimal here for a one-line summary, pTM three decimals); the table has the full numbers.
 */
import type { RecycleMetrics } from '../../model/engine.ts';

export interface IterationSeries {
  plddt: string;
  /** absent when no iteration recorded a pTM (no pTM head, or an engine that does not record it) */
  ptm?: string;
}

export function iterationSeries(recycles: readonly RecycleMetrics[]): IterationSeries {
  const join = (values: (string | undefined)[]) => values.map((v) => v ?? '—').join(' → ');
  const plddt = join(recycles.map((r) => r.meanPlddt?.toFixed(1)));
  if (!recycles.some((r) => r.ptm !== undefined)) return { plddt };
  return { plddt, ptm: join(recycles.map((r) => r.ptm?.toFixed(3))) };
}
