import { useEffect, useRef, useState } from 'react';
import { type LoadedStructure, ResultsMolstar } from './molstar.ts';
import { PlddtLegend } from './PlddtLegend.tsx';

export interface MolstarViewerProps {
  mmcif: string;
  label: string;
  /** called once the plugin exists (null when it is gone) */
  onReady: (viewer: ResultsMolstar | null) => void;
  onHover: (residue: number | null) => void;
}

type ViewerState =
  | { status: 'loading' }
  | { status: 'ready'; loaded: LoadedStructure }
  | { status: 'error'; message: string };

/** Mol* canvas with the structure as a pLDDT-coloured cartoon, and the AFDB legend. */
export function MolstarViewer({ mmcif, label, onReady, onHover }: MolstarViewerProps) {
  const host = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<ResultsMolstar | null>(null);
  const [state, setState] = useState<ViewerState>({ status: 'loading' });
  const callbacks = useRef({ onReady, onHover });
  callbacks.current = { onReady, onHover };

  useEffect(() => {
    const target = host.current;
    if (!target) return;
    let disposed = false;
    let made: ResultsMolstar | null = null;
    ResultsMolstar.mount(target).then(
      (v) => {
        if (disposed) return v.dispose();
        made = v;
        v.onHover((r) => callbacks.current.onHover(r));
        setViewer(v);
        callbacks.current.onReady(v);
      },
      (err: unknown) => {
        if (!disposed)
          setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      disposed = true;
      callbacks.current.onReady(null);
      made?.dispose();
    };
  }, []);

  useEffect(() => {
    if (!viewer) return;
    let stale = false;
    setState({ status: 'loading' });
    viewer.load(mmcif, label).then(
      (loaded) => !stale && setState({ status: 'ready', loaded }),
      (err: unknown) =>
        !stale && setState({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      stale = true;
    };
  }, [viewer, mmcif, label]);

  const loaded = state.status === 'ready' ? state.loaded : undefined;
  return (
    <section className="results-card molstar-card" aria-labelledby="molstar-title">
      <div className="card-head">
        <h3 id="molstar-title">3D structure</h3>
        <button type="button" className="small" onClick={() => viewer?.resetCamera()} disabled={!loaded}>
          Reset view
        </button>
      </div>
      <div
        className="molstar-host"
        ref={host}
        data-testid="molstar"
        data-state={state.status}
        data-residues={loaded?.residues}
        data-atoms={loaded?.atoms}
        role="img"
        aria-label={
          loaded
            ? `3D cartoon of ${label}, ${loaded.residues} residues, coloured by pLDDT. Drag to rotate, scroll to zoom.`
            : `3D view of ${label}`
        }
      />
      {state.status === 'loading' && <p className="molstar-status">Loading structure into Mol*…</p>}
      {state.status === 'error' && (
        <p className="molstar-status error" role="alert">
          3D view unavailable: {state.message}
        </p>
      )}
      <PlddtLegend />
    </section>
  );
}
