import { useId } from 'react';
import { plddtBand, plddtBandFractions } from './colors.ts';
import { formatMs, type ResultSummary, stageLabel } from './summary.ts';

function Stat({
  label,
  value,
  note,
  testId,
  text,
}: {
  label: string;
  value: string;
  note?: string;
  testId: string;
  /** a name rather than a number: smaller type */
  text?: boolean;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <span className={text ? 'stat-value text' : 'stat-value'}>{value}</span>
        {note && <span className="stat-note"> {note}</span>}
      </dd>
    </div>
  );
}

export interface SummaryProps {
  summary: ResultSummary;
  plddt: Float32Array;
  modelName?: string;
  seed?: number;
}

/** Headline confidence numbers, the pLDDT band split, per-recycle metrics and stage timings. */
export function Summary({ summary: s, plddt, modelName, seed }: SummaryProps) {
  const titleId = useId();
  const bands = plddtBandFractions(plddt);
  // A pTM column when the model has the pTM head (an engine that does not record it per recycle
  // yet shows dashes rather than hiding that the final pTM exists).
  const showRecyclePtm = s.ptm !== undefined || s.recycles.some((r) => r.ptm !== undefined);
  return (
    <section className="results-card summary-card" aria-labelledby={titleId}>
      <h3 id={titleId}>Summary</h3>
      <dl className="stats">
        <Stat
          testId="stat-plddt"
          label="Mean pLDDT"
          value={s.meanPlddt.toFixed(1)}
          note={`(${plddtBand(s.meanPlddt).label})`}
        />
        <Stat
          testId="stat-ptm"
          label="pTM"
          value={s.ptm !== undefined ? s.ptm.toFixed(3) : '—'}
          note={s.ptm === undefined ? '(no pTM head)' : undefined}
        />
        <Stat
          testId="stat-pae"
          label="Max PAE"
          value={s.maxPaeValue !== undefined ? `${s.maxPaeValue.toFixed(2)} Å` : '—'}
          note={s.paeRange !== undefined ? `(range 0–${s.paeRange} Å)` : '(no PAE head)'}
        />
        <Stat testId="stat-length" label="Length" value={`${s.nRes} residues`} />
        {modelName && <Stat testId="stat-model" label="Model" value={modelName} text />}
        {seed !== undefined && <Stat testId="stat-seed" label="Seed" value={String(seed)} />}
        {s.totalMs !== undefined && (
          <Stat
            testId="stat-time"
            label="Fold time"
            value={formatMs(s.totalMs)}
            note={s.engine ? `(${s.engine})` : undefined}
          />
        )}
      </dl>

      <table className="band-table">
        <caption>Residues per confidence band</caption>
        <tbody>
          {bands.map(({ band, count, fraction }) => (
            <tr key={band.id}>
              <th scope="row">
                <span className="swatch" style={{ background: band.color }} aria-hidden="true" /> {band.label}
              </th>
              <td>{count}</td>
              <td>{(fraction * 100).toFixed(0)}%</td>
            </tr>
          ))}
        </tbody>
      </table>

      {s.recycles.length > 0 && (
        <table className="recycle-table" data-testid="recycle-table">
          <caption>Per recycle</caption>
          <thead>
            <tr>
              <th scope="col">
                <abbr title="0 is the first pass, before any recycling">Recycle</abbr>
              </th>
              <th scope="col">Mean pLDDT</th>
              {showRecyclePtm && <th scope="col">pTM</th>}
              <th scope="col">
                <abbr title="RMS change of all Cα–Cα distances against the previous iteration">
                  Δ Cα dist. (Å)
                </abbr>
              </th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {s.recycles.map((r) => (
              <tr key={r.recycle}>
                <td>{r.recycle}</td>
                <td>{r.meanPlddt !== undefined ? r.meanPlddt.toFixed(2) : '—'}</td>
                {showRecyclePtm && <td>{r.ptm !== undefined ? r.ptm.toFixed(3) : '—'}</td>}
                <td>{r.caDistanceRmsChange !== undefined ? r.caDistanceRmsChange.toFixed(3) : '—'}</td>
                <td>{formatMs(r.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {s.timings.length > 0 && (
        <table className="timing-table" data-testid="timing-table">
          <caption>Time per stage (all iterations)</caption>
          <tbody>
            {s.timings.map((t) => (
              <tr key={t.stage}>
                <th scope="row">{stageLabel(t.stage)}</th>
                <td>{formatMs(t.ms)}</td>
                <td>{s.totalMs ? `${((t.ms / s.totalMs) * 100).toFixed(0)}%` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
