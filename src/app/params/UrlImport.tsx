import { useEffect, useId, useState } from 'react';
import type { UrlImportProgress, UrlImportVerification } from '../../worker/download-api.ts';
import { formatBytes } from '../fold/format.ts';
import { useUrlImportStore } from './url-store.ts';

const PHASES: Record<UrlImportProgress['phase'], string> = {
  checking: 'looking for a published SHA-256',
  connecting: 'connecting',
  downloading: 'downloading',
  verifying: 'computing SHA-256',
  reading: 'reading',
  validating: 'validating the parameter schema',
  converting: 'converting',
  hashing: 'hashing the runtime pack',
  storing: 'storing',
  done: 'done',
};

function progressText(p: UrlImportProgress): string {
  const bytes =
    p.done !== undefined
      ? ` ${formatBytes(p.done)}${p.total !== undefined ? ` of ${formatBytes(p.total)}` : ''}`
      : '';
  const resumed =
    p.phase === 'downloading' && p.resumedFrom ? ` (resumed at ${formatBytes(p.resumedFrom)})` : '';
  const detail = p.detail ? ` (${p.detail})` : '';
  return `${PHASES[p.phase]}${bytes}${resumed}${detail}`;
}

function verifiedText(v: UrlImportVerification): string {
  const how = v.against
    ? `SHA-256 ${v.sha256} matches ${v.against}`
    : `SHA-256 ${v.sha256} (no expected digest given: checked for complete size and the parameter schema)`;
  const resumed = v.resumedFrom
    ? `; resumed at ${formatBytes(v.resumedFrom)}`
    : v.restarted
      ? '; restarted from the beginning'
      : '';
  return `${how}${resumed}`;
}

function ModelChoice({ models }: { models: string[] }) {
  const start = useUrlImportStore((s) => s.start);
  const discard = useUrlImportStore((s) => s.discard);
  const [model, setModel] = useState(models.find((m) => m === 'model_1_ptm') ?? models[0]);
  const id = useId();
  return (
    <div className="model-picker" data-testid="params-url-model-picker">
      <label htmlFor={id}>The archive holds {models.length} models; import:</label>{' '}
      <select id={id} value={model} onChange={(ev) => setModel(ev.target.value)}>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>{' '}
      <button type="button" onClick={() => void start(model)}>
        Import {model}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => void discard()}>
        Discard the download
      </button>
    </div>
  );
}

function Status() {
  const state = useUrlImportStore((s) => s.state);
  const { start, pause, discard } = useUrlImportStore.getState();
  switch (state.status) {
    case 'idle':
      return null;
    case 'running': {
      const pct = Math.round(state.progress.fraction * 100);
      return (
        <div
          data-testid="params-url-progress"
          data-phase={state.progress.phase}
          data-done={state.progress.done}
        >
          <p className="small">
            {progressText(state.progress)} — {pct}%
          </p>
          <progress max={100} value={pct} aria-label="Parameter download progress" />{' '}
          {['connecting', 'downloading'].includes(state.progress.phase) && (
            <button type="button" className="secondary" onClick={pause} data-testid="params-url-pause">
              Pause
            </button>
          )}
        </div>
      );
    }
    case 'paused':
    case 'failed': {
      const resumable = state.status === 'paused' || state.resumable;
      return (
        <div
          className="alert alert-bad"
          role="alert"
          data-testid={resumable ? 'params-url-interrupted' : 'params-url-error'}
        >
          <strong>
            {resumable ? 'Download stopped before the end.' : 'Could not use these parameters.'}
          </strong>
          <p className="pre-line">{state.message}</p>
          {resumable && (
            <div className="row-start">
              <button type="button" onClick={() => void start()} data-testid="params-url-resume">
                Resume download
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => void discard()}
                data-testid="params-url-discard"
              >
                Discard the partial download
              </button>
            </div>
          )}
        </div>
      );
    }
    case 'choose-model':
      return (
        <div data-testid="params-url-verified">
          <p className="field-ok small">✓ Downloaded and verified: {verifiedText(state.verification)}</p>
          <ModelChoice models={state.models} />
        </div>
      );
    case 'done':
      return (
        <p className="field-ok small" role="status" data-testid="params-url-done">
          ✓ Stored {state.stored.name} ({state.stored.summary.parameterCount.toLocaleString()} parameters).{' '}
          {verifiedText(state.verification)}.
        </p>
      );
  }
}

/** Download a parameter file (.npz, or the official .tar) from a URL, resumable and verified. */
export function UrlImport() {
  const { url, sha256, state, partial } = useUrlImportStore();
  const { setUrl, setSha256, start, discard, checkPartial } = useUrlImportStore.getState();
  const urlId = useId();
  const shaId = useId();
  const busy = state.status === 'running';
  useEffect(() => {
    // After typing stops: is part of this URL's file already downloaded?
    const t = setTimeout(() => void checkPartial(), url ? 300 : 0);
    return () => clearTimeout(t);
  }, [url, checkPartial]);
  return (
    <details className="field" data-testid="params-url" open={state.status !== 'idle' || undefined}>
      <summary>Download parameters from a URL…</summary>
      <p className="field-note muted">
        An AlphaFold2 <code>params_model_N[_ptm].npz</code> or the whole <code>.tar</code>, from the official
        release or a mirror (the server must allow downloads from this page). The file is checked with SHA-256
        before use, against the digest below or the server's <code>&lt;url&gt;.sha256</code>; an interrupted
        download resumes where it stopped. Only the file is downloaded: nothing is sent.
      </p>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void start();
        }}
      >
        <label htmlFor={urlId}>URL</label>
        <input
          id={urlId}
          type="url"
          required
          value={url}
          disabled={busy}
          placeholder="https://…/params_model_1_ptm.npz"
          style={{ width: '100%' }}
          data-testid="params-url-input"
          onChange={(ev) => setUrl(ev.target.value)}
        />
        <label htmlFor={shaId}>Expected SHA-256 (optional)</label>
        <input
          id={shaId}
          type="text"
          value={sha256}
          disabled={busy}
          spellCheck={false}
          placeholder="64 hexadecimal digits"
          style={{ width: '100%', fontFamily: 'monospace' }}
          data-testid="params-url-sha256"
          onChange={(ev) => setSha256(ev.target.value)}
        />
        <div className="row-start">
          <button type="submit" disabled={busy || !url.trim()} data-testid="params-url-download">
            {partial && !partial.complete ? 'Resume download' : 'Download and import'}
          </button>
          {partial && !busy && state.status !== 'paused' && state.status !== 'failed' && (
            <span className="small" data-testid="params-url-partial">
              {partial.complete
                ? `A complete download of this URL (${formatBytes(partial.bytes)}) is kept until a model is imported from it.`
                : `${formatBytes(partial.bytes)}${partial.total ? ` of ${formatBytes(partial.total)}` : ''} already downloaded (not usable until complete and verified).`}{' '}
              <button type="button" className="link-button" onClick={() => void discard()}>
                Discard
              </button>
            </span>
          )}
        </div>
      </form>
      <Status />
    </details>
  );
}
