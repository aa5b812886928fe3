import { formatBytes } from '../fold/format.ts';
import { useParamsStore } from './store.ts';

/** Storage use and whether the browser keeps it (persistent storage). */
export function StorageNote() {
  const storage = useParamsStore((s) => s.storage);
  const granted = useParamsStore((s) => s.persistGranted);
  const persisted = granted ?? storage?.persisted;
  return (
    <p className="muted small" data-testid="storage-note">
      {storage?.usage !== undefined && storage.quota !== undefined
        ? `This site stores ${formatBytes(storage.usage)} of its ${formatBytes(storage.quota)} quota. `
        : ''}
      {persisted === true && 'Storage is persistent: the browser will not evict it under pressure.'}
      {persisted === false &&
        'Storage is not persistent: the browser may evict imported parameters when the disk runs low (bookmarking or installing the site helps it grant persistence).'}
    </p>
  );
}
