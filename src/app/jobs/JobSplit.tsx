import { ranksOf, tabJobLink } from '../../worker/dap-api.ts';
import type { Job } from './types.ts';

/** The page's address without its fragment (an invitation link replaces the fragment). */
const pageUrl = () => window.location.href.replace(/#.*$/, '');

/**
 * A running job split over several workers or tabs: how, and — for tabs — the invitation to open
 * in another tab while the job waits for it, then which rank this tab is once the other joined.
 */
export function JobSplit({ job }: { job: Job }) {
  const { size, transport } = ranksOf(job.settings);
  if (!transport) return null;
  const dap = job.progress?.dap;
  if (transport === 'workers') {
    return (
      <p className="small muted" data-testid="job-dap" data-phase={dap?.phase ?? 'starting'}>
        Split over {size} workers of this tab (each on its own GPU device)
        {dap ? '; worker 0 reports the progress' : ': starting the workers…'}
      </p>
    );
  }
  if (dap?.phase === 'folding') {
    return (
      <p className="small muted" data-testid="job-dap" data-phase="folding" data-rank={dap.rank}>
        Folding over {size} tabs: the invited tab joined; this tab is rank {dap.rank} of {size}.
      </p>
    );
  }
  const link = tabJobLink(pageUrl(), job.id, size);
  return (
    <div className="job-invite" data-testid="job-dap" data-phase="joining">
      <p className="small">
        Waiting for {size - 1 === 1 ? 'another tab' : `${size - 1} more tabs`} to join this fold. Open the
        link in another tab of this browser (same site):
      </p>
      <input
        type="text"
        readOnly
        value={link}
        aria-label="Invitation link"
        style={{ width: '100%', marginBottom: '0.4rem' }}
        data-testid="invite-link"
        onFocus={(ev) => ev.currentTarget.select()}
      />{' '}
      <a href={link} target="_blank" rel="noopener" className="file-button" data-testid="invite-open">
        Open a helper tab
      </a>
    </div>
  );
}
