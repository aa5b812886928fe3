import { type ComponentType, lazy, Suspense } from 'react';
import type { JobPrediction } from '../../worker/fold-api.ts';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { useJobsStore } from '../jobs/store.ts';
import { ResultSummary } from './ResultSummary.tsx';

/** Props handed to the full results view (src/app/results/ResultsView.tsx) when it is in the build. */
export interface ResultsViewProps {
  prediction: JobPrediction;
  /** job name; file names derive from it */
  name: string;
  /** the alignment the fold used (offered as a download) */
  a3m?: string;
  seed?: number;
  modelName?: string;
}

// Looked up with a glob so the app builds before the results view lands (the glob is then empty).
const views = import.meta.glob<{
  ResultsView?: ComponentType<ResultsViewProps>;
  default?: ComponentType<ResultsViewProps>;
}>('../results/ResultsView.tsx');
const loadView = Object.values(views)[0];
const ResultsView = loadView
  ? lazy(async () => {
      const mod = await loadView();
      const View = mod.ResultsView ?? mod.default;
      if (!View) throw new Error('src/app/results/ResultsView.tsx exports no ResultsView component');
      return { default: View };
    })
  : undefined;

export function ResultsPanel() {
  const job = useJobsStore((s) => s.jobs.find((j) => j.id === s.selectedId));
  return (
    <section className="panel" aria-labelledby="results-heading" data-testid="results-panel">
      <h2 id="results-heading">Results{job?.result ? `: ${job.name}` : ''}</h2>
      {!job?.result && <p className="muted">Select a finished job to see its prediction.</p>}
      {job?.result && (
        <>
          <ResultSummary job={job} />
          {ResultsView && (
            <ErrorBoundary>
              <Suspense fallback={<p className="muted">Loading the structure viewer…</p>}>
                <ResultsView
                  prediction={job.result.prediction}
                  name={job.name}
                  a3m={job.input.a3m}
                  seed={job.settings.msaSampling === 'af2' ? job.settings.seed : undefined}
                  modelName={job.paramsDemo ? 'demo_untrained' : job.result.paramsName}
                />
              </Suspense>
            </ErrorBoundary>
          )}
        </>
      )}
    </section>
  );
}
