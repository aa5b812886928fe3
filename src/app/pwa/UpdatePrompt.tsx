import { useJobsStore } from '../jobs/store.ts';
import { applyUpdate } from './register.ts';
import { usePwaStore } from './store.ts';

/** "Update available — reload": the new version runs only when the user asks for it. */
export function UpdatePrompt() {
  const ready = usePwaStore((s) => s.updateReady);
  const updating = usePwaStore((s) => s.updating);
  const running = useJobsStore((s) => s.jobs.some((j) => j.status === 'running'));
  const elsewhere = usePwaStore((s) => s.updatedElsewhere);
  if (elsewhere) {
    return (
      <div className="pwa-update" role="status" data-testid="update-prompt" data-kind="elsewhere">
        <span>webfold was updated in another tab; this tab still runs the previous version.</span>
        {running && <span className="pwa-warning"> Reloading now interrupts the running fold.</span>}
        <button
          type="button"
          className="primary"
          data-testid="update-reload"
          onClick={() => window.location.reload()}
        >
          Reload this tab
        </button>
      </div>
    );
  }
  if (!ready) return null;
  return (
    <div className="pwa-update" role="status" data-testid="update-prompt" data-kind="waiting">
      <span>A new version of webfold is available.</span>
      {running && <span className="pwa-warning"> Reloading now interrupts the running fold.</span>}
      <button
        type="button"
        className="primary"
        data-testid="update-reload"
        disabled={updating}
        onClick={applyUpdate}
      >
        {updating ? 'Reloading…' : 'Update available — reload'}
      </button>
    </div>
  );
}
