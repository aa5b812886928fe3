/**
 * Parameters from a URL: the form (URL, optional SHA-256), the download's state and what the
 * user can do in each (pause, resume, discard, pick a model of a .tar).
 */
import { create } from 'zustand';
import type { PartialDownload, UrlImportProgress, UrlImportVerification } from '../../worker/download-api.ts';
import type { StoredParams } from '../../worker/fold-api.ts';
import { useInputStore } from '../input/store.ts';
import { downloadClient } from './download-client.ts';
import { useParamsStore } from './store.ts';
import { explainUrlImportError } from './url-messages.ts';

export type UrlImportState =
  | { status: 'idle' }
  | { status: 'running'; url: string; progress: UrlImportProgress }
  | { status: 'paused'; url: string; message: string }
  | { status: 'choose-model'; url: string; models: string[]; verification: UrlImportVerification }
  | { status: 'done'; url: string; stored: StoredParams; verification: UrlImportVerification }
  | { status: 'failed'; url: string; message: string; resumable: boolean };

export interface UrlImportStore {
  url: string;
  sha256: string;
  state: UrlImportState;
  /** a kept, unfinished download of the URL in the field */
  partial: PartialDownload | undefined;
  setUrl(url: string): void;
  setSha256(sha256: string): void;
  start(model?: string): Promise<void>;
  pause(): void;
  discard(): Promise<void>;
  /** look for a kept download of the current URL */
  checkPartial(): Promise<void>;
}

export const useUrlImportStore = create<UrlImportStore>()((set, get) => ({
  url: '',
  sha256: '',
  state: { status: 'idle' },
  partial: undefined,

  setUrl: (url) => set({ url, partial: undefined }),
  setSha256: (sha256) => set({ sha256 }),

  async start(model) {
    const url = get().url.trim();
    if (!url) return;
    set({ state: { status: 'running', url, progress: { phase: 'checking', fraction: 0 } } });
    void useParamsStore.getState().requestPersist();
    try {
      const r = await downloadClient.importUrl(
        url,
        { sha256: get().sha256.trim() || undefined, model },
        (progress) => {
          const s = get().state;
          if (s.status === 'running' && s.url === url) set({ state: { ...s, progress } });
        },
      );
      const { kind: _kind, ...rest } = r;
      if (r.kind === 'choose-model') {
        set({ state: { status: 'choose-model', url, models: r.models, verification: rest } });
        return;
      }
      set({ state: { status: 'done', url, stored: r.stored, verification: rest }, partial: undefined });
      useInputStore.getState().setSettings({ paramsId: r.stored.id });
      await useParamsStore.getState().refresh();
    } catch (err) {
      const { message, resumable } = explainUrlImportError(url, err);
      if (err instanceof Error && err.name === 'CancelledError') {
        set({ state: { status: 'paused', url, message } });
      } else {
        set({ state: { status: 'failed', url, message, resumable } });
      }
      await get().checkPartial();
    }
  },

  pause() {
    void downloadClient.pause();
  },

  async discard() {
    const url = get().state.status === 'idle' ? get().url : (get().state as { url: string }).url;
    await downloadClient.discard(url);
    set({ state: { status: 'idle' }, partial: undefined });
  },

  async checkPartial() {
    const url = get().url.trim();
    if (!url) return set({ partial: undefined });
    try {
      const list = await downloadClient.partials();
      set({ partial: list.find((p) => p.url === url) });
    } catch {
      set({ partial: undefined });
    }
  },
}));
