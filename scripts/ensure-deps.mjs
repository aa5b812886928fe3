#!/usr/bin/env node
// `npm start` runs this first: installs the npm packages if node_modules is missing or older than
// package-lock.json (`npm ci`), or with `npm install` where there is no lock file. Built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const modules = join(root, 'node_modules');
const installedLock = join(modules, '.package-lock.json');

function reason() {
  if (!existsSync(modules)) return 'node_modules is missing';
  if (!existsSync(lock))
    return existsSync(installedLock) ? undefined : 'node_modules was never installed by npm';
  if (!existsSync(installedLock)) return 'node_modules/.package-lock.json is missing';
  if (statSync(lock).mtimeMs > statSync(installedLock).mtimeMs)
    return 'package-lock.json is newer than node_modules';
  return undefined;
}

const why = reason();
if (why) {
  const args = existsSync(lock) ? ['ci'] : ['install'];
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  console.log(`webfold: ${why}; running npm ${args.join(' ')}…`);
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`webfold: could not run npm: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(
      `webfold: npm ${args.join(' ')} failed (exit ${result.status}); fix the error above and retry.`,
    );
    process.exit(result.status ?? 1);
  }
}
process.exit(0);
