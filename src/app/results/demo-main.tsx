/** Entry of `results-demo.html`: the results view alone, on synthetic data. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { ResultsDemo } from './demo.tsx';
import '../styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('results demo: #root element missing');

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>
      <ResultsDemo />
    </ErrorBoundary>
  </StrictMode>,
);
