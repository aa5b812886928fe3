/**
 * Whether a fold may be split over several workers of this tab or over invited tabs (DAP): only
 * on the WebGPU engine (each rank folds on its own GPUDevice; the CPU reference does not split).
 * Otherwise the settings say why and a submitted fold runs on one worker. Pure.
 */
import { MAX_RANKS } from '../../worker/dap-api.ts';
import type { EngineChoice, RunSettings } from '../../worker/fold-api.ts';

export type SplitAvailability =
  | { status: 'checking' }
  | { status: 'available' }
  | { status: 'unavailable'; reason: string };

export function splitAvailability(choice: EngineChoice | undefined): SplitAvailability {
  if (!choice) return { status: 'checking' };
  if (choice.gpu) return { status: 'available' };
  return {
    status: 'unavailable',
    reason: 'only the WebGPU engine splits a fold (each worker or tab folds on its own GPU device)',
  };
}

const clampRanks = (n: number | undefined) =>
  Number.isInteger(n) && (n as number) > 1 ? Math.min(n as number, MAX_RANKS) : 1;

/**
 * The split a fold submitted now would use: tabs take precedence over workers (a fold over tabs
 * runs one worker per tab); nothing is split where splitting is unavailable.
 */
export function effectiveSplit(
  settings: Pick<RunSettings, 'ranks' | 'tabs'>,
  choice: EngineChoice | undefined,
): { ranks: number; tabs: number } {
  if (splitAvailability(choice).status !== 'available') return { ranks: 1, tabs: 1 };
  const tabs = clampRanks(settings.tabs);
  return { ranks: tabs > 1 ? 1 : clampRanks(settings.ranks), tabs };
}
