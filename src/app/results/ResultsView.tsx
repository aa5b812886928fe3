import type { JSX } from 'react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { EnginePrediction } from '../../model/engine.ts';
import { toMmcif } from '../../model/output/mmcif-writer.ts';
import { AF2_MAX_PAE } from '../../model/output/pae-json.ts';
import type { Prediction } from '../../model/output/types.ts';
import { Downloads } from './Downloads.tsx';
import { resultFiles, safeStem } from './files.ts';
import { MolstarViewer } from './MolstarViewer.tsx';
import type { ResultsMolstar } from './molstar.ts';
import { PaeHeatmap } from './PaeHeatmap.tsx';
import { PlddtPlot } from './PlddtPlot.tsx';
import { Summary } from './Summary.tsx';
import { type PaeSelection, selectionRanges } from './selection.ts';
import { residueName, residueNumber, summarize } from './summary.ts';
import './results.css';

export interface ResultsViewProps {
  prediction: EnginePrediction | Prediction;
  /** job name; file names are derived from it (`<name>.pdb` …) */
  name: string;
  /** the MSA the fold used, offered as `<name>.a3m` */
  a3m?: string;
  seed?: number;
  /** e.g. 'model_1_ptm' */
  modelName?: string;
  /** storage precision of the fold's activations (written to the scores JSON) */
  precision?: 'f32' | 'f16';
}

/**
 * Results of one fold, laid out as a structural biologist knows them from the AlphaFold
 * Database and ColabFold: the structure in Mol* coloured by pLDDT, the pLDDT plot, the PAE map
 * (linked to the 3D view), the headline scores, timings, and the files.
 */
export function ResultsView({
  prediction,
  name,
  a3m,
  seed,
  modelName,
  precision,
}: ResultsViewProps): JSX.Element {
  const stem = safeStem(name);
  const mmcif = useMemo(
    () => toMmcif(prediction, { entryId: stem, modelName }),
    [prediction, stem, modelName],
  );
  const summary = useMemo(() => summarize(prediction), [prediction]);
  const files = useMemo(
    () => resultFiles(prediction, { name, a3m, seed, modelName, precision }),
    [prediction, name, a3m, seed, modelName, precision],
  );
  const viewer = useRef<ResultsMolstar | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [selection, setSelection] = useState<PaeSelection | null>(null);

  const onViewerReady = useCallback((v: ResultsMolstar | null) => {
    viewer.current = v;
  }, []);
  const onPlotHover = useCallback((r: number | null) => {
    setHovered(r);
    viewer.current?.highlightResidue(r);
  }, []);
  const onSelect = useCallback((sel: PaeSelection | null) => {
    setSelection(sel);
    viewer.current?.selectRanges(sel ? selectionRanges(sel) : []);
  }, []);

  const nRes = prediction.plddt.length;
  const hoverNote =
    hovered !== null && hovered < nRes
      ? `${residueName(prediction, hovered)} ${residueNumber(prediction, hovered)} · pLDDT ${prediction.plddt[hovered].toFixed(1)}`
      : null;

  return (
    <article className="results-view" data-testid="results-view" aria-label={`Results for ${name}`}>
      <header className="results-head">
        <h2>{name}</h2>
        <p className="results-meta">
          {nRes} residues
          {modelName ? ` · ${modelName}` : ''}
          {seed !== undefined ? ` · seed ${seed}` : ''}
          {hoverNote && (
            <span className="hover-note" data-testid="hover-note">
              {' '}
              · {hoverNote}
            </span>
          )}
        </p>
      </header>
      <div className="results-grid">
        <div className="results-col">
          <MolstarViewer mmcif={mmcif} label={stem} onReady={onViewerReady} onHover={setHovered} />
          <PlddtPlot prediction={prediction} hovered={hovered} onHover={onPlotHover} />
          <Downloads files={files} stem={stem} />
        </div>
        <div className="results-col">
          {prediction.pae ? (
            <PaeHeatmap
              prediction={prediction}
              pae={prediction.pae}
              maxPae={prediction.maxPae ?? AF2_MAX_PAE}
              selection={selection}
              onSelect={onSelect}
            />
          ) : (
            <section className="results-card">
              <h3>Predicted aligned error</h3>
              <p>
                This model has no PAE head (use a <code>_ptm</code> model to get PAE and pTM).
              </p>
            </section>
          )}
          <Summary summary={summary} plddt={prediction.plddt} modelName={modelName} seed={seed} />
        </div>
      </div>
    </article>
  );
}
