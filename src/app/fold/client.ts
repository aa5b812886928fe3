/**
 * The page's handle on a fold worker (src/worker/fold.worker.ts). A worker that fails to load or
 * crashes turns pending calls into rejections; `terminate()` (cancel) rejects them with a
 * `CancelledError`. The stores create a new client after either.
 */
import * as Comlink from 'comlink';
import type { FoldWorkerApi } from '../../worker/fold-api.ts';

export class CancelledError extends Error {
  override name = 'CancelledError';
}

export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

/** The worker's API, called from the page, plus the means to stop the worker. */
export interface FoldClient extends FoldWorkerApi {
  /** Stops the worker at once; pending calls reject with CancelledError. */
  terminate(reason?: string): void;
  readonly alive: boolean;
}

export function createFoldClient(name: string): FoldClient {
  const worker = new Worker(new URL('../../worker/fold.worker.ts', import.meta.url), {
    type: 'module',
    name,
  });
  const remote = Comlink.wrap<FoldWorkerApi>(worker);
  let reject: (err: Error) => void = () => {};
  const stopped = new Promise<never>((_, r) => {
    reject = r;
  });
  stopped.catch(() => {});
  let alive = true;
  const stop = (err: Error) => {
    if (!alive) return;
    alive = false;
    reject(err);
    remote[Comlink.releaseProxy]();
    worker.terminate();
  };
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    const detail =
      ev instanceof ErrorEvent && ev.message ? `: ${ev.message}` : ' (no details from the browser)';
    stop(new WorkerCrashError(`the fold worker crashed${detail}`));
  });
  worker.addEventListener('messageerror', () =>
    stop(new WorkerCrashError('a message from the fold worker could not be read')),
  );

  const call = <T>(fn: () => Promise<T>): Promise<T> => {
    if (!alive) return Promise.reject(new WorkerCrashError('the fold worker is no longer running'));
    return Promise.race([fn(), stopped]);
  };

  return {
    engine: (prefer) => call(() => remote.engine(prefer)),
    tarModels: (file, n) => call(() => remote.tarModels(file, n)),
    loadParams: (file, n, opts, onProgress) =>
      call(() => remote.loadParams(file, n, opts, onProgress ? Comlink.proxy(onProgress) : undefined)),
    listParams: () => call(() => remote.listParams()),
    deleteParams: (id) => call(() => remote.deleteParams(id)),
    storage: () => call(() => remote.storage()),
    fold: (job, onProgress) =>
      call(() => remote.fold(job, onProgress ? Comlink.proxy(onProgress) : undefined)),
    help: (invite, onEvent) => call(() => remote.help(invite, onEvent ? Comlink.proxy(onEvent) : undefined)),
    terminate(reason = 'cancelled') {
      stop(new CancelledError(reason));
    },
    get alive() {
      return alive;
    },
  };
}

/** A client that is recreated whenever the previous one was terminated or crashed. */
export function clientSlot(name: string, make: (name: string) => FoldClient = createFoldClient) {
  let current: FoldClient | undefined;
  return {
    get(): FoldClient {
      if (!current?.alive) current = make(name);
      return current;
    },
    /** Terminate the current worker (the next get() starts a fresh one). */
    restart(reason?: string): void {
      current?.terminate(reason);
      current = undefined;
    },
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
