/**
 * The download worker: parameter files from a URL into OPFS, exposed with comlink
 * (`DownloadWorkerApi`, ./download-api.ts). Download and resume in ./params-download.ts, the part
 * files in ./download-opfs.ts, the import (validate → runtime pack → stored set) is the fold
 * worker's (./fold-core.ts), run here on the verified file.
 */
import * as Comlink from 'comlink';
import type { DownloadWorkerApi, UrlImportProgress } from './download-api.ts';
import { listParts, opfsPartStore } from './download-opfs.ts';
import { importParams, tarModels } from './fold-core.ts';
import {
  DownloadError,
  downloadToPart,
  expectedDigest,
  fetchSidecarSha256,
  verifyPart,
} from './params-download.ts';

let current: AbortController | undefined;

const api: DownloadWorkerApi = {
  async importUrl(url, opts, onProgress = () => {}) {
    const report = (p: UrlImportProgress) => onProgress(p);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DownloadError('http', `'${url}' is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new DownloadError('http', `'${url}' is not an http(s) URL`);
    }
    current?.abort();
    const ac = new AbortController();
    current = ac;
    try {
      report({ phase: 'checking', fraction: 0 });
      const expected = expectedDigest(url, opts.sha256, await fetchSidecarSha256(url));
      const store = await opfsPartStore(url);
      const got = await downloadToPart(url, store, {
        signal: ac.signal,
        freeBytes: async () => {
          const est = await navigator.storage.estimate?.().catch(() => undefined);
          return est?.quota !== undefined && est.usage !== undefined ? est.quota - est.usage : undefined;
        },
        onProgress: (p) =>
          report({
            phase: p.phase,
            fraction: p.total ? p.done / p.total : 0,
            done: p.done,
            total: p.total,
            resumedFrom: p.resumedFrom,
          }),
      });
      const sha256 = await verifyPart(url, store, expected, (p) =>
        report({
          phase: 'verifying',
          fraction: p.total ? p.done / p.total : 0,
          done: p.done,
          total: p.total,
        }),
      );
      const verification = {
        sha256,
        against: expected?.from,
        resumedFrom: got.resumedFrom,
        restarted: got.restarted,
      };
      const file = await store.blob();
      const models = await tarModels(file, url);
      if (models.length > 1 && !opts.model) return { kind: 'choose-model', models, ...verification };
      try {
        const stored = await importParams(file, url, { model: opts.model ?? models[0] }, (p) =>
          report({ phase: p.phase, fraction: p.fraction, detail: p.detail }),
        );
        return { kind: 'stored', stored, ...verification };
      } finally {
        // Stored as a runtime pack, or not parameters at all: the download is not kept either way.
        await store.remove();
      }
    } finally {
      if (current === ac) current = undefined;
    }
  },

  pause() {
    current?.abort(new Error('paused'));
  },

  async discard(url) {
    await (await opfsPartStore(url)).remove();
  },

  async partials() {
    return (await listParts()).map((m) => ({
      url: m.url,
      bytes: m.bytes,
      total: m.total,
      complete: m.complete,
      updatedAt: m.updatedAt,
    }));
  },
};

Comlink.expose(api);
