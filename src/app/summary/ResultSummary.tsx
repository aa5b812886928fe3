import { describeSplit } from '../../worker/dap-api.ts';
import { formatBytes, formatDuration } from '../fold/format.ts';
import type { Job } from '../jobs/types.ts';
import { iterationSeries } from './iterations.ts';

/** The plain result summary (always shown; the full results view adds Mol*, plots, downloads). */
export function ResultSummary({ job }: { job: Job }) {
  const r = job.result;
  if (!r) return null;
  const p = r.prediction;
  const series = iterationSeries(p.recycles);
  // jobs stored before f16 existed carry no precision: they folded in f32
  const precision = r.precision ?? 'f32';
  return (
    <div data-testid="result-summary">
      {job.paramsDemo && (
        <p className="demo-warning" data-testid="result-demo-warning">
          ⚠ Predicted with untrained demo weights — structures mean nothing.
        </p>
      )}
      <dl className="fields result-fields">
        <dt>Residues</dt>
        <dd data-testid="result-residues">{r.numRes}</dd>
        <dt>Mean pLDDT</dt>
        <dd data-testid="result-plddt">
          {p.meanPlddt !== undefined ? p.meanPlddt.toFixed(2) : 'no pLDDT head'}
        </dd>
        <dt>pTM</dt>
        <dd data-testid="result-ptm">
          {p.ptm !== undefined ? p.ptm.toFixed(3) : 'no pTM head (not a _ptm model)'}
        </dd>
        <dt>Time</dt>
        <dd data-testid="result-time">
          {formatDuration(p.totalMs)} model · {formatDuration(r.featuresMs)} features ·{' '}
          {formatDuration(r.paramsMs)} parameters
        </dd>
        <dt>Engine</dt>
        <dd>{r.engineLabel}</dd>
        <dt>Precision</dt>
        <dd data-testid="result-precision" data-precision={precision}>
          {precision === 'f16'
            ? 'f16 storage of the activations, f32 arithmetic (half the memory; small numerical differences from f32)'
            : 'f32 (exact)'}
        </dd>
        {r.dap && (
          <>
            <dt>Split</dt>
            <dd data-testid="result-split" data-transport={r.dap.transport} data-size={r.dap.size}>
              {describeSplit(r.dap.transport === 'tabs' ? { tabs: r.dap.size } : { ranks: r.dap.size })}{' '}
              (Dynamic Axial Parallelism; this is rank {r.dap.rank}'s prediction)
              {r.dap.exchange &&
                ` · rank ${r.dap.rank} sent ${formatBytes(r.dap.exchange.bytesSent)} in ${r.dap.exchange.gathers} all-gathers, ` +
                  `${formatDuration(r.dap.exchange.exposedMs)} waiting for them`}
            </dd>
          </>
        )}
        <dt>Parameters</dt>
        <dd>{job.paramsDemo ? 'demo (untrained)' : r.paramsName}</dd>
        <dt>MSA</dt>
        <dd>
          {r.msaRows} sequences · {r.clusters} cluster rows · {r.extra} extra rows ·{' '}
          {job.settings.msaSampling === 'af2' ? `AF2 sampling, seed ${job.settings.seed}` : 'deterministic'}
        </dd>
        <dt>Iterations</dt>
        <dd data-testid="result-iterations">
          {p.iterations}
          {p.recycles.length > 0 && ` (mean pLDDT per iteration: ${series.plddt}`}
          {p.recycles.length > 0 && series.ptm !== undefined && `; pTM per iteration: ${series.ptm}`}
          {p.recycles.length > 0 && ')'}
        </dd>
      </dl>
    </div>
  );
}
