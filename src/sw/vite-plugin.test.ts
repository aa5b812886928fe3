/**
 * The service worker as the build ships it: `serviceWorkerFor` bundles src/sw/sw.ts with the
 * manifest of a small output folder; the script then runs with a fake service-worker scope,
 * in-memory Cache Storage and a fetch that serves that folder. It installs, activates and
 * answers requests the way the browser would see.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCaches } from './memory-caches.ts';
import { CACHE_PREFIX, cacheNameOf } from './precache-install.ts';
import { serviceWorkerFor } from './vite-plugin.ts';

const SCOPE = 'https://fold.example/';
const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>webfold</title>',
  'assets/index-A1.js': 'console.log("app")',
  'assets/index-A1.js.map': '{}',
  'assets/fold.worker-B2.js': 'self.onmessage = () => {}',
  'demo/params_demo_untrained.npz': 'PK\u0003\u0004 demo',
  'sw.js': 'an older service worker',
};

type Listener = (event: unknown) => void;

/** Runs the bundled script as a classic service worker script would run. */
function runServiceWorker(code: string, caches: MemoryCaches) {
  const listeners = new Map<string, Listener>();
  const requested: string[] = [];
  const self = {
    registration: { scope: SCOPE },
    clients: { matchAll: async () => [] },
    skipWaiting: async () => {},
    addEventListener: (type: string, fn: Listener) => listeners.set(type, fn),
  };
  const fetch = async (url: string | { url: string }) => {
    const href = typeof url === 'string' ? url : url.url;
    requested.push(href);
    const path = new URL(href).pathname.slice(1);
    return path in FILES
      ? new Response(FILES[path], { headers: { 'Content-Type': 'text/plain' } })
      : new Response('missing', { status: 404 });
  };
  new Function('self', 'caches', 'fetch', code)(self, caches.asCacheStorage(), fetch);
  const extendable = async (type: string) => {
    const waits: Promise<unknown>[] = [];
    listeners.get(type)?.({ waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  };
  const request = (url: string, mode = 'cors') => {
    let response: Promise<Response> | undefined;
    listeners.get('fetch')?.({
      request: { url, mode, method: 'GET' },
      respondWith: (r: Promise<Response>) => {
        response = r;
      },
    });
    return response;
  };
  return {
    listeners,
    requested,
    install: () => extendable('install'),
    activate: () => extendable('activate'),
    request,
  };
}

describe('the built service worker', () => {
  let outDir: string;
  let built: Awaited<ReturnType<typeof serviceWorkerFor>>;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'webfold-sw-'));
    for (const [name, text] of Object.entries(FILES)) {
      await mkdir(join(outDir, name, '..'), { recursive: true });
      await writeFile(join(outDir, name), text);
    }
    built = await serviceWorkerFor(outDir, process.cwd());
  }, 60_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('precaches the build (not the map, not itself) and is one classic script', () => {
    expect(built.manifest.entries.map((e) => e.url)).toEqual([
      'assets/fold.worker-B2.js',
      'assets/index-A1.js',
      'demo/params_demo_untrained.npz',
      'index.html',
    ]);
    expect(built.code).not.toMatch(/^\s*(import|export)\s/m);
    expect(built.code).toContain(built.manifest.version);
  });

  it('installs every file, then serves the app offline with COOP/COEP and leaves the rest alone', async () => {
    const caches = new MemoryCaches();
    await caches.open(`${CACHE_PREFIX}older`);
    const sw = runServiceWorker(built.code, caches);
    expect([...sw.listeners.keys()].sort()).toEqual(['activate', 'fetch', 'install', 'message']);
    await sw.install();
    const name = cacheNameOf(built.manifest);
    expect((await caches.open(name)).entries.size).toBe(4);
    await sw.activate();
    expect(await caches.keys()).toEqual([name]);

    sw.requested.length = 0;
    const shell = await sw.request(SCOPE, 'navigate');
    expect(shell).toBeDefined();
    expect(await shell!.text()).toBe(FILES['index.html']);
    expect(shell!.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(shell!.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    const worker = await sw.request(`${SCOPE}assets/fold.worker-B2.js`, 'same-origin');
    expect(await worker!.text()).toBe(FILES['assets/fold.worker-B2.js']);
    expect(worker!.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    const params = await sw.request(`${SCOPE}demo/params_demo_untrained.npz`);
    expect(await params!.text()).toBe(FILES['demo/params_demo_untrained.npz']);
    expect(sw.requested).toEqual([]); // all from the cache

    expect(sw.request('https://storage.googleapis.com/alphafold/params.tar')).toBeUndefined();
    expect(sw.request(`${SCOPE}assets/index-A1.js.map`)).toBeUndefined();
  });
});
