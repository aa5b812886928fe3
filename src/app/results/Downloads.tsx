import { useId, useState } from 'react';
import { type ResultFile, saveFile, zipResultFiles } from './files.ts';

export interface DownloadsProps {
  files: readonly ResultFile[];
  stem: string;
}

/** One button per file (same names as `webfold fold`) and one for all of them as a zip. */
export function Downloads({ files, stem }: DownloadsProps) {
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const run = (f: () => void) => {
    try {
      setError(null);
      f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="results-card downloads-card" aria-labelledby={titleId}>
      <h3 id={titleId}>Downloads</h3>
      <ul className="download-list">
        {files.map((f) => (
          <li key={f.kind}>
            <button
              type="button"
              data-testid={`download-${f.kind}`}
              onClick={() => run(() => saveFile(f.content(), f.name, f.mime))}
              aria-label={`Download ${f.label}: ${f.name}`}
            >
              {f.label}
            </button>
            <span className="file-info">
              <code className="file-name" title={f.name}>
                {f.name}
              </code>
              <span className="file-detail">{f.detail}</span>
            </span>
          </li>
        ))}
        <li>
          <button
            type="button"
            className="primary"
            data-testid="download-zip"
            onClick={() => run(() => saveFile(zipResultFiles(files, stem), `${stem}.zip`, 'application/zip'))}
            aria-label={`Download all files as ${stem}.zip`}
          >
            All as zip
          </button>
          <span className="file-info">
            <code className="file-name">{stem}.zip</code>
            <span className="file-detail">all of the above</span>
          </span>
        </li>
      </ul>
      {error && (
        <p className="error" role="alert">
          Could not prepare the file: {error}
        </p>
      )}
    </section>
  );
}
