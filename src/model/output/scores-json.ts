/**
 * Run summary as JSON: confidence scores (mean and per-residue pLDDT, pTM, max PAE) and the
 * facts needed to reproduce or compare the run (model, seed, recycles, timings).
 */

import { AF2_MAX_PAE, roundHalfEven } from './pae-json.ts';
import type { Prediction } from './types.ts';

export interface RunInfo {
  /** e.g. 'model_1_ptm' */
  modelName: string;
  /** PRNG seed of MSA sampling; null for the deterministic mode */
  seed: number | null;
  /** recycling iterations run (AF2 num_recycle; the model runs recycles + 1 passes) */
  recycles: number;
  /** wall-clock timings in milliseconds, by stage name (e.g. features, model, total) */
  timings: Record<string, number>;
  /** anything else worth keeping (engine, device, precision ...) */
  extra?: Record<string, unknown>;
}

export interface ScoresJson {
  model_name: string;
  seed: number | null;
  num_recycles: number;
  num_residues: number;
  mean_plddt: number;
  plddt: number[];
  ptm: number | null;
  /** largest PAE value predicted for this structure (Å) */
  max_pae: number | null;
  /** upper end of the PAE range (AF2: 31.75 Å) */
  max_predicted_aligned_error: number | null;
  timings_ms: Record<string, number>;
  extra?: Record<string, unknown>;
}

export function scoresOf(p: Prediction, run: RunInfo): ScoresJson {
  const nRes = p.plddt.length;
  if (nRes === 0) throw new Error('plddt is empty: no residues to score');
  let sum = 0;
  for (let i = 0; i < nRes; i++) sum += p.plddt[i];
  let maxPae: number | null = null;
  if (p.pae) {
    if (p.pae.length !== nRes * nRes) {
      throw new Error(
        `pae has length ${p.pae.length}, expected ${nRes * nRes} = [N_res, N_res] with N_res = ${nRes}`,
      );
    }
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < p.pae.length; k++) if (p.pae[k] > m) m = p.pae[k];
    maxPae = roundHalfEven(m, 2);
  }
  for (const [k, v] of Object.entries(run.timings)) {
    if (!Number.isFinite(v)) throw new Error(`timing "${k}" = ${v} is not a finite number`);
  }
  return {
    model_name: run.modelName,
    seed: run.seed,
    num_recycles: run.recycles,
    num_residues: nRes,
    mean_plddt: roundHalfEven(sum / nRes, 2),
    plddt: Array.from(p.plddt, (v) => roundHalfEven(v, 2)),
    ptm: p.ptm === undefined ? null : roundHalfEven(p.ptm, 4),
    max_pae: maxPae,
    max_predicted_aligned_error: p.pae ? (p.maxPae ?? AF2_MAX_PAE) : null,
    timings_ms: { ...run.timings },
    ...(run.extra ? { extra: run.extra } : {}),
  };
}

/** The scores as pretty JSON text. */
export function toScoresJson(p: Prediction, run: RunInfo): string {
  return `${JSON.stringify(scoresOf(p, run), null, 2)}\n`;
}
