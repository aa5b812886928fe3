/**
 * The precache manifest: every file of a production build the app needs offline (hashed JS and
 * CSS chunks, worker bundles, index.html, the manifest and icons, the demo parameters), each with
 * the SHA-256 of its bytes. The Vite plugin (./vite-plugin.ts) builds it from the output and
 * bakes it into sw.js; the service worker verifies every file against it while installing.
 */

/** One precached file: its path relative to the app's base URL and the hex SHA-256 of its bytes. */
export interface PrecacheEntry {
  url: string;
  revision: string;
  bytes: number;
}

export interface SwManifest {
  /** hex digest over every entry's url and revision: changes whenever any file changes */
  version: string;
  /** what a navigation inside the app is answered with (the app shell) */
  navigationFallback: string;
  entries: PrecacheEntry[];
}

/** A file of the build output (bundle chunks and assets, and the copied public/ files). */
export interface BuiltFile {
  name: string;
  content: Uint8Array;
}

export const SW_FILE = 'sw.js';
export const APP_SHELL = 'index.html';

/**
 * Whether a build output file belongs in the precache. Left out: source maps (only devtools read
 * them), the service worker itself (the browser fetches it on every update check), dot files,
 * and other HTML pages than the app shell (test pages built from the same config).
 */
export function shouldPrecache(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (base.startsWith('.')) return false;
  if (name.endsWith('.map')) return false;
  if (name === SW_FILE) return false;
  if (name.endsWith('.html') && name !== APP_SHELL) return false;
  return true;
}

/**
 * The manifest for a build. `sha256Hex` hashes bytes (node:crypto in the plugin). Entries are
 * sorted by url, so the same build gives the same manifest and version. A build without the
 * app shell is refused: such a service worker could not start the app offline.
 */
export function buildManifest(
  files: readonly BuiltFile[],
  sha256Hex: (bytes: Uint8Array) => string,
): SwManifest {
  const seen = new Set<string>();
  const entries: PrecacheEntry[] = [];
  for (const f of files) {
    const url = f.name.replace(/^\/+/, '');
    if (!shouldPrecache(url) || seen.has(url)) continue;
    seen.add(url);
    entries.push({ url, revision: sha256Hex(f.content), bytes: f.content.length });
  }
  if (!seen.has(APP_SHELL)) {
    throw new Error(`service worker: the build has no ${APP_SHELL}, so the app could not start offline`);
  }
  entries.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const summary = entries.map((e) => `${e.url} ${e.revision}\n`).join('');
  return { version: sha256Hex(new TextEncoder().encode(summary)), navigationFallback: APP_SHELL, entries };
}

/** Total bytes the precache holds (shown to the user while it is being saved). */
export function manifestBytes(manifest: SwManifest): number {
  return manifest.entries.reduce((sum, e) => sum + e.bytes, 0);
}
