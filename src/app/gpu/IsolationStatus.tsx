import type { PageEnv } from './page-env.ts';

function YesNo({ value, testId }: { value: boolean | undefined; testId: string }) {
  if (value === undefined) {
    return (
      <dd data-testid={testId} data-value="unknown" className="muted">
        unknown
      </dd>
    );
  }
  return (
    <dd data-testid={testId} data-value={String(value)}>
      <span className={value ? 'badge badge-good' : 'badge badge-bad'}>{value ? 'yes' : 'no'}</span>
    </dd>
  );
}

/** Cross-origin isolation: needed for SharedArrayBuffer, which partitioning over workers uses. */
export function IsolationStatus({
  env,
  workerIsolated,
}: {
  env: PageEnv;
  workerIsolated: boolean | undefined;
}) {
  return (
    <div data-testid="isolation">
      <h3>Cross-origin isolation</h3>
      <dl className="fields">
        <dt>Page crossOriginIsolated</dt>
        <YesNo value={env.crossOriginIsolated} testId="coi-page" />
        <dt>Worker crossOriginIsolated</dt>
        <YesNo value={workerIsolated} testId="coi-worker" />
        <dt>SharedArrayBuffer</dt>
        <YesNo value={env.sharedArrayBuffer} testId="sab" />
      </dl>
      {!env.crossOriginIsolated && (
        <p className="muted">
          The server must send <code>Cross-Origin-Opener-Policy: same-origin</code> and{' '}
          <code>Cross-Origin-Embedder-Policy: require-corp</code> on every response; <code>npm start</code>{' '}
          does.
        </p>
      )}
    </div>
  );
}
