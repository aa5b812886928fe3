import { useEffect } from 'react';
import { JobItem } from './JobItem.tsx';
import { useJobsStore } from './store.ts';

export function JobsPanel() {
  const jobs = useJobsStore((s) => s.jobs);
  const selectedId = useJobsStore((s) => s.selectedId);
  const hydrated = useJobsStore((s) => s.hydrated);
  const storageError = useJobsStore((s) => s.storageError);
  const hydrate = useJobsStore((s) => s.hydrate);
  useEffect(() => {
    void hydrate();
  }, [hydrate]);
  return (
    <section
      className="panel"
      aria-labelledby="jobs-heading"
      data-testid="jobs-panel"
      data-hydrated={hydrated}
    >
      <h2 id="jobs-heading">Jobs</h2>
      {storageError && (
        <p className="field-error" role="alert">
          {storageError}
        </p>
      )}
      {hydrated && jobs.length === 0 && (
        <p className="muted">No jobs yet: paste a sequence above and press Fold.</p>
      )}
      <ol className="jobs" aria-label="Fold jobs, newest first">
        {jobs.map((j) => (
          <JobItem key={j.id} job={j} selected={j.id === selectedId} />
        ))}
      </ol>
    </section>
  );
}
