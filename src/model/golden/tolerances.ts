/**
 * The tolerances of DESIGN.md ("Numerics"), as the golden check applies them.
 *   - features: integers exact, floats ≤ 1e-6 absolute;
 *   - per module and per stage: max |got − want| ≤ 1e-4 · max |want|;
 *   - end to end: atom positions ≤ 1e-3 Å, pLDDT ≤ 1e-2, pTM ≤ 1e-4 (absolute);
 *     every other final output by the per-stage rule.
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

/** The tolerance of one final output (integers exact, named ones end to end, others per stage). */
export function finalTolerance(key: string, dtype: string): Tolerance {
  if (!dtype.startsWith('float')) return EXACT;
  return FINAL_TOLERANCES[key] ?? STAGE_REL_TOL;
}
