import type { FoldProgressEvent } from '../../worker/fold-api.ts';
import { describeProgress, formatDuration } from '../fold/format.ts';

export function JobProgress({ progress }: { progress: FoldProgressEvent | undefined }) {
  const pct = progress ? Math.round(progress.fraction * 1000) / 10 : 0;
  return (
    <div className="job-progress" data-testid="job-progress" data-fraction={progress?.fraction ?? 0}>
      <progress max={100} value={pct} aria-label="Fold progress" aria-valuetext={`${pct}%`} />
      <span className="small" data-testid="job-stage">
        {progress ? describeProgress(progress) : 'starting the fold worker…'}
        {progress && ` · ${pct.toFixed(0)}% · ${formatDuration(progress.elapsedMs)} elapsed`}
        {progress?.etaMs !== undefined && ` · about ${formatDuration(progress.etaMs)} left`}
      </span>
    </div>
  );
}
