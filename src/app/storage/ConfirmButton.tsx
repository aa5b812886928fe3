import { useState } from 'react';

export interface ConfirmButtonProps {
  /** what the first click offers, e.g. "Delete finished jobs (3)" */
  label: string;
  /** the question shown next to the confirming button */
  question: string;
  testId: string;
  disabled?: boolean;
  onConfirm(): void;
}

/** A destructive action in two clicks, on the page (no blocking confirm() dialog). */
export function ConfirmButton({ label, question, testId, disabled, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="danger"
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset className="confirm">
      <legend>{question}</legend>
      <button
        type="button"
        className="danger"
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Delete
      </button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Keep
      </button>
    </fieldset>
  );
}
