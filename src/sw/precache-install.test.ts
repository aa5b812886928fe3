import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildManifest } from './manifest.ts';
import { MemoryCaches } from './memory-caches.ts';
import {
  CACHE_PREFIX,
  cacheNameOf,
  deleteOlderCaches,
  installPrecache,
  PrecacheError,
  REVISION_HEADER,
} from './precache-install.ts';

const SCOPE = 'https://fold.example/';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const enc = (s: string) => new TextEncoder().encode(s);

function serverWith(files: Record<string, string>) {
  const requested: string[] = [];
  const fetch = async (url: string) => {
    requested.push(url);
    const path = url.slice(SCOPE.length);
    if (!(path in files)) return new Response('not found', { status: 404 });
    return new Response(files[path], { headers: { 'Content-Type': 'text/plain' } });
  };
  return { fetch, requested };
}

const FILES = { 'index.html': '<html>v1', 'assets/a-1.js': 'a1', 'demo/p.npz': 'params' };
const manifestOf = (files: Record<string, string>) =>
  buildManifest(
    Object.entries(files).map(([name, text]) => ({ name, content: enc(text) })),
    sha,
  );

describe('installPrecache', () => {
  let caches: MemoryCaches;
  beforeEach(() => {
    caches = new MemoryCaches();
  });

  it('stores every file, verified, with its revision, and reports progress', async () => {
    const manifest = manifestOf(FILES);
    const server = serverWith(FILES);
    const progress: number[] = [];
    const name = await installPrecache(manifest, SCOPE, {
      caches: caches.asCacheStorage(),
      fetch: server.fetch,
      onProgress: (p) => progress.push(p.files),
    });
    expect(name).toBe(cacheNameOf(manifest));
    expect(name.startsWith(CACHE_PREFIX)).toBe(true);
    const cache = await caches.open(name);
    expect([...cache.entries.keys()].sort()).toEqual(
      Object.keys(FILES)
        .map((f) => SCOPE + f)
        .sort(),
    );
    const shell = (await cache.match(`${SCOPE}index.html`))!;
    expect(await shell.text()).toBe('<html>v1');
    expect(shell.headers.get(REVISION_HEADER)).toBe(sha(enc('<html>v1')));
    expect(shell.headers.get('Content-Type')).toBe('text/plain');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('refuses a file whose bytes differ from the build, and leaves no cache behind', async () => {
    const manifest = manifestOf(FILES);
    const server = serverWith({ ...FILES, 'index.html': '<html>v2 deployed meanwhile' });
    const run = installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: server.fetch });
    await expect(run).rejects.toThrow(PrecacheError);
    await expect(run).rejects.toThrow(
      /index\.html on the server is not the file this version was built with/,
    );
    expect(await caches.keys()).toEqual([]);
  });

  it('names the missing file and its HTTP status', async () => {
    const manifest = manifestOf(FILES);
    const { 'assets/a-1.js': _gone, ...rest } = FILES;
    const server = serverWith(rest);
    await expect(
      installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: server.fetch }),
    ).rejects.toThrow('assets/a-1.js could not be downloaded: HTTP 404');
    expect(await caches.keys()).toEqual([]);
  });

  it('names a network failure', async () => {
    const manifest = manifestOf(FILES);
    const fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(
      installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch }),
    ).rejects.toThrow(/could not be downloaded: Failed to fetch/);
  });

  it('says when storage is full, and deletes the partial cache', async () => {
    caches.quota = 10;
    const manifest = manifestOf(FILES);
    const server = serverWith(FILES);
    await expect(
      installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: server.fetch }),
    ).rejects.toThrow(/not enough browser storage/);
    expect(await caches.keys()).toEqual([]);
  });

  it('copies unchanged files from the previous version instead of downloading them', async () => {
    const v1 = manifestOf(FILES);
    const server1 = serverWith(FILES);
    await installPrecache(v1, SCOPE, { caches: caches.asCacheStorage(), fetch: server1.fetch });

    const FILES2 = { ...FILES, 'index.html': '<html>v2', 'assets/a-2.js': 'a2' };
    delete (FILES2 as Record<string, string>)['assets/a-1.js'];
    const v2 = manifestOf(FILES2);
    const server2 = serverWith(FILES2);
    const name = await installPrecache(v2, SCOPE, { caches: caches.asCacheStorage(), fetch: server2.fetch });
    expect(server2.requested.sort()).toEqual([`${SCOPE}assets/a-2.js`, `${SCOPE}index.html`]);
    expect(await (await (await caches.open(name)).match(`${SCOPE}demo/p.npz`))!.text()).toBe('params');

    // activation of v2 removes v1's cache only
    const removed = await deleteOlderCaches(caches.asCacheStorage(), name);
    expect(removed).toEqual([cacheNameOf(v1)]);
    expect(await caches.keys()).toEqual([name]);
  });

  it('keeps verified entries an earlier attempt stored and replaces unverified ones', async () => {
    const manifest = manifestOf(FILES);
    const earlier = await caches.open(cacheNameOf(manifest));
    await earlier.put(`${SCOPE}index.html`, new Response('half-written'));
    const server1 = serverWith({ 'assets/a-1.js': 'a1', 'demo/p.npz': 'params' }); // no index.html
    await expect(
      installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: server1.fetch }),
    ).rejects.toThrow(/HTTP 404/);
    // the cache existed before this attempt: it stays, with what was verified so far
    const server2 = serverWith(FILES);
    await installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: server2.fetch });
    expect(server2.requested).toEqual([`${SCOPE}index.html`]);
    const shell = await (await caches.open(cacheNameOf(manifest))).match(`${SCOPE}index.html`);
    expect(await shell!.text()).toBe('<html>v1');
  });

  it('a new service worker over the same files downloads nothing and leaves the running cache whole', async () => {
    const manifest = manifestOf(FILES);
    await installPrecache(manifest, SCOPE, {
      caches: caches.asCacheStorage(),
      fetch: serverWith(FILES).fetch,
    });
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    await installPrecache(manifest, SCOPE, { caches: caches.asCacheStorage(), fetch: offline });
    expect((await caches.open(cacheNameOf(manifest))).entries.size).toBe(3);
  });

  it('does not delete caches of other names when activating', async () => {
    await caches.open('someone-else');
    await caches.open(`${CACHE_PREFIX}old`);
    await deleteOlderCaches(caches.asCacheStorage(), `${CACHE_PREFIX}new`);
    expect(await caches.keys()).toEqual(['someone-else']);
  });
});
