import { type DragEvent, useId } from 'react';
import { useInputStore } from './store.ts';
import type { SequenceCheck } from './validate.ts';

/** Reads a dropped file: an .a3m becomes the alignment, anything else is FASTA text. */
async function readDropped(file: File): Promise<void> {
  const text = await file.text();
  const store = useInputStore.getState();
  if (/\.a3m$/i.test(file.name)) store.setAlignment(file.name, text);
  else {
    store.clearAlignment();
    store.setText(text);
  }
}

function CheckMessage({ check, id }: { check: SequenceCheck; id: string }) {
  if (check.status === 'empty') {
    return (
      <p id={id} className="muted field-note">
        Paste a protein sequence (one-letter codes) or a FASTA record, or drop a .fasta / .a3m file here.
      </p>
    );
  }
  if (check.status === 'ok') {
    return (
      <p id={id} className="field-note field-ok" data-testid="sequence-ok">
        ✓ {check.length} residues{check.description ? ` · ${check.description}` : ''}
      </p>
    );
  }
  return (
    <p id={id} className="field-note field-error" role="alert" data-testid="sequence-error">
      {check.letter && check.position !== undefined ? (
        <strong>
          Invalid letter {check.letter} at position {check.position}.{' '}
        </strong>
      ) : null}
      {check.message}
    </p>
  );
}

export function SequenceField({ check }: { check: SequenceCheck }) {
  const text = useInputStore((s) => s.text);
  const alignment = useInputStore((s) => s.alignment);
  const setText = useInputStore((s) => s.setText);
  const fieldId = useId();
  const noteId = useId();

  const onDrop = (ev: DragEvent<HTMLTextAreaElement>) => {
    const file = ev.dataTransfer.files[0];
    if (!file) return;
    ev.preventDefault();
    void readDropped(file);
  };

  return (
    <div className="field">
      <label htmlFor={fieldId}>
        Sequence <span className="muted">(FASTA or plain one-letter codes)</span>
      </label>
      <textarea
        id={fieldId}
        data-testid="sequence-input"
        className={check.status === 'error' ? 'invalid' : undefined}
        rows={5}
        spellCheck={false}
        autoComplete="off"
        placeholder={'>my_protein\nMKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ…'}
        value={text}
        readOnly={alignment !== undefined}
        aria-invalid={check.status === 'error'}
        aria-describedby={noteId}
        onChange={(ev) => setText(ev.target.value)}
        onDragOver={(ev) => ev.preventDefault()}
        onDrop={onDrop}
      />
      <div aria-live="polite">
        <CheckMessage check={check} id={noteId} />
      </div>
    </div>
  );
}
