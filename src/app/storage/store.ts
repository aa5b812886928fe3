/**
 * Storage use and cleanup: the browser's estimate, whether storage is persistent (and asking for
 * it), and deleting finished jobs or imported parameter sets through their own stores (so the
 * other panels update as well).
 */
import { create } from 'zustand';
import { DEMO_PARAMS_ID } from '../../worker/fold-api.ts';
import { errorMessage } from '../fold/client.ts';
import { useInputStore } from '../input/store.ts';
import { useJobsStore } from '../jobs/store.ts';
import { useParamsStore } from '../params/store.ts';
import { finishedJobs, type StorageEstimateLike } from './usage.ts';

export interface StorageState {
  estimate: StorageEstimateLike | undefined;
  persisted: boolean | undefined;
  /** persist() was asked and refused */
  persistRefused: boolean;
  busy: boolean;
  error: string | undefined;
  refresh(): Promise<void>;
  requestPersist(): Promise<void>;
  deleteFinishedJobs(): Promise<number>;
  deleteImportedParams(): Promise<number>;
}

export const useStorageStore = create<StorageState>()((set, get) => ({
  estimate: undefined,
  persisted: undefined,
  persistRefused: false,
  busy: false,
  error: undefined,

  async refresh() {
    const storage = navigator.storage as StorageManager | undefined;
    if (!storage?.estimate) return;
    try {
      const [estimate, persisted] = await Promise.all([
        storage.estimate() as Promise<StorageEstimateLike>,
        storage.persisted?.() ?? Promise.resolve(undefined),
      ]);
      set({ estimate, persisted });
    } catch (err) {
      set({ error: `The browser did not report its storage use: ${errorMessage(err)}` });
    }
  },

  async requestPersist() {
    if (!navigator.storage?.persist) return;
    try {
      const granted = await navigator.storage.persist();
      set({ persisted: granted, persistRefused: !granted });
    } catch (err) {
      set({ error: `Persistent storage could not be requested: ${errorMessage(err)}` });
    }
  },

  async deleteFinishedJobs() {
    const jobs = useJobsStore.getState();
    const ids = finishedJobs(jobs.jobs).map((j) => j.id);
    for (const id of ids) jobs.remove(id);
    await get().refresh();
    return ids.length;
  },

  async deleteImportedParams() {
    set({ busy: true, error: undefined });
    const params = useParamsStore.getState();
    const imported = params.list.filter((p) => !p.demo).map((p) => p.id);
    try {
      for (const id of imported) await params.remove(id);
      const input = useInputStore.getState();
      if (imported.includes(input.settings.paramsId)) input.setSettings({ paramsId: DEMO_PARAMS_ID });
    } finally {
      set({ busy: false });
      await get().refresh();
    }
    return imported.length;
  },
}));
