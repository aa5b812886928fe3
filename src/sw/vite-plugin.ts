/**
 * Vite plugin: after a production build is written, list its files with their SHA-256
 * (./manifest.ts), bundle the service worker (./sw.ts) with that manifest defined in it, and
 * write it as `<outDir>/sw.js`. Hashes are taken from the files on disk, so they are the bytes
 * the server will send. Does nothing in `vite dev` (the app registers no service worker there).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type ResolvedConfig } from 'vite';
import { APP_SHELL, type BuiltFile, buildManifest, manifestBytes, SW_FILE } from './manifest.ts';

const SW_ENTRY = fileURLToPath(new URL('./sw.ts', import.meta.url));

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await listFiles(path)));
    else if (d.isFile()) out.push(path);
  }
  return out;
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The service worker's code for the build in `outDir`, and how much it precaches. */
export async function serviceWorkerFor(outDir: string, root: string) {
  const files: BuiltFile[] = [];
  for (const path of await listFiles(outDir)) {
    files.push({ name: relative(outDir, path).split(sep).join('/'), content: await readFile(path) });
  }
  const manifest = buildManifest(files, sha256Hex);
  const out = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    define: { __WEBFOLD_SW_MANIFEST__: JSON.stringify(manifest) },
    build: {
      write: false,
      emptyOutDir: false,
      minify: true,
      sourcemap: false,
      target: 'es2022',
      lib: { entry: SW_ENTRY, formats: ['iife'], name: 'webfoldServiceWorker', fileName: () => SW_FILE },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('service worker: bundling src/sw/sw.ts produced no code');
  return { code: chunk.code, manifest };
}

export function webfoldServiceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'webfold:service-worker',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    writeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const outDir = resolve(config.root, config.build.outDir);
        if (!existsSync(join(outDir, APP_SHELL))) {
          // A build of another page (the results demo in e2e): there is no app to take offline.
          config.logger.info(`service worker: no ${APP_SHELL} in the output, so no ${SW_FILE}`);
          return;
        }
        const { code, manifest } = await serviceWorkerFor(outDir, config.root);
        await writeFile(join(outDir, SW_FILE), code);
        const mib = (manifestBytes(manifest) / 2 ** 20).toFixed(1);
        config.logger.info(
          `service worker: ${SW_FILE} precaches ${manifest.entries.length} files (${mib} MiB), version ${manifest.version.slice(0, 12)}`,
        );
      },
    },
  };
}
