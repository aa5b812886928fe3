/**
 * The app's offline state: whether the service worker has saved this version for offline use,
 * whether a newer version is waiting (shown as "Update available — reload", never swapped in
 * silently), whether the browser is online, and the browser's install prompt when it offers one.
 */
import { create } from 'zustand';
import type { InstallProgress } from '../../sw/precache-install.ts';

export type OfflineState =
  /** the service worker's registration is being looked up */
  | { kind: 'starting' }
  /** no service workers here (insecure context, some private modes) */
  | { kind: 'unsupported' }
  /** `vite dev`: no service worker is registered */
  | { kind: 'dev' }
  | { kind: 'saving'; progress?: InstallProgress }
  | { kind: 'ready' }
  | { kind: 'failed'; message: string };

/** Chromium's `beforeinstallprompt` event (not in lib.dom). */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export interface PwaState {
  offline: OfflineState;
  /** navigator.onLine */
  online: boolean;
  /** a new version is installed and waiting for the user */
  updateReady: boolean;
  /** the user accepted the update; the page reloads when the new version takes over */
  updating: boolean;
  /** another tab accepted an update: this one still runs the old code until reloaded */
  updatedElsewhere: boolean;
  installPrompt: InstallPromptEvent | undefined;
}

export const usePwaStore = create<PwaState>()(() => ({
  offline: { kind: 'starting' },
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  updateReady: false,
  updating: false,
  updatedElsewhere: false,
  installPrompt: undefined,
}));
