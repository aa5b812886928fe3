/**
 * The page's handle on the GPU worker: creates the module worker, wraps it with comlink, and
 * turns a worker that fails to load or crashes into a rejected call instead of a call that
 * never answers.
 */
import * as Comlink from 'comlink';
import type {
  CpuBenchmark,
  GpuWorkerApi,
  PlanOutcome,
  PlanQuery,
  ProbeResult,
  SelfTestReport,
} from '../../worker/gpu-api.ts';

export interface GpuClientEvents {
  /** The worker's device was lost (message from WebGPU). */
  onDeviceLost(message: string): void;
  /** The worker failed to load or crashed; the client is unusable afterwards. */
  onCrash(message: string): void;
}

export interface GpuClient {
  probe(): Promise<ProbeResult>;
  selfTest(): Promise<SelfTestReport>;
  plan(query: PlanQuery): Promise<PlanOutcome>;
  cpuBenchmark(): Promise<CpuBenchmark>;
  terminate(): void;
}

export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

function describeWorkerError(ev: Event): string {
  if (ev instanceof ErrorEvent && ev.message) {
    const where = ev.filename ? ` (${ev.filename}:${ev.lineno})` : '';
    return `the GPU worker crashed: ${ev.message}${where}`;
  }
  return 'the GPU worker failed to load or crashed (no details from the browser; see the developer console)';
}

export function createGpuClient(events: GpuClientEvents): GpuClient {
  const worker = new Worker(new URL('../../worker/gpu.worker.ts', import.meta.url), {
    type: 'module',
    name: 'webfold-gpu',
  });
  const remote = Comlink.wrap<GpuWorkerApi>(worker);

  let rejectCrash: (err: WorkerCrashError) => void = () => {};
  const crashed = new Promise<never>((_, reject) => {
    rejectCrash = reject;
  });
  crashed.catch(() => {}); // observed by the calls that race it
  let dead = false;
  const fail = (message: string) => {
    if (dead) return;
    dead = true;
    rejectCrash(new WorkerCrashError(message));
    worker.terminate();
    events.onCrash(message);
  };
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    fail(describeWorkerError(ev));
  });
  worker.addEventListener('messageerror', () => fail('a message from the GPU worker could not be read'));

  const call = <T>(fn: () => Promise<T>): Promise<T> => {
    if (dead) return Promise.reject(new WorkerCrashError('the GPU worker is no longer running'));
    return Promise.race([fn(), crashed]);
  };

  void call(() =>
    remote.onDeviceLost(Comlink.proxy((message: string) => events.onDeviceLost(message))),
  ).catch(() => {});

  return {
    probe: () => call(() => remote.probe()),
    selfTest: () => call(() => remote.selfTest()),
    // comlink distributes Promise over the union; it is the same PlanOutcome.
    plan: (query) => call<PlanOutcome>(() => remote.plan(query) as Promise<PlanOutcome>),
    cpuBenchmark: () => call(() => remote.cpuBenchmark()),
    terminate() {
      dead = true;
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
