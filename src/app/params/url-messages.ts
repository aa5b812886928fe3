/** Messages for parameters from a URL, from the download worker's errors (names survive comlink). */
import { errorMessage } from '../fold/client.ts';
import { explainImportError } from './messages.ts';

export function urlFileName(url: string): string {
  try {
    const p = new URL(url).pathname;
    return decodeURIComponent(p.slice(p.lastIndexOf('/') + 1)) || url;
  } catch {
    return url;
  }
}

/** What to tell the user, and whether the kept bytes allow a resume. */
export function explainUrlImportError(url: string, err: unknown): { message: string; resumable: boolean } {
  const message = errorMessage(err);
  const name = err instanceof Error ? err.name : '';
  if (name === 'DownloadError' || name === 'CancelledError') {
    return {
      message,
      resumable: /broke off|ended early|could not reach|paused|Not enough browser storage/.test(message),
    };
  }
  if (name === 'StorageQuotaError') return { message, resumable: false };
  return {
    message: `${explainImportError(urlFileName(url), err)}\nThe downloaded file was deleted; nothing was stored.`,
    resumable: false,
  };
}
