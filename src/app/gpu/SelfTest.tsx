import { useEffect, useState } from 'react';
import type { SelfTestReport } from '../../worker/gpu-api.ts';
import { formatError, formatMs } from './format.ts';
import type { SelfTestState } from './store.ts';

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(id);
  }, []);
  return <>{((now - since) / 1000).toFixed(1)} s</>;
}

function ChecksTable({ report }: { report: SelfTestReport }) {
  return (
    <table className="table" data-testid="selftest-table">
      <caption className="visually-hidden">Kernel self-test: GPU result against the CPU reference</caption>
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Shape</th>
          <th scope="col" className="num">
            Max |error|
          </th>
          <th scope="col" className="num">
            Tolerance
          </th>
          <th scope="col">Result</th>
          <th scope="col" className="num">
            Time
          </th>
        </tr>
      </thead>
      <tbody>
        {report.checks.map((c) => (
          <tr key={`${c.name} ${c.shape}`} data-testid="selftest-check" data-passed={c.passed}>
            <th scope="row">{c.name}</th>
            <td>
              <code>{c.shape}</code>
            </td>
            <td className="num">{formatError(c.maxAbsError)}</td>
            <td className="num">{formatError(c.tolerance)}</td>
            <td>
              <span className={c.passed ? 'badge badge-good' : 'badge badge-bad'}>
                {c.passed ? '✓ pass' : '✗ FAIL'}
              </span>
            </td>
            <td className="num">{formatMs(c.ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Overall({ report }: { report: SelfTestReport }) {
  const passed = report.checks.filter((c) => c.passed).length;
  return (
    <p className="overall">
      <span
        className={report.passed ? 'verdict verdict-good' : 'verdict verdict-bad'}
        data-testid="selftest-overall"
        data-passed={report.passed}
      >
        {report.passed ? 'PASS' : 'FAIL'}
      </span>{' '}
      {passed} of {report.checks.length} checks passed in {formatMs(report.totalMs)}.
    </p>
  );
}

interface Props {
  state: SelfTestState;
  canRun: boolean;
  onRun: () => void;
}

/** The kernel self-test: every GPU kernel compared with its CPU reference, on the worker's device. */
export function SelfTest({ state, canRun, onRun }: Props) {
  const running = state.status === 'running';
  return (
    <section
      className="selftest"
      aria-labelledby="selftest-heading"
      data-testid="selftest"
      data-status={state.status}
    >
      <div className="row">
        <h3 id="selftest-heading">Kernel self-test</h3>
        <button type="button" onClick={onRun} disabled={running || !canRun} data-testid="selftest-rerun">
          {running ? 'Running…' : 'Run self-test again'}
        </button>
      </div>
      <p className="muted">Each WGSL kernel runs on this GPU and is compared with the CPU reference.</p>
      <div aria-live="polite">
        {state.status === 'idle' && <p className="muted">Waiting for the GPU.</p>}
        {running && (
          <p data-testid="selftest-running">
            Running the self-test… <Elapsed since={state.startedAt} /> (software adapters can take a minute)
          </p>
        )}
        {state.status === 'done' && <Overall report={state.report} />}
        {state.status === 'failed' && (
          <div className="alert alert-bad" role="alert" data-testid="selftest-error">
            <strong>The self-test could not run.</strong> <code>{state.error}</code>
          </div>
        )}
      </div>
      {state.status === 'done' && <ChecksTable report={state.report} />}
      {running && state.previous && <ChecksTable report={state.previous} />}
    </section>
  );
}
