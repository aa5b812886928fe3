import { describeSplit } from '../../worker/dap-api.ts';
import { formatDuration } from '../fold/format.ts';
import { JobName } from './JobName.tsx';
import { JobProgress } from './JobProgress.tsx';
import { JobSplit } from './JobSplit.tsx';
import { useJobsStore } from './store.ts';
import type { Job } from './types.ts';

const STATUS_TEXT: Record<Job['status'], string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

const STATUS_CLASS: Record<Job['status'], string> = {
  queued: 'badge-muted',
  running: 'badge-warn',
  done: 'badge-good',
  failed: 'badge-bad',
  cancelled: 'badge-muted',
  interrupted: 'badge-bad',
};

export function JobItem({ job, selected }: { job: Job; selected: boolean }) {
  const select = useJobsStore((s) => s.select);
  const cancel = useJobsStore((s) => s.cancel);
  const rerun = useJobsStore((s) => s.rerun);
  const remove = useJobsStore((s) => s.remove);
  const active = job.status === 'running' || job.status === 'queued';
  const result = job.result;
  return (
    <li
      className={`job${selected ? ' job-selected' : ''}`}
      data-testid="job"
      data-status={job.status}
      data-job-id={job.id}
      aria-current={selected ? 'true' : undefined}
    >
      <div className="row">
        <JobName job={job} />
        <span className={`badge ${STATUS_CLASS[job.status]}`} data-testid="job-status">
          {STATUS_TEXT[job.status]}
        </span>
      </div>
      <p className="small muted job-meta">
        {job.input.numRes} residues ·{' '}
        {job.input.msaRows > 1 ? `${job.input.msaRows}-sequence MSA` : 'single sequence'} ·{' '}
        {job.paramsDemo ? 'demo parameters (untrained)' : job.paramsName} · {job.settings.recycles} recycles ·
        seed {job.settings.seed}
        {job.settings.precision === 'f16' && ' · f16 storage'}
        {describeSplit(job.settings) && ` · split over ${describeSplit(job.settings)}`}
        {result &&
          ` · mean pLDDT ${result.prediction.meanPlddt?.toFixed(1) ?? '—'} · ${formatDuration(result.prediction.totalMs)}`}
      </p>
      {job.status === 'running' && <JobSplit job={job} />}
      {job.status === 'running' && <JobProgress progress={job.progress} />}
      {job.error && (
        <p
          className={job.status === 'failed' ? 'field-error' : 'muted'}
          role="status"
          data-testid="job-error"
        >
          {job.error}
        </p>
      )}
      <div className="job-actions">
        {job.status === 'done' && (
          <button type="button" className="secondary" aria-pressed={selected} onClick={() => select(job.id)}>
            {selected ? 'Showing result' : 'Show result'}
          </button>
        )}
        {active && (
          <button type="button" className="danger" data-testid="job-cancel" onClick={() => cancel(job.id)}>
            Cancel
          </button>
        )}
        {!active && (
          <button type="button" className="secondary" data-testid="job-rerun" onClick={() => rerun(job.id)}>
            Re-run
          </button>
        )}
        <button
          type="button"
          className="secondary"
          data-testid="job-delete"
          aria-label={`Delete job ${job.name}`}
          onClick={() => remove(job.id)}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
