import { formatBytes } from '../fold/format.ts';
import { installApp } from './register.ts';
import { usePwaStore } from './store.ts';

/** One line in the header: offline readiness, "you are offline", and the install button. */
export function OfflineStatus() {
  const offline = usePwaStore((s) => s.offline);
  const online = usePwaStore((s) => s.online);
  const canInstall = usePwaStore((s) => s.installPrompt !== undefined);
  if (offline.kind === 'dev' || offline.kind === 'unsupported' || offline.kind === 'starting') {
    return online ? null : (
      <p className="pwa-status" data-testid="offline-status" data-state="offline-no-copy">
        You are offline.
      </p>
    );
  }
  let text: string;
  if (offline.kind === 'saving') {
    const p = offline.progress;
    text = p
      ? `Saving the app for offline use… ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`
      : 'Saving the app for offline use…';
  } else if (offline.kind === 'failed') {
    text = `The app could not be saved for offline use: ${offline.message}. It still works online.`;
  } else {
    text = online
      ? 'Works offline: the app and the demo parameters are saved in this browser.'
      : 'You are offline: the app runs from its saved copy; folds with stored parameters work as usual.';
  }
  return (
    <p
      className={`pwa-status${offline.kind === 'failed' ? ' pwa-failed' : ''}`}
      data-testid="offline-status"
      data-state={offline.kind}
      data-online={online}
      role={offline.kind === 'failed' ? 'alert' : 'status'}
    >
      {text}
      {canInstall && (
        <button
          type="button"
          className="pwa-install"
          data-testid="install-app"
          onClick={() => void installApp()}
        >
          Install webfold
        </button>
      )}
    </p>
  );
}
