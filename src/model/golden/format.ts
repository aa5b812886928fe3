/** Plain-text table and summary of a golden check (what `webfold check-golden` prints). */
import type { GoldenCheckResult } from './check.ts';
import type { CheckRow } from './types.ts';

function sci(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return '—';
  return v === 0 ? '0' : v.toExponential(2);
}

export function formatRow(r: CheckRow, nameWidth: number): string {
  const status = r.passed ? 'pass' : 'FAIL';
  const cols = [
    r.section.padEnd(8),
    r.name.padEnd(nameWidth),
    sci(r.maxAbsError).padStart(9),
    sci(r.tolerance).padStart(9),
    status,
  ];
  return `${cols.join('  ')}${r.note ? `  (${r.note})` : ''}`;
}

export function formatTable(result: GoldenCheckResult): string {
  const w = Math.max(5, ...result.rows.map((r) => r.name.length));
  const head = [
    'section ',
    'stage'.padEnd(w),
    'max error'.padStart(9),
    'tolerance'.padStart(9),
    'result',
  ].join('  ');
  return [head, '-'.repeat(head.length), ...result.rows.map((r) => formatRow(r, w))].join('\n');
}

export function formatSummary(result: GoldenCheckResult): string {
  const bySection = result.sections.map((s) => {
    const rows = result.rows.filter((r) => r.section === s);
    const bad = rows.filter((r) => !r.passed).length;
    return `${s} ${rows.length - bad}/${rows.length}`;
  });
  const verdict = result.passed ? 'PASS' : `FAIL (${result.failed} of ${result.rows.length} rows failed)`;
  return (
    `golden check of ${result.set} on backend '${result.backend}'` +
    `${result.precision === 'f16' ? ' with f16 storage' : ''}` +
    `${result.templates ? ' (with templates)' : ''}: ${bySection.join(', ')} — ${verdict}`
  );
}
