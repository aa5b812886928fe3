/**
 * Predicted aligned error as JSON in the AlphaFold Database layout (v3 onwards, current v4):
 *
 *   [{"predicted_aligned_error": [[e_11, e_12, ...], ...], "max_predicted_aligned_error": 31.75}]
 *
 * a one-element array holding an N_res × N_res matrix (row i = aligned on residue i, column j =
 * scored residue j, in Å) and the upper end of the PAE range. Written compactly (no spaces),
 * values rounded as AlphaFold's `confidence.pae_json` does: numpy round-half-to-even to
 * 1 decimal by default. The AFDB's own files carry whole numbers: pass `decimals: 0` for those.
 */

/** AF2's maximum PAE: 64 bins of 0.5 Å over 0–31.5 Å, the last bin's centre is 31.75 Å. */
export const AF2_MAX_PAE = 31.75;

export interface PaeJsonEntry {
  predicted_aligned_error: number[][];
  max_predicted_aligned_error: number;
}
export type PaeJson = [PaeJsonEntry];

/** numpy's `np.round(x, decimals)`: scale, round half to even, unscale. */
export function roundHalfEven(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = x * f;
  const r = Math.round(y);
  // Math.round rounds .5 up; numpy rounds exact halves to the even neighbour.
  const even = Math.abs(y - Math.trunc(y)) === 0.5 ? 2 * Math.round(y / 2) : r;
  return even / f + 0; // + 0: no -0 in the output
}

export interface PaeJsonOptions {
  /** maximum PAE, default 31.75 (AF2) */
  maxPae?: number;
  /** decimals to round to, default 1 (AlphaFold); the AFDB files use 0 */
  decimals?: number;
}

/** The AFDB PAE object for a row-major [N_res, N_res] matrix. */
export function paeToAfdb(pae: Float32Array, nRes: number, options: PaeJsonOptions = {}): PaeJson {
  if (pae.length !== nRes * nRes) {
    throw new Error(
      `pae has length ${pae.length}, expected ${nRes * nRes} = [N_res, N_res] with N_res = ${nRes}`,
    );
  }
  const decimals = options.decimals ?? 1;
  const rows: number[][] = [];
  for (let i = 0; i < nRes; i++) {
    const row = new Array<number>(nRes);
    for (let j = 0; j < nRes; j++) {
      const v = pae[i * nRes + j];
      if (!Number.isFinite(v)) throw new Error(`pae[${i}][${j}] = ${v} is not a finite number`);
      row[j] = roundHalfEven(v, decimals);
    }
    rows.push(row);
  }
  return [{ predicted_aligned_error: rows, max_predicted_aligned_error: options.maxPae ?? AF2_MAX_PAE }];
}

/** The AFDB PAE JSON text (compact, as AlphaFold writes it). */
export function toPaeJson(pae: Float32Array, nRes: number, options: PaeJsonOptions = {}): string {
  return JSON.stringify(paeToAfdb(pae, nRes, options));
}

/**
 * Checks that a parsed JSON value has the AFDB PAE layout. Returns the list of problems
 * (empty when valid); each names the path, e.g. `[0].predicted_aligned_error[3]`.
 */
export function validatePaeJson(value: unknown, expectedNRes?: number): string[] {
  const problems: string[] = [];
  if (!Array.isArray(value)) return ['top level must be an array with one object'];
  if (value.length !== 1) problems.push(`top-level array must have exactly 1 element, has ${value.length}`);
  const entry = value[0];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return [...problems, '[0] must be an object'];
  }
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (key !== 'predicted_aligned_error' && key !== 'max_predicted_aligned_error') {
      problems.push(`[0] has unexpected key "${key}"`);
    }
  }
  const max = e.max_predicted_aligned_error;
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) {
    problems.push('[0].max_predicted_aligned_error must be a positive number');
  }
  const m = e.predicted_aligned_error;
  if (!Array.isArray(m)) return [...problems, '[0].predicted_aligned_error must be an array of rows'];
  const n = m.length;
  if (n === 0) problems.push('[0].predicted_aligned_error is empty');
  if (expectedNRes !== undefined && n !== expectedNRes) {
    problems.push(`[0].predicted_aligned_error has ${n} rows, expected N_res = ${expectedNRes}`);
  }
  for (let i = 0; i < n && problems.length < 20; i++) {
    const row = m[i];
    if (!Array.isArray(row)) {
      problems.push(`[0].predicted_aligned_error[${i}] must be an array`);
      continue;
    }
    if (row.length !== n) {
      problems.push(
        `[0].predicted_aligned_error[${i}] has ${row.length} values, expected ${n} (square matrix)`,
      );
    }
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (typeof max === 'number' && v > max)) {
        problems.push(
          `[0].predicted_aligned_error[${i}][${j}] = ${JSON.stringify(v)} is not a number in [0, max_predicted_aligned_error]`,
        );
        break;
      }
    }
  }
  return problems;
}
