// Prints the closing line of `npm test`: "tests: N passed, M failed" over the vitest and Playwright
// JSON reports given as arguments. `--failed=CHECK` names a check that failed (lint, types) and
// counts as one failure; `--failed=CHECK:REPORT` names a runner that failed, counted once only if
// its report shows no failing test (it crashed or found nothing).
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const failedChecks = [];

function countPlaywright(suite) {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status === 'expected' || test.status === 'flaky') passed++;
      else if (test.status === 'skipped') skipped++;
      else failed++;
    }
  }
  for (const child of suite.suites ?? []) countPlaywright(child);
}

function count(path) {
  const before = failed;
  if (!existsSync(path)) return 0;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if ('numPassedTests' in report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } else {
    for (const suite of report.suites ?? []) countPlaywright(suite);
  }
  return failed - before;
}

const failures = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--failed=')) failures.push(arg.slice('--failed='.length));
  else count(arg);
}
for (const f of failures) {
  const [check, report] = f.split(':');
  failedChecks.push(check);
  if (!report || !existsSync(report) || failedIn(report) === 0) failed++;
}
if (failedChecks.length) console.log(`failed checks: ${failedChecks.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);

function failedIn(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if ('numFailedTests' in report) return report.numFailedTests;
  return report.stats?.unexpected ?? 0;
}
