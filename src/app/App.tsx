import { ErrorBoundary } from './ErrorBoundary.tsx';
import { GpuPanel } from './gpu/GpuPanel.tsx';

export function App() {
  return (
    <>
      <header className="site-header" data-testid="app-header">
        <div className="container">
          <h1>
            <img src="/favicon.svg" alt="" width="32" height="32" />
            webfold — AlphaFold2 in your browser
          </h1>
          <p className="tagline">
            Protein structure prediction with AlphaFold2, run on your own GPU through WebGPU. Your sequences
            never leave this machine.
          </p>
        </div>
      </header>
      <main className="container">
        <ErrorBoundary>
          <GpuPanel />
        </ErrorBoundary>
      </main>
    </>
  );
}
