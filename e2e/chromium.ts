/** The system Chromium e2e runs in, and its flags (shared by playwright.config.ts and the specs). */
import { existsSync } from 'node:fs';

/** Debian's Chromium; Playwright never downloads a browser for this project. */
export function chromiumPath(): string {
  const candidates = [process.env.WEBFOLD_CHROMIUM, '/usr/bin/chromium', '/usr/lib/chromium/chromium'];
  for (const path of candidates) if (path && existsSync(path)) return path;
  throw new Error(
    "e2e needs Debian's Chromium: `apt-get install chromium` (or set WEBFOLD_CHROMIUM to a Chromium binary).",
  );
}

/** Flags for a machine without network; none of them changes what the app does. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The one flag that matters: without it `requestAdapter()` returns null on Linux. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', ...BASE_ARGS];
