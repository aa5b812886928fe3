/**
 * The GPU worker: a dedicated module worker that owns one WebGPU device and runs the kernel
 * self-test on it. Exposed with comlink; the contract is `GpuWorkerApi` (./gpu-api.ts).
 */
import * as Comlink from 'comlink';
import { runSelfTest } from '../engine/selftest.ts';
import { acquireDevice, type GpuContext } from '../gpu/device.ts';
import { type CpuBenchmark, runCpuBenchmark } from './cpu-benchmark.ts';
import type { DeviceLostListener, GpuWorkerApi, ProbeResult } from './gpu-api.ts';
import { planForQuery } from './gpu-plan.ts';

let context: Promise<GpuContext> | undefined;
let lostListener: DeviceLostListener | undefined;
let cpuBenchmark: CpuBenchmark | undefined;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The worker's device, acquired once; a failed or lost acquisition is retried on the next call. */
function getContext(): Promise<GpuContext> {
  if (!context) {
    const acquiring = acquireDevice(navigator.gpu, {
      label: 'webfold-worker-device',
      onLost: (err) => {
        if (context === acquiring) context = undefined;
        lostListener?.(err.message);
      },
    });
    acquiring.catch(() => {
      if (context === acquiring) context = undefined;
    });
    context = acquiring;
  }
  return context;
}

const api: GpuWorkerApi = {
  async probe(): Promise<ProbeResult> {
    const base = {
      crossOriginIsolated: self.crossOriginIsolated,
      hasNavigatorGpu: 'gpu' in navigator && navigator.gpu !== undefined,
    };
    try {
      const ctx = await getContext();
      return { ...base, available: true, adapter: ctx.adapter };
    } catch (err) {
      return { ...base, available: false, error: errorMessage(err) };
    }
  },

  async selfTest() {
    const ctx = await getContext();
    ctx.assertAlive();
    return runSelfTest(ctx);
  },

  async plan(query) {
    // The adapter's limits and features, when there is a device; the small-device profile if not.
    const ctx = await getContext().catch(() => undefined);
    return planForQuery(query, ctx?.adapter);
  },

  async cpuBenchmark() {
    cpuBenchmark ??= runCpuBenchmark();
    return cpuBenchmark;
  },

  onDeviceLost(listener) {
    lostListener = listener;
  },
};

Comlink.expose(api);
