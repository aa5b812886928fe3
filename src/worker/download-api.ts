/**
 * The message contract of the download worker (./download.worker.ts): parameter files from a URL,
 * downloaded with resume, verified by SHA-256, then imported like a picked file.
 */
import type { LoadPhase, StoredParams } from './fold-api.ts';

export type UrlImportPhase = 'checking' | 'connecting' | 'downloading' | 'verifying' | LoadPhase;

export interface UrlImportProgress {
  phase: UrlImportPhase;
  /** 0..1 within the phase */
  fraction: number;
  /** bytes received (downloading) or hashed (verifying) */
  done?: number;
  total?: number;
  /** byte the transfer resumed from */
  resumedFrom?: number;
  detail?: string;
}

export interface UrlImportOptions {
  /** expected SHA-256 as typed (optional; the server's `<url>.sha256` is used too) */
  sha256?: string;
  /** model of an AlphaFold params .tar */
  model?: string;
}

export interface UrlImportVerification {
  /** SHA-256 of the downloaded file */
  sha256: string;
  /** what it was checked against ('the SHA-256 you entered', '<url>.sha256'), if anything */
  against?: string;
  resumedFrom: number;
  restarted: boolean;
}

export type UrlImportResult =
  | ({ kind: 'stored'; stored: StoredParams } & UrlImportVerification)
  | ({ kind: 'choose-model'; models: string[] } & UrlImportVerification);

/** A download kept in storage: interrupted (resumable) or complete and waiting for a model choice. */
export interface PartialDownload {
  url: string;
  bytes: number;
  total?: number;
  complete: boolean;
  updatedAt: number;
}

export type UrlImportListener = (p: UrlImportProgress) => void;

export interface DownloadWorkerApi {
  /** Download (resuming a kept part), verify, and import; or ask for a model of a .tar. */
  importUrl(url: string, opts: UrlImportOptions, onProgress?: UrlImportListener): Promise<UrlImportResult>;
  /** Stop the transfer now; the bytes so far stay for a resume. */
  pause(): void;
  /** Remove what is kept of a download. */
  discard(url: string): Promise<void>;
  /** Downloads kept in storage. */
  partials(): Promise<PartialDownload[]>;
}
