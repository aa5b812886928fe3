import { useEffect } from 'react';
import { formatBytes } from '../fold/format.ts';
import { useJobsStore } from '../jobs/store.ts';
import { useParamsStore } from '../params/store.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { useStorageStore } from './store.ts';
import { approxBytes, finishedJobs, usageRows, usedFraction } from './usage.ts';
import './storage.css';

/** What this site keeps in the browser, whether it is kept for good, and cleanup. */
export function StoragePanel() {
  const { estimate, persisted, persistRefused, busy, error } = useStorageStore();
  const refresh = useStorageStore((s) => s.refresh);
  const requestPersist = useStorageStore((s) => s.requestPersist);
  const deleteFinishedJobs = useStorageStore((s) => s.deleteFinishedJobs);
  const deleteImportedParams = useStorageStore((s) => s.deleteImportedParams);
  const jobs = useJobsStore((s) => s.jobs);
  const params = useParamsStore((s) => s.list);

  const finished = finishedJobs(jobs);
  const finishedBytes = finished.reduce((sum, j) => sum + approxBytes(j), 0);
  const imported = params.filter((p) => !p.demo);
  const importedBytes = imported.reduce((sum, p) => sum + p.bytes, 0);
  const doneCount = jobs.filter((j) => j.status === 'done').length;

  // Re-read the estimate whenever what is stored changes.
  const stored = `${finished.length} finished, ${doneCount} done, ${imported.length} imported`;
  useEffect(() => {
    if (stored) void refresh();
  }, [refresh, stored]);
  // The first finished result is worth keeping: ask once for persistent storage (no prompt in
  // Chromium, which decides by site engagement; an installed app is granted).
  useEffect(() => {
    if (doneCount > 0 && persisted === false && !persistRefused) void requestPersist();
  }, [doneCount, persisted, persistRefused, requestPersist]);

  const fraction = usedFraction(estimate);
  const rows = usageRows(estimate);
  return (
    <section className="panel" aria-labelledby="storage-heading" data-testid="storage-panel">
      <h2 id="storage-heading">Storage</h2>
      {estimate?.usage !== undefined && (
        <p data-testid="storage-usage" data-usage={estimate.usage} data-quota={estimate.quota}>
          {formatBytes(estimate.usage)} used
          {estimate.quota ? ` of ${formatBytes(estimate.quota)} this browser allows this site` : ''}
        </p>
      )}
      {fraction !== undefined && (
        <progress
          className="storage-bar"
          max={1}
          value={fraction}
          aria-label="Share of the storage quota used"
        />
      )}
      {rows.length > 0 && (
        <table className="storage-rows" data-testid="storage-rows">
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-kind={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num">{formatBytes(r.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small" data-testid="storage-persisted" data-persisted={String(persisted)}>
        {persisted === true && 'Persistent: the browser keeps this data until you delete it.'}
        {persisted === false &&
          (persistRefused
            ? 'Not persistent: the browser declined for now (installing the app or bookmarking the site helps); it may evict this data when the disk runs low.'
            : 'Not persistent: the browser may evict this data when the disk runs low.')}
      </p>
      {persisted === false && (
        <button
          type="button"
          className="secondary"
          data-testid="storage-persist"
          onClick={() => void requestPersist()}
        >
          Keep my data (persistent storage)
        </button>
      )}
      <div className="storage-actions">
        <ConfirmButton
          testId="delete-finished-jobs"
          label={`Delete finished jobs (${finished.length}${finished.length ? `, ≈ ${formatBytes(finishedBytes)}` : ''})`}
          question={`Delete ${finished.length} finished job${finished.length === 1 ? '' : 's'} and their results?`}
          disabled={finished.length === 0}
          onConfirm={() => void deleteFinishedJobs()}
        />
        <ConfirmButton
          testId="delete-imported-params"
          label={`Delete imported parameter sets (${imported.length}${imported.length ? `, ${formatBytes(importedBytes)}` : ''})`}
          question={`Delete ${imported.length} imported parameter set${imported.length === 1 ? '' : 's'}? The demo set stays.`}
          disabled={imported.length === 0 || busy}
          onConfirm={() => void deleteImportedParams()}
        />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
