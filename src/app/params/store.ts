/**
 * Parameter sets: the shipped demo set and the ones imported into the browser's private file
 * system (OPFS), listed by the params worker; imports with progress; removal; persistent storage.
 */
import { create } from 'zustand';
import type { LoadProgress, StorageInfo, StoredParams } from '../../worker/fold-api.ts';
import { errorMessage } from '../fold/client.ts';
import { paramsWorker } from '../fold/workers.ts';
import { explainImportError } from './messages.ts';

export type ImportState =
  | { status: 'idle' }
  | { status: 'inspecting'; fileName: string }
  | { status: 'choosing-model'; file: File; models: string[] }
  | { status: 'importing'; fileName: string; progress: LoadProgress }
  | { status: 'done'; stored: StoredParams }
  | { status: 'failed'; fileName: string; message: string };

export interface ParamsState {
  list: StoredParams[];
  listStatus: 'idle' | 'loading' | 'ready' | 'failed';
  listError: string | undefined;
  importState: ImportState;
  storage: StorageInfo | undefined;
  /** result of navigator.storage.persist(), once asked */
  persistGranted: boolean | undefined;
  refresh(): Promise<void>;
  pickFile(file: File): Promise<void>;
  importModel(file: File, model?: string): Promise<StoredParams | undefined>;
  cancelImport(): void;
  remove(id: string): Promise<void>;
  requestPersist(): Promise<void>;
}

export const useParamsStore = create<ParamsState>()((set, get) => ({
  list: [],
  listStatus: 'idle',
  listError: undefined,
  importState: { status: 'idle' },
  storage: undefined,
  persistGranted: undefined,

  async refresh() {
    set({ listStatus: get().list.length ? 'ready' : 'loading' });
    try {
      const client = paramsWorker.get();
      const [list, storage] = await Promise.all([client.listParams(), client.storage()]);
      set({ list, storage, listStatus: 'ready', listError: undefined });
    } catch (err) {
      set({ listStatus: 'failed', listError: errorMessage(err) });
    }
  },

  async pickFile(file) {
    set({ importState: { status: 'inspecting', fileName: file.name } });
    try {
      const models = await paramsWorker.get().tarModels(file, file.name);
      if (models.length > 1) {
        set({ importState: { status: 'choosing-model', file, models } });
        return;
      }
      await get().importModel(file, models[0]);
    } catch (err) {
      set({
        importState: { status: 'failed', fileName: file.name, message: explainImportError(file.name, err) },
      });
    }
  },

  async importModel(file, model) {
    const fileName = model ? `${file.name} (${model})` : file.name;
    set({ importState: { status: 'importing', fileName, progress: { phase: 'reading', fraction: 0 } } });
    void get().requestPersist();
    try {
      const stored = await paramsWorker.get().loadParams(file, file.name, { model }, (progress) => {
        const s = get().importState;
        if (s.status === 'importing') set({ importState: { ...s, progress } });
      });
      set({ importState: { status: 'done', stored } });
      await get().refresh();
      return stored;
    } catch (err) {
      set({ importState: { status: 'failed', fileName, message: explainImportError(fileName, err) } });
      return undefined;
    }
  },

  cancelImport() {
    if (get().importState.status === 'importing') paramsWorker.restart('import cancelled');
    set({ importState: { status: 'idle' } });
  },

  async remove(id) {
    try {
      await paramsWorker.get().deleteParams(id);
    } catch (err) {
      set({ listError: errorMessage(err) });
    }
    await get().refresh();
  },

  async requestPersist() {
    if (get().persistGranted !== undefined || !navigator.storage?.persist) return;
    try {
      const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
      set({ persistGranted: granted });
    } catch {
      set({ persistGranted: false });
    }
  },
}));
