/**
 * A results page with a synthetic prediction (no parameters, no GPU): for development and the
 * e2e spec (e2e/results.spec.ts), shown by `results-demo.html`, a page of its own that the
 * spec builds: the app's bundle carries no synthetic data.
 */
import { useMemo } from 'react';
import { DEMO_MODEL, DEMO_NAME, DEMO_SEED, demoA3m, demoPrediction } from './demo-data.ts';
import { ResultsView } from './ResultsView.tsx';

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
