/**
 * The fold worker: imports parameter sets into OPFS and runs folds, exposed with comlink; the
 * contract is `FoldWorkerApi` (./fold-api.ts). Cancelling a fold = the page terminates this
 * worker and starts a new one, so nothing half-done survives (imports write under temp names).
 */
import * as Comlink from 'comlink';
import type { ParamsHandle } from '../model/engine.ts';
import { type ChosenEngine, chooseEngine, cpuEngine } from './engine-choice.ts';
import {
  DEMO_PARAMS_FILE,
  DEMO_PARAMS_ID,
  type EnginePreference,
  type FoldWorkerApi,
  type StoredParams,
} from './fold-api.ts';
import {
  assertPrecisionAvailable,
  demoParams,
  importParams,
  runFold,
  storedParamsHandle,
  tarModels,
  transferables,
} from './fold-core.ts';
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

const demoUrl = new URL(`${import.meta.env.BASE_URL}demo/${DEMO_PARAMS_FILE}`, self.location.origin).href;
let demo: ReturnType<typeof demoParams> | undefined;
const getDemo = () => {
  if (!demo) {
    demo = demoParams(demoUrl);
    demo.catch(() => {
      demo = undefined;
    });
  }
  return demo;
};

/** One handle per set, kept while it is the last one used (engines cache on handle identity). */
let cached: { id: string; handle: ParamsHandle } | undefined;

async function handleFor(id: string): Promise<ParamsHandle> {
  if (cached?.id === id) return cached.handle;
  cached = undefined;
  const handle =
    id === DEMO_PARAMS_ID
      ? { name: 'demo_untrained', arrays: (await getDemo()).arrays }
      : await storedParamsHandle(id);
  cached = { id, handle };
  return handle;
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
    if (cached?.id === id) cached = undefined;
    await removeStored(id);
  },

  async storage() {
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    const persisted = await navigator.storage?.persisted?.().catch(() => undefined);
    return { usage: est?.usage, quota: est?.quota, persisted };
  },

  async fold(job, onProgress) {
    const { engine: e, choice } = await engine(job.settings.engine);
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
    const result = await runFold(e, choice.label, job, params, performance.now() - t0, (p) =>
      onProgress?.(p),
    );
    return Comlink.transfer(result, transferables(result.prediction));
  },
};

Comlink.expose(api);
