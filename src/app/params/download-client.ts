/**
 * The page's handle on the download worker (src/worker/download.worker.ts), started on first use.
 * A worker that crashes turns pending calls into rejections; the next call starts a new one.
 */
import * as Comlink from 'comlink';
import type {
  DownloadWorkerApi,
  PartialDownload,
  UrlImportListener,
  UrlImportOptions,
  UrlImportResult,
} from '../../worker/download-api.ts';

interface Slot {
  worker: Worker;
  remote: Comlink.Remote<DownloadWorkerApi>;
  crashed: Promise<never>;
}

let slot: Slot | undefined;

function get(): Slot {
  if (slot) return slot;
  const worker = new Worker(new URL('../../worker/download.worker.ts', import.meta.url), {
    type: 'module',
    name: 'webfold-download',
  });
  const remote = Comlink.wrap<DownloadWorkerApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      slot = undefined;
      worker.terminate();
      reject(new Error(`the download worker crashed${ev.message ? `: ${ev.message}` : ''}`));
    });
  });
  crashed.catch(() => {});
  slot = { worker, remote, crashed };
  return slot;
}

const call = <T>(fn: (r: Comlink.Remote<DownloadWorkerApi>) => Promise<T>): Promise<T> => {
  const s = get();
  return Promise.race([fn(s.remote), s.crashed]);
};

export const downloadClient = {
  importUrl: (url: string, opts: UrlImportOptions, onProgress: UrlImportListener): Promise<UrlImportResult> =>
    call((r) => r.importUrl(url, opts, Comlink.proxy(onProgress)) as Promise<UrlImportResult>),
  pause: () => call((r) => r.pause()),
  discard: (url: string) => call((r) => r.discard(url)),
  partials: (): Promise<PartialDownload[]> => call((r) => r.partials()),
};
