#!/usr/bin/env node
// `npm run test:e2e [-- playwright args]`: the Playwright e2e suite with the system Chromium.
// Never downloads a browser; says what is missing instead. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [process.env.WEBFOLD_CHROMIUM, '/usr/bin/chromium', '/usr/lib/chromium/chromium'];
if (!candidates.some((p) => p && existsSync(p))) {
  console.error(
    "e2e needs Debian's Chromium (WebGPU runs on its SwiftShader): `apt-get install chromium`, " +
      'or set WEBFOLD_CHROMIUM to a Chromium binary.',
  );
  process.exit(1);
}

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
if (!env.XDG_RUNTIME_DIR) {
  // Chromium warns without one; a private 0700 folder silences it.
  const dir = join(tmpdir(), `webfold-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  env.XDG_RUNTIME_DIR = dir;
}
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (result.error) console.error(`could not run Playwright: ${result.error.message}`);
process.exit(result.status ?? 1);
