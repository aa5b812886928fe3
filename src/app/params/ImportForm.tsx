import { useId, useRef, useState } from 'react';
import { useParamsStore } from './store.ts';

function ModelPicker({ file, models }: { file: File; models: string[] }) {
  const importModel = useParamsStore((s) => s.importModel);
  const cancel = useParamsStore((s) => s.cancelImport);
  const [model, setModel] = useState(models.find((m) => m === 'model_1_ptm') ?? models[0]);
  const id = useId();
  return (
    <div className="model-picker" data-testid="tar-model-picker">
      <label htmlFor={id}>
        <strong>{file.name}</strong> holds {models.length} models; import:
      </label>{' '}
      <select id={id} value={model} onChange={(ev) => setModel(ev.target.value)}>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>{' '}
      <button type="button" onClick={() => void importModel(file, model)}>
        Import {model}
      </button>{' '}
      <button type="button" className="secondary" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}

function ImportStatus() {
  const state = useParamsStore((s) => s.importState);
  const cancel = useParamsStore((s) => s.cancelImport);
  switch (state.status) {
    case 'idle':
      return null;
    case 'inspecting':
      return <p className="muted">Reading {state.fileName}…</p>;
    case 'choosing-model':
      return <ModelPicker file={state.file} models={state.models} />;
    case 'importing': {
      const pct = Math.round(state.progress.fraction * 100);
      return (
        <div className="import-progress" data-testid="params-import-progress">
          <p>
            Importing {state.fileName}: {state.progress.phase}
            {state.progress.detail ? ` (${state.progress.detail})` : ''} — {pct}%
          </p>
          <progress max={100} value={pct} aria-label="Parameter import progress" />{' '}
          <button type="button" className="secondary" onClick={cancel}>
            Cancel import
          </button>
        </div>
      );
    }
    case 'done':
      return (
        <p className="field-ok" role="status" data-testid="params-import-done">
          ✓ Stored {state.stored.name} ({state.stored.summary.parameterCount.toLocaleString()} parameters).
        </p>
      );
    case 'failed':
      return (
        <div className="alert alert-bad" role="alert" data-testid="params-import-error">
          <strong>Could not use {state.fileName}.</strong>
          <p className="pre-line">{state.message}</p>
        </div>
      );
  }
}

/** Pick a params .npz or the whole .tar from disk. */
export function ImportForm() {
  const pickFile = useParamsStore((s) => s.pickFile);
  const busy = useParamsStore(
    (s) => s.importState.status === 'importing' || s.importState.status === 'inspecting',
  );
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  const onFile = (file: File | undefined) => {
    if (!file) return;
    void pickFile(file);
    if (ref.current) ref.current.value = '';
  };
  return (
    <div className="field">
      <label htmlFor={id} className={`file-button${busy ? ' disabled' : ''}`}>
        Import parameters (.npz or .tar)…
      </label>
      <input
        id={id}
        ref={ref}
        type="file"
        className="visually-hidden"
        accept=".npz,.tar"
        disabled={busy}
        data-testid="params-file-input"
        onChange={(ev) => onFile(ev.target.files?.[0])}
      />
      <ImportStatus />
    </div>
  );
}
