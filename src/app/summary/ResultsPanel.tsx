import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { useJobsStore } from '../jobs/store.ts';
import { ResultSummary } from './ResultSummary.tsx';

/** The results view (Mol*, plots, downloads) is loaded on first use: Mol* is large. */
const ResultsView = lazy(async () => ({ default: (await import('../results/ResultsView.tsx')).ResultsView }));

export function ResultsPanel() {
  const job = useJobsStore((s) => s.jobs.find((j) => j.id === s.selectedId));
  return (
    <section className="panel" aria-labelledby="results-heading" data-testid="results-panel">
      <h2 id="results-heading">Results{job?.result ? `: ${job.name}` : ''}</h2>
      {!job?.result && <p className="muted">Select a finished job to see its prediction.</p>}
      {job?.result && (
        <>
          <ResultSummary job={job} />
          <ErrorBoundary>
            <Suspense fallback={<p className="muted">Loading the structure viewer…</p>}>
              <ResultsView
                prediction={job.result.prediction}
                name={job.name}
                a3m={job.input.a3m}
                seed={job.settings.msaSampling === 'af2' ? job.settings.seed : undefined}
                modelName={job.paramsDemo ? 'demo_untrained' : job.result.paramsName}
                precision={job.result.precision ?? 'f32'}
              />
            </Suspense>
          </ErrorBoundary>
        </>
      )}
    </section>
  );
}
