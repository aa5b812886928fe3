/** What the user is about to fold: pasted FASTA or an uploaded A3M, and the run settings. */
import { create } from 'zustand';
import { DEMO_PARAMS_ID, type RunSettings } from '../../worker/fold-api.ts';
import { type AlignmentCheck, checkA3m } from './validate.ts';

export interface Alignment {
  name: string;
  text: string;
  query: string;
  description: string;
  rows: number;
}

export const DEFAULT_SETTINGS: RunSettings = {
  paramsId: DEMO_PARAMS_ID,
  recycles: 3,
  seed: 0,
  msaSampling: 'af2',
  precision: 'f32',
  engine: 'auto',
};

export interface InputState {
  text: string;
  alignment: Alignment | undefined;
  alignmentError: string | undefined;
  settings: RunSettings;
  setText(text: string): void;
  /** Validate and use an A3M; its query becomes the sequence. */
  setAlignment(name: string, text: string): AlignmentCheck;
  clearAlignment(): void;
  setSettings(patch: Partial<RunSettings>): void;
  resetSettings(): void;
}

export const useInputStore = create<InputState>()((set) => ({
  text: '',
  alignment: undefined,
  alignmentError: undefined,
  settings: DEFAULT_SETTINGS,
  setText: (text) => set({ text }),
  setAlignment(name, text) {
    const check = checkA3m(text);
    if (check.status === 'ok') {
      set({
        alignment: { name, text, query: check.query, description: check.description, rows: check.rows },
        alignmentError: undefined,
        text: `>${check.description || 'query'}\n${check.query}\n`,
      });
    } else {
      set({ alignmentError: `${name}: ${check.message}` });
    }
    return check;
  },
  clearAlignment: () => set({ alignment: undefined, alignmentError: undefined }),
  setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  resetSettings: () => set((s) => ({ settings: { ...DEFAULT_SETTINGS, paramsId: s.settings.paramsId } })),
}));
