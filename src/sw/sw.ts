/**
 * webfold's service worker (built to /sw.js by ./vite-plugin.ts, which defines the manifest).
 *
 * - install: saves every file of this build (./manifest.ts), verified, into a cache of its own
 *   (./precache-install.ts). The new version then waits: the page offers "Update available —
 *   reload" and posts SKIP_WAITING when the user accepts; nothing is swapped silently.
 * - activate: deletes the older versions' caches. No clients.claim(): a page loaded from the
 *   network stays on the network until it is reloaded (tests that rewrite scripts rely on it).
 * - fetch: the app's own files come from the cache, re-wrapped with COOP/COEP so the page and its
 *   workers stay cross-origin isolated offline (./isolation.ts); everything else is untouched.
 */
import { withIsolation } from './isolation.ts';
import type { SwManifest } from './manifest.ts';
import { SKIP_WAITING, type SwMessage } from './messages.ts';
import { cacheNameOf, deleteOlderCaches, installPrecache } from './precache-install.ts';
import { routeRequest } from './routing.ts';

declare const __WEBFOLD_SW_MANIFEST__: SwManifest;

const manifest = __WEBFOLD_SW_MANIFEST__;
const sw = self as unknown as ServiceWorkerGlobalScope;
const scope = sw.registration.scope;
const cacheName = cacheNameOf(manifest);
const precached = new Set(manifest.entries.map((e) => new URL(e.url, scope).href));
const fallback = new URL(manifest.navigationFallback, scope).href;

async function broadcast(message: SwMessage): Promise<void> {
  for (const client of await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
    client.postMessage(message);
  }
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    installPrecache(manifest, scope, {
      caches,
      fetch: (url, init) => fetch(url, init),
      onProgress: (progress) =>
        void broadcast({ type: 'webfold-sw:progress', version: manifest.version, progress }),
    }).catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      await broadcast({ type: 'webfold-sw:failed', version: manifest.version, message });
      throw err;
    }),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(deleteOlderCaches(caches, cacheName));
});

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === SKIP_WAITING) void sw.skipWaiting();
});

async function fromPrecache(request: Request, url: string): Promise<Response> {
  const hit = await (await caches.open(cacheName)).match(url);
  // A miss means the cache was cleared under us (site data removed): the network still works.
  return withIsolation(hit ?? (await fetch(request)));
}

sw.addEventListener('fetch', (event) => {
  const route = routeRequest(event.request, scope, precached, fallback);
  if (route.kind === 'precache') event.respondWith(fromPrecache(event.request, route.url));
});
