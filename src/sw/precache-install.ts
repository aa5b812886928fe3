/**
 * Saving a precache: every manifest entry into one cache named after the manifest's version,
 * each file's bytes checked against its SHA-256 before they are stored. Files an older version
 * already holds with the same digest are copied from there instead of downloaded again (the demo
 * parameters, unchanged chunks). Entries already in this version's cache with the right digest
 * are kept (a retried install, or a new service worker script over the same files, whose cache
 * the running version is serving from). If anything fails, a cache this attempt created is
 * deleted: a service worker whose install failed never activates, and no half-written cache of a
 * new version is left behind.
 */
import type { PrecacheEntry, SwManifest } from './manifest.ts';

export const CACHE_PREFIX = 'webfold-precache-';
/** Stored with every cached file: the SHA-256 its bytes were verified against. */
export const REVISION_HEADER = 'X-Webfold-Revision';

export function cacheNameOf(manifest: SwManifest): string {
  return `${CACHE_PREFIX}${manifest.version.slice(0, 16)}`;
}

export class PrecacheError extends Error {
  override name = 'PrecacheError';
}

export interface InstallProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

export interface InstallDeps {
  caches: CacheStorage;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  onProgress?: (p: InstallProgress) => void;
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A copy of `url` with digest `revision` from another webfold precache, if one has it. */
async function fromOlderCache(caches: CacheStorage, current: string, url: string, revision: string) {
  for (const name of await caches.keys()) {
    if (name === current || !name.startsWith(CACHE_PREFIX)) continue;
    const hit = await (await caches.open(name)).match(url);
    if (hit?.headers.get(REVISION_HEADER) === revision) return hit;
  }
  return undefined;
}

function explainError(err: unknown): string {
  if (err instanceof DOMException && err.name === 'QuotaExceededError') {
    return 'not enough browser storage (remove finished jobs or parameter sets, or free disk space)';
  }
  return err instanceof Error ? err.message : String(err);
}

/** The file at `url`, checked against the entry's SHA-256, ready to be stored. */
async function download(entry: PrecacheEntry, url: string, fetch: InstallDeps['fetch']): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
  } catch (err) {
    throw new PrecacheError(`${entry.url} could not be downloaded: ${explainError(err)}`);
  }
  if (!res.ok) throw new PrecacheError(`${entry.url} could not be downloaded: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  const got = await sha256Hex(bytes);
  if (got !== entry.revision) {
    throw new PrecacheError(
      `${entry.url} on the server is not the file this version was built with (SHA-256 ` +
        `${got.slice(0, 12)}…, expected ${entry.revision.slice(0, 12)}…): a newer version was ` +
        'probably deployed; reload the page',
    );
  }
  const type = res.headers.get('Content-Type') ?? 'application/octet-stream';
  return new Response(bytes, { headers: { 'Content-Type': type, [REVISION_HEADER]: entry.revision } });
}

/** Fills the cache for `manifest` (URLs resolved against `scope`); returns the cache name. */
export async function installPrecache(
  manifest: SwManifest,
  scope: string,
  deps: InstallDeps,
): Promise<string> {
  const name = cacheNameOf(manifest);
  const totalBytes = manifest.entries.reduce((s, e) => s + e.bytes, 0);
  const progress: InstallProgress = { files: 0, totalFiles: manifest.entries.length, bytes: 0, totalBytes };
  const existed = await deps.caches.has(name);
  const cache = await deps.caches.open(name);
  try {
    for (const entry of manifest.entries) {
      const url = new URL(entry.url, scope).href;
      // An entry carrying the right revision was verified when it was stored.
      if ((await cache.match(url))?.headers.get(REVISION_HEADER) !== entry.revision) {
        const older = await fromOlderCache(deps.caches, name, url, entry.revision);
        await cache.put(url, older ?? (await download(entry, url, deps.fetch)));
      }
      progress.files++;
      progress.bytes += entry.bytes;
      deps.onProgress?.({ ...progress });
    }
  } catch (err) {
    if (!existed) await deps.caches.delete(name).catch(() => {});
    if (err instanceof PrecacheError) throw err;
    throw new PrecacheError(`the offline copy could not be saved: ${explainError(err)}`);
  }
  return name;
}

/** Deletes every webfold precache but `keep` (run when a version activates). */
export async function deleteOlderCaches(caches: CacheStorage, keep: string): Promise<string[]> {
  const old = (await caches.keys()).filter((n) => n.startsWith(CACHE_PREFIX) && n !== keep);
  await Promise.all(old.map((n) => caches.delete(n)));
  return old;
}
