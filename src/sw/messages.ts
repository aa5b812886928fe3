/** Messages between the pages and the service worker (postMessage). */
import type { InstallProgress } from './precache-install.ts';

/** page → waiting service worker: the user chose to reload into the new version */
export const SKIP_WAITING = 'webfold-sw:skip-waiting';

/** service worker → pages */
export type SwMessage =
  | { type: 'webfold-sw:progress'; version: string; progress: InstallProgress }
  | { type: 'webfold-sw:failed'; version: string; message: string };

export function isSwMessage(data: unknown): data is SwMessage {
  const type = (data as { type?: unknown } | null)?.type;
  return type === 'webfold-sw:progress' || type === 'webfold-sw:failed';
}
