/**
 * What the GPU panel's "Plan for this input" asks the GPU worker: the input's sizes (N_res,
 * cluster rows, extra rows, as the fold worker will choose them), the model to plan for and the
 * precision. Pure: no GPU, no worker, no store.
 */
import type { ParamsSummary, Precision, RunSettings, StoredParams } from '../../worker/fold-api.ts';
import type { PlanQuery } from '../../worker/gpu-api.ts';
import { checkFasta } from '../input/validate.ts';

/** AF2 monomer defaults (eval `max_msa_clusters`, `max_extra_msa`), as the fold worker uses them. */
export const MAX_CLUSTERS = 512;
export const MAX_EXTRA = 1024;

/**
 * Cluster and extra rows for an alignment of `msaRows` rows, the rule of the fold worker's
 * `defaultCounts` (src/model/features/input.ts): S = min(512, rows), E = min(1024, rows left),
 * at least 1; explicit settings win.
 */
export function rowCounts(
  msaRows: number,
  clusters?: number,
  extra?: number,
): { nSeq: number; nExtra: number } {
  const nSeq = clusters ?? Math.min(MAX_CLUSTERS, msaRows);
  const nExtra = extra ?? Math.max(1, Math.min(MAX_EXTRA, msaRows - Math.min(nSeq, msaRows)));
  return { nSeq, nExtra };
}

export interface InputSnapshot {
  text: string;
  /** Rows of the uploaded A3M (query included), when there is one. */
  alignmentRows: number | undefined;
  settings: Pick<RunSettings, 'paramsId' | 'clusters' | 'extra' | 'precision'>;
}

export type PlanInput =
  | { status: 'empty' }
  | { status: 'invalid'; message: string }
  | { status: 'ok'; query: PlanQuery; msaRows: number };

/** The plan query for the current input, or why there is none. */
export function planInputFrom(input: InputSnapshot, params: StoredParams | undefined): PlanInput {
  const check = checkFasta(input.text);
  if (check.status === 'empty') return { status: 'empty' };
  if (check.status === 'error') return { status: 'invalid', message: check.message };
  const msaRows = input.alignmentRows ?? 1;
  const { nSeq, nExtra } = rowCounts(msaRows, input.settings.clusters, input.settings.extra);
  const query: PlanQuery = {
    nRes: check.length,
    nSeq,
    nExtra,
    precision: input.settings.precision,
    model: params ? { name: params.name, summary: params.summary } : undefined,
  };
  return { status: 'ok', query, msaRows };
}

/** A stable key for a query, so that the same input is not planned twice. */
export function queryKey(q: PlanQuery): string {
  return JSON.stringify([
    q.nRes,
    q.nSeq,
    q.nExtra,
    q.precision,
    q.model?.name ?? '',
    q.model?.summary ?? null,
  ]);
}

export type { ParamsSummary, Precision };
