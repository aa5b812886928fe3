/**
 * The tolerances of DESIGN.md ("Numerics"), as the golden check applies them.
 *   - features: integers exact, floats ≤ 1e-6 absolute;
 *   - per module and per stage: max |got − want| ≤ 1e-4 · max |want|;
 *   - end to end: atom positions ≤ 1e-3 Å, pLDDT ≤ 1e-2, pTM ≤ 1e-4 (absolute);
 *     every other final output by the per-stage rule.
 * With f16 storage of the activations (issue 5: "end-to-end pLDDT within 0.5 and atom positions
 * within 0.05 Å of f32"), the model's final outputs get those bounds and its stages
 * F16_STAGE_REL_TOL; features and modules are not affected (they run in f32).
 */

/** A bound on max |got − want|: absolute, or relative to max |want|. */
export type Tolerance = { kind: 'abs'; value: number } | { kind: 'rel'; value: number };

export const FEATURE_FLOAT_TOL: Tolerance = { kind: 'abs', value: 1e-6 };
export const EXACT: Tolerance = { kind: 'abs', value: 0 };
export const STAGE_REL_TOL: Tolerance = { kind: 'rel', value: 1e-4 };

/** End-to-end bounds on final outputs, by golden key. */
export const FINAL_TOLERANCES: Readonly<Record<string, Tolerance>> = {
  final_atom_positions: { kind: 'abs', value: 1e-3 },
  final_atom14_positions: { kind: 'abs', value: 1e-3 },
  plddt: { kind: 'abs', value: 1e-2 },
  ptm_score: { kind: 'abs', value: 1e-4 },
};

/** Per-stage bound of the model with f16 storage: a stage's values carry f16 roundings. */
export const F16_STAGE_REL_TOL: Tolerance = { kind: 'rel', value: 2e-2 };

/** End-to-end bounds with f16 storage. */
export const F16_FINAL_TOLERANCES: Readonly<Record<string, Tolerance>> = {
  final_atom_positions: { kind: 'abs', value: 0.05 },
  final_atom14_positions: { kind: 'abs', value: 0.05 },
  plddt: { kind: 'abs', value: 0.5 },
  ptm_score: { kind: 'abs', value: 5e-3 },
};

/** The per-stage tolerance of the model at a storage precision. */
export function stageTolerance(precision: 'f32' | 'f16' = 'f32'): Tolerance {
  return precision === 'f16' ? F16_STAGE_REL_TOL : STAGE_REL_TOL;
}

/** The tolerance of one final output (integers exact, named ones end to end, others per stage). */
export function finalTolerance(key: string, dtype: string, precision: 'f32' | 'f16' = 'f32'): Tolerance {
  if (!dtype.startsWith('float')) return EXACT;
  const named = precision === 'f16' ? F16_FINAL_TOLERANCES : FINAL_TOLERANCES;
  return named[key] ?? stageTolerance(precision);
}
