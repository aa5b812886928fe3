/**
 * A results page with a synthetic prediction (no parameters, no GPU): for development and the
 * e2e spec. Shown by `results-demo.html` here, or by the main app at `#results-demo`.
 */
import { useMemo } from 'react';
import { DEMO_MODEL, DEMO_NAME, DEMO_SEED, demoA3m, demoPrediction } from './demo-data.ts';
import { ResultsView } from './ResultsView.tsx';

export { isResultsDemo, RESULTS_DEMO_HASH } from './demo-data.ts';

export function ResultsDemo() {
  const prediction = useMemo(() => demoPrediction(), []);
  return (
    <main className="container">
      <p className="results-demo-note" role="note">
        Demo data: a synthetic prediction (random coordinates and confidences), not a fold.
      </p>
      <ResultsView
        prediction={prediction}
        name={DEMO_NAME}
        a3m={demoA3m()}
        seed={DEMO_SEED}
        modelName={DEMO_MODEL}
      />
    </main>
  );
}
