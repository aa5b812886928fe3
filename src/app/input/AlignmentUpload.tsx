import { useId, useRef } from 'react';
import { useInputStore } from './store.ts';

/** Upload an A3M: its first row (the query) becomes the sequence, the rest its MSA. */
export function AlignmentUpload() {
  const alignment = useInputStore((s) => s.alignment);
  const error = useInputStore((s) => s.alignmentError);
  const setAlignment = useInputStore((s) => s.setAlignment);
  const clear = useInputStore((s) => s.clearAlignment);
  const inputId = useId();
  const ref = useRef<HTMLInputElement>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setAlignment(file.name, await file.text());
    if (ref.current) ref.current.value = '';
  };

  return (
    <div className="field">
      <div className="row-start">
        <label htmlFor={inputId} className="file-button">
          Upload an A3M alignment…
        </label>
        <input
          id={inputId}
          ref={ref}
          type="file"
          className="visually-hidden"
          accept=".a3m,text/plain"
          data-testid="a3m-input"
          onChange={(ev) => void onFile(ev.target.files?.[0])}
        />
        {alignment && (
          <span data-testid="alignment-info">
            Using <strong>{alignment.name}</strong>: {alignment.rows} sequences, query of{' '}
            {alignment.query.length} residues.{' '}
            <button type="button" className="link-button" onClick={clear}>
              Remove alignment
            </button>
          </span>
        )}
      </div>
      {error && (
        <p className="field-note field-error" role="alert" data-testid="alignment-error">
          {error}
        </p>
      )}
    </div>
  );
}
