import { useEffect, useState } from 'react';
import { HelperPanel } from './dap/HelperPanel.tsx';
import { openedFromInvitation } from './dap/helper-store.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { useEngineStore } from './fold/engine-store.ts';
import { GpuPanel } from './gpu/GpuPanel.tsx';
import { InputPanel } from './input/InputPanel.tsx';
import { JobsPanel } from './jobs/JobsPanel.tsx';
import { ParamsPanel } from './params/ParamsPanel.tsx';
import { PwaStatus } from './pwa/PwaStatus.tsx';
import { StoragePanel } from './storage/StoragePanel.tsx';
import { ResultsPanel } from './summary/ResultsPanel.tsx';

const SECTIONS = [
  ['#input-heading', 'Input'],
  ['#params-heading', 'Parameters'],
  ['#jobs-heading', 'Jobs'],
  ['#results-heading', 'Results'],
  ['#storage-heading', 'Storage'],
  ['#gpu-heading', 'GPU'],
] as const;

function Header({ sections }: { sections: boolean }) {
  return (
    <header className="site-header" data-testid="app-header">
      <div className="container">
        <h1>
          <img src="/favicon.svg" alt="" width="32" height="32" />
          webfold — AlphaFold2 in your browser
        </h1>
        <p className="tagline">
          Protein structure prediction with AlphaFold2, run on your own GPU through WebGPU. Your sequences
          never leave this machine unless you opt in to a remote MSA search.
        </p>
        <PwaStatus />
        {sections && (
          <nav aria-label="Sections" className="section-nav">
            <ul>
              {SECTIONS.map(([href, label]) => (
                <li key={href}>
                  <a href={href}>{label}</a>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </div>
    </header>
  );
}

/** A tab opened from an invitation link: it helps fold the other tab's job, nothing else. */
function HelperOnlyPage() {
  return (
    <>
      <Header sections={false} />
      <main className="container">
        <ErrorBoundary>
          <HelperPanel />
        </ErrorBoundary>
        <p className="muted" data-testid="helper-only-note">
          This tab only helps the tab that invited it; your jobs stay there.{' '}
          <a href="/">Open webfold on its own</a> to fold something else.
        </p>
      </main>
    </>
  );
}

export function App() {
  const loadEngine = useEngineStore((s) => s.load);
  // A tab opened from an invitation link only helps another tab's fold (decided once, on load).
  const [helperOnly] = useState(() => openedFromInvitation(window.location.href));

  useEffect(() => {
    if (helperOnly) return;
    // Deferred so the GPU panel's worker starts first (see ParamsPanel).
    const t = setTimeout(() => void loadEngine(), 0);
    return () => clearTimeout(t);
  }, [loadEngine, helperOnly]);
  if (helperOnly) return <HelperOnlyPage />;
  return (
    <>
      <a className="skip-link" href="#input-heading">
        Skip to the input
      </a>
      <Header sections />
      <main className="container">
        <ErrorBoundary>
          <HelperPanel />
        </ErrorBoundary>
        <div className="workspace">
          <div className="workspace-main">
            <ErrorBoundary>
              <InputPanel />
            </ErrorBoundary>
            <ErrorBoundary>
              <ParamsPanel />
            </ErrorBoundary>
          </div>
          <div className="workspace-side">
            <ErrorBoundary>
              <JobsPanel />
            </ErrorBoundary>
            <ErrorBoundary>
              <StoragePanel />
            </ErrorBoundary>
          </div>
        </div>
        <ErrorBoundary>
          <ResultsPanel />
        </ErrorBoundary>
        <ErrorBoundary>
          <GpuPanel />
        </ErrorBoundary>
      </main>
    </>
  );
}
