import { useState } from 'react';
import { useJobsStore } from './store.ts';
import type { Job } from './types.ts';

/** The job's name, renamed in place (Enter saves, Escape cancels). */
export function JobName({ job }: { job: Job }) {
  const rename = useJobsStore((s) => s.rename);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(job.name);
  if (!editing) {
    return (
      <span className="job-name">
        <strong data-testid="job-name">{job.name}</strong>{' '}
        <button
          type="button"
          className="link-button"
          aria-label={`Rename ${job.name}`}
          onClick={() => {
            setDraft(job.name);
            setEditing(true);
          }}
        >
          rename
        </button>
      </span>
    );
  }
  const save = () => {
    rename(job.id, draft);
    setEditing(false);
  };
  return (
    <form
      className="job-name"
      onSubmit={(ev) => {
        ev.preventDefault();
        save();
      }}
    >
      <input
        aria-label="Job name"
        value={draft}
        // biome-ignore lint/a11y/noAutofocus: focus moves to the field the user asked to edit
        autoFocus
        maxLength={80}
        onChange={(ev) => setDraft(ev.target.value)}
        onKeyDown={(ev) => {
          if (ev.key === 'Escape') setEditing(false);
        }}
        onBlur={save}
      />
    </form>
  );
}
