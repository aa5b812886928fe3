/**
 * Registers the service worker (production builds only) and follows it: saving progress and
 * failures of the offline copy, a waiting update, and the reload the user asks for. In `vite
 * dev` a service worker left over from a preview on the same origin is unregistered, so it never
 * serves a stale build during development.
 */
import { isSwMessage, SKIP_WAITING } from '../../sw/messages.ts';
import { type InstallPromptEvent, usePwaStore } from './store.ts';

const SW_URL = `${import.meta.env.BASE_URL}sw.js`;
const UPDATE_CHECK_MS = 60 * 60_000;

let registration: ServiceWorkerRegistration | undefined;
let started = false;

const set = usePwaStore.setState;

function follow(reg: ServiceWorkerRegistration, container: ServiceWorkerContainer): void {
  const evaluate = () => {
    // A waiting worker while a controller exists is an update; without one, the first install.
    if (reg.waiting && container.controller) set({ updateReady: true });
    // An active worker finished its install, so its copy of the app is complete.
    if (reg.active) set({ offline: { kind: 'ready' } });
    else if ((reg.installing || reg.waiting) && usePwaStore.getState().offline.kind !== 'saving')
      set({ offline: { kind: 'saving' } });
  };
  const watch = (worker: ServiceWorker | null) => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'redundant' && !reg.active && usePwaStore.getState().offline.kind !== 'failed') {
        set({ offline: { kind: 'failed', message: 'the service worker could not be installed' } });
      }
      evaluate();
    });
  };
  watch(reg.installing);
  watch(reg.waiting);
  reg.addEventListener('updatefound', () => {
    watch(reg.installing);
    evaluate();
  });
  evaluate();
}

async function unregisterOwn(container: ServiceWorkerContainer): Promise<void> {
  for (const reg of await container.getRegistrations()) {
    const url = (reg.active ?? reg.waiting ?? reg.installing)?.scriptURL ?? '';
    if (url.endsWith(SW_URL)) await reg.unregister();
  }
}

/** Starts once per page: registration, messages, online/offline and install-prompt events. */
export function startPwa(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  window.addEventListener('online', () => set({ online: true }));
  window.addEventListener('offline', () => set({ online: false }));
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    set({ installPrompt: e as InstallPromptEvent });
  });
  window.addEventListener('appinstalled', () => set({ installPrompt: undefined }));

  const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;
  if (!container) {
    set({ offline: { kind: 'unsupported' } });
    return;
  }
  if (!import.meta.env.PROD) {
    set({ offline: { kind: 'dev' } });
    void unregisterOwn(container).catch(() => {});
    return;
  }
  container.addEventListener('message', (event) => {
    const data: unknown = event.data;
    if (!isSwMessage(data)) return;
    if (data.type === 'webfold-sw:failed') {
      // An update that fails leaves the running version's offline copy as it was.
      if (!container.controller) set({ offline: { kind: 'failed', message: data.message } });
    } else if (!container.controller && usePwaStore.getState().offline.kind === 'saving') {
      // Messages may arrive after the worker activated: progress never overwrites 'ready'.
      set({ offline: { kind: 'saving', progress: data.progress } });
    }
  });
  container.addEventListener('controllerchange', () => {
    // Not asked for here (no clients.claim() either): another tab pressed "reload".
    if (!usePwaStore.getState().updating) set({ updateReady: false, updatedElsewhere: true });
  });
  container.startMessages();
  void registerAndFollow(container);
}

async function registerAndFollow(container: ServiceWorkerContainer): Promise<void> {
  const scope = new URL(import.meta.env.BASE_URL, window.location.href).href;
  // An existing registration is followed at once: register() below also checks the server for
  // an update, which takes a while (and fails offline).
  const existing = await container.getRegistration(scope).catch(() => undefined);
  if (existing) adopt(existing, container);
  try {
    adopt(
      await container.register(SW_URL, { scope: import.meta.env.BASE_URL, updateViaCache: 'none' }),
      container,
    );
  } catch (err) {
    // Offline, the update check of an installed version fails; the installed version still works.
    if (registration?.active) return;
    const message = err instanceof Error ? err.message : String(err);
    set({ offline: { kind: 'failed', message: `the service worker could not be registered: ${message}` } });
  }
}

function adopt(reg: ServiceWorkerRegistration, container: ServiceWorkerContainer): void {
  if (registration === reg) return;
  registration = reg;
  follow(reg, container);
  const check = () => void reg.update().catch(() => {});
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  setInterval(check, UPDATE_CHECK_MS);
}

/** The user accepted the update: the waiting version takes over, then the page reloads once. */
export function applyUpdate(): void {
  const waiting = registration?.waiting;
  if (!waiting) return;
  set({ updating: true });
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), {
    once: true,
  });
  waiting.postMessage({ type: SKIP_WAITING });
}

/** Shows the browser's install dialog, when the browser offered one. */
export async function installApp(): Promise<void> {
  const prompt = usePwaStore.getState().installPrompt;
  if (!prompt) return;
  set({ installPrompt: undefined });
  await prompt.prompt();
}
