/**
 * One comparison → one row: shapes must agree, then max |got − want| against a tolerance.
 * NaN anywhere in `got` where `want` is finite fails the row (its error is NaN → reported as
 * NaN, never as a pass).
 */
import type { NdArray } from '../ndarray.ts';
import type { Tolerance } from './tolerances.ts';
import type { CheckRow, GoldenSection } from './types.ts';

export interface CompareOptions {
  /** Compare only rows i (first axis) where rowMask[i] ≠ 0. */
  rowMask?: NdArray;
  /** Require identical dtypes (features). */
  checkDtype?: boolean;
}

function num(a: NdArray, i: number): number {
  return Number(a.data[i]);
}

/** A row for something that could not be compared at all. */
export function failedRow(section: GoldenSection, name: string, note: string): CheckRow {
  return {
    section,
    name,
    maxAbsError: Number.POSITIVE_INFINITY,
    scale: 0,
    tolerance: 0,
    passed: false,
    note,
  };
}

export function compareArrays(
  section: GoldenSection,
  name: string,
  got: NdArray | undefined,
  want: NdArray,
  tol: Tolerance,
  opts: CompareOptions = {},
): CheckRow {
  if (!got) return failedRow(section, name, 'not produced');
  if (got.shape.join(',') !== want.shape.join(',')) {
    return failedRow(section, name, `shape [${got.shape}] ≠ golden [${want.shape}]`);
  }
  if (opts.checkDtype && got.dtype !== want.dtype) {
    return failedRow(section, name, `dtype ${got.dtype} ≠ golden ${want.dtype}`);
  }
  const n = want.data.length;
  const rows = want.shape.length > 0 ? want.shape[0] : 1;
  const inner = rows > 0 ? n / rows : 0;
  const mask = opts.rowMask;
  if (mask && mask.data.length !== rows) {
    return failedRow(section, name, `row mask has ${mask.data.length} entries, array has ${rows} rows`);
  }
  let maxAbsError = 0;
  let maxAbsRef = 0;
  let sawNaN = false;
  for (let r = 0; r < rows; r++) {
    if (mask && num(mask, r) === 0) continue;
    for (let i = r * inner; i < (r + 1) * inner; i++) {
      const w = num(want, i);
      const e = Math.abs(num(got, i) - w);
      if (Number.isNaN(e)) sawNaN = true;
      else if (e > maxAbsError) maxAbsError = e;
      const a = Math.abs(w);
      if (a > maxAbsRef) maxAbsRef = a;
    }
  }
  if (sawNaN) maxAbsError = Number.NaN;
  const scale = tol.kind === 'rel' ? maxAbsRef : 1;
  const tolerance = tol.value * scale;
  const row: CheckRow = { section, name, maxAbsError, scale, tolerance, passed: maxAbsError <= tolerance };
  if (mask) row.note = 'rows with mask 1';
  return row;
}
