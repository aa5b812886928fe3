/**
 * The fold worker: imports parameter sets into OPFS and runs folds, exposed with comlink; the
 * contract is `FoldWorkerApi` (./fold-api.ts). Cancelling a fold = the page terminates this
 * worker and starts a new one, so nothing half-done survives (imports write under temp names).
 */
import * as Comlink from 'comlink';
import type { Collective } from '../dap/collectives/collective.ts';
import { ranksOf } from './dap-api.ts';
import { foldOverTabs, helpOverTabs } from './dap-tabs.ts';
import { foldOnWorkerRanks } from './dap-workers.ts';
import { type ChosenEngine, chooseEngine, cpuEngine } from './engine-choice.ts';
import {
  DEMO_PARAMS_ID,
  type EnginePreference,
  type FoldJob,
  type FoldProgressListener,
  type FoldResult,
  type FoldWorkerApi,
  type StoredParams,
} from './fold-api.ts';
import {
  assertPrecisionAvailable,
  assertSplitAvailable,
  importParams,
  runFold,
  tarModels,
  transferables,
} from './fold-core.ts';
import { paramsHandles } from './params-handles.ts';
import { listStored, removeStored } from './params-store.ts';

const chosen = new Map<'auto' | 'webgpu', Promise<ChosenEngine>>();
const engine = (prefer: EnginePreference = 'auto'): Promise<ChosenEngine> => {
  if (prefer === 'cpu') return Promise.resolve(cpuEngine());
  let c = chosen.get(prefer);
  if (!c) {
    c = chooseEngine(prefer);
    chosen.set(prefer, c);
  }
  return c;
};

const { getDemo, handleFor, forget } = paramsHandles();

/**
 * One fold on this worker's engine: the whole job, or (with `dap`) this rank's share of a fold
 * split over several ranks, which always runs on the WebGPU engine.
 */
async function foldHere(
  job: FoldJob,
  onProgress?: FoldProgressListener,
  dap?: Collective,
): Promise<FoldResult> {
  const { engine: e, choice } = await engine(dap ? 'webgpu' : job.settings.engine);
  if (dap) assertSplitAvailable(choice);
  assertPrecisionAvailable(job.settings.precision, choice);
  const t0 = performance.now();
  onProgress?.({
    stage: 'params',
    recycle: 0,
    numRecycles: job.settings.recycles,
    elapsedMs: 0,
    fraction: 0,
  });
  const params = await handleFor(job.settings.paramsId);
  const split = dap && { collective: dap, transport: 'tabs' as const };
  return runFold(e, choice.label, job, params, performance.now() - t0, (p) => onProgress?.(p), split);
}

const api: FoldWorkerApi = {
  async engine(prefer) {
    return (await engine(prefer)).choice;
  },

  tarModels,

  loadParams(file, name, opts, onProgress) {
    return importParams(file, name, opts, (p) => onProgress?.(p));
  },

  async listParams() {
    const list: StoredParams[] = [];
    try {
      list.push((await getDemo()).info);
    } catch (err) {
      console.warn('webfold: demo parameters unavailable', err);
    }
    return [...list, ...(await listStored())];
  },

  async deleteParams(id) {
    if (id === DEMO_PARAMS_ID) throw new Error('the demo parameters ship with the app and cannot be removed');
    forget(id);
    await removeStored(id);
  },

  async storage() {
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    const persisted = await navigator.storage?.persisted?.().catch(() => undefined);
    return { usage: est?.usage, quota: est?.quota, persisted };
  },

  async fold(job, onProgress) {
    const split = ranksOf(job.settings);
    if (split.transport) assertSplitAvailable((await engine('webgpu')).choice);
    const progress = (p: Parameters<FoldProgressListener>[0]) => onProgress?.(p);
    const result =
      split.transport === 'workers'
        ? await foldOnWorkerRanks(job, split.size, progress)
        : split.transport === 'tabs'
          ? await foldOverTabs(job, split.size, (j, coll, p) => foldHere(j, p, coll), progress)
          : await foldHere(job, progress);
    return Comlink.transfer(result, transferables(result.prediction));
  },

  async help(invite, onEvent) {
    assertSplitAvailable((await engine('webgpu')).choice);
    return helpOverTabs(
      invite,
      (j, coll, p) => foldHere(j, p, coll),
      (e) => onEvent?.(e),
    );
  },
};

Comlink.expose(api);
