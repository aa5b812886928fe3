import { useEffect } from 'react';
import { formatDuration } from '../fold/format.ts';
import { JobProgress } from '../jobs/JobProgress.tsx';
import { useHelperStore } from './helper-store.ts';

/**
 * Shown in a tab opened from an invitation link: which job this tab helps fold (and as which
 * rank), its progress, and how it ended. Nothing otherwise.
 */
export function HelperPanel() {
  const s = useHelperStore();
  const startFromLink = s.startFromLink;
  useEffect(() => {
    // on load, and when the link is pasted into a tab already showing webfold (no reload)
    const start = () => startFromLink(window.location.href);
    start();
    window.addEventListener('hashchange', start);
    return () => window.removeEventListener('hashchange', start);
  }, [startFromLink]);
  if (s.linkError) {
    return (
      <section className="panel" aria-labelledby="helper-heading" data-testid="helper-panel">
        <h2 id="helper-heading">Helping another tab</h2>
        <p className="field-error" data-testid="helper-error">
          {s.linkError}
        </p>
      </section>
    );
  }
  if (!s.invite) return null;
  const job = s.jobName ? `job “${s.jobName}”` : `job ${s.invite.job}`;
  const who = s.rank !== undefined ? ` as rank ${s.rank} of ${s.invite.size}` : '';
  return (
    <section
      className="panel"
      aria-labelledby="helper-heading"
      data-testid="helper-panel"
      data-phase={s.phase}
      data-rank={s.rank}
    >
      <h2 id="helper-heading">Helping another tab fold</h2>
      {s.phase === 'joining' && (
        <p data-testid="helper-status">
          Joining {job} (split over {s.invite.size} tabs); waiting for the tab that invited this one…
        </p>
      )}
      {s.phase === 'folding' && (
        <>
          <p data-testid="helper-status">
            This tab is helping fold {job}
            {who}. Keep it open until the fold ends: closing it stops the fold in the other tab.
          </p>
          <JobProgress progress={s.progress} />
        </>
      )}
      {s.phase === 'done' && (
        <p className="field-ok" data-testid="helper-status">
          Done: this tab folded its share of {job}
          {who} in {formatDuration(s.ms ?? Number.NaN)}. The result is in the tab that invited this one.
        </p>
      )}
      {s.phase === 'stopped' && (
        <p className="muted" data-testid="helper-status">
          Stopped helping {job}; the other tab's fold stops too.
        </p>
      )}
      {s.phase === 'failed' && (
        <p className="field-error" role="status" data-testid="helper-error">
          {s.error}
        </p>
      )}
      {(s.phase === 'joining' || s.phase === 'folding') && (
        <button type="button" className="danger" data-testid="helper-stop" onClick={s.stop}>
          Stop helping
        </button>
      )}
    </section>
  );
}
