/**
 * Which engine folds run on, per preference (asked of the fold worker once each): WebGPU, or the
 * CPU reference and why.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { EngineChoice, EnginePreference } from '../../worker/fold-api.ts';
import { errorMessage } from './client.ts';
import { foldWorker } from './workers.ts';

export interface EngineState {
  choices: Partial<Record<EnginePreference, EngineChoice>>;
  error: string | undefined;
  load(prefer?: EnginePreference): Promise<void>;
}

export const useEngineStore = create<EngineState>()((set, get) => ({
  choices: {},
  error: undefined,
  async load(prefer = 'auto') {
    if (get().choices[prefer]) return;
    // A task later, so the GPU panel's worker (started in the same commit) comes first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      const choice = await foldWorker.get().engine(prefer);
      set((s) => ({ choices: { ...s.choices, [prefer]: choice }, error: undefined }));
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
}));

/** The engine choice for the given preference (loading it on first use). */
export function useEngineChoice(prefer: EnginePreference = 'auto'): EngineChoice | undefined {
  const choice = useEngineStore((s) => s.choices[prefer]);
  const load = useEngineStore((s) => s.load);
  useEffect(() => {
    if (!choice) void load(prefer);
  }, [choice, load, prefer]);
  return choice;
}
