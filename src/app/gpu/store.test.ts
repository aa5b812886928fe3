import { describe, expect, it } from 'vitest';
import type { AdapterSummary, ProbeResult, SelfTestReport } from '../../worker/gpu-api.ts';
import type { GpuClient, GpuClientEvents } from './client.ts';
import { createGpuStore } from './store.ts';

const adapter: AdapterSummary = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: '',
  isFallbackAdapter: true,
  features: ['subgroups'],
  limits: {} as AdapterSummary['limits'],
};

const report: SelfTestReport = {
  passed: true,
  adapter,
  checks: [{ name: 'matmul', shape: '[7x5]', maxAbsError: 1e-7, tolerance: 1e-5, passed: true, ms: 3 }],
  totalMs: 3,
};

interface Fake {
  clients: { events: GpuClientEvents; probes: number; selfTests: number; benchmarks: number }[];
  factory: (events: GpuClientEvents) => GpuClient;
}

function fakeClients(
  probeResult: ProbeResult,
  selfTest: () => Promise<SelfTestReport> = async () => report,
): Fake {
  const fake: Fake = {
    clients: [],
    factory(events) {
      const entry = { events, probes: 0, selfTests: 0, benchmarks: 0 };
      fake.clients.push(entry);
      return {
        probe: async () => {
          entry.probes++;
          return probeResult;
        },
        selfTest: () => {
          entry.selfTests++;
          return selfTest();
        },
        plan: async () => ({ ok: false as const, model: 'fake', message: 'not planned' }),
        cpuBenchmark: async () => {
          entry.benchmarks++;
          return { flopsPerSecond: 8e8, repetitions: 5, ms: 100 };
        },
        terminate() {},
      };
    },
  };
  return fake;
}

const available: ProbeResult = { available: true, crossOriginIsolated: true, hasNavigatorGpu: true, adapter };

describe('GPU store', () => {
  it('probes once and runs the self-test when a device is available', async () => {
    const fake = fakeClients(available);
    const store = createGpuStore(fake.factory);
    await Promise.all([store.getState().start(), store.getState().start()]);
    const s = store.getState();
    expect(s.probe).toEqual({ status: 'done', result: available });
    expect(s.selfTest.status).toBe('done');
    expect(fake.clients).toHaveLength(1);
    expect(fake.clients[0].probes).toBe(1);
    expect(fake.clients[0].selfTests).toBe(1);
  });

  it('does not run the self-test without WebGPU', async () => {
    const fake = fakeClients({
      available: false,
      crossOriginIsolated: true,
      hasNavigatorGpu: false,
      error: 'none',
    });
    const store = createGpuStore(fake.factory);
    await store.getState().start();
    expect(store.getState().selfTest.status).toBe('idle');
    expect(fake.clients[0].selfTests).toBe(0);
  });

  it('turns a self-test exception into a readable failure', async () => {
    const fake = fakeClients(available, async () => {
      throw new Error('pipeline matmul: validation failed');
    });
    const store = createGpuStore(fake.factory);
    await store.getState().start();
    expect(store.getState().selfTest).toEqual({
      status: 'failed',
      error: 'pipeline matmul: validation failed',
    });
  });

  it('reports a lost device and re-probes on the next run', async () => {
    const fake = fakeClients(available);
    const store = createGpuStore(fake.factory);
    await store.getState().start();
    fake.clients[0].events.onDeviceLost('GPU device lost (unknown): reset');
    expect(store.getState().deviceLost).toBe('GPU device lost (unknown): reset');
    await store.getState().rerunSelfTest();
    expect(store.getState().deviceLost).toBeUndefined();
    expect(fake.clients[0].probes).toBe(2);
    expect(fake.clients[0].selfTests).toBe(2);
  });

  it('reports a crashed worker and starts a new one on the next run', async () => {
    const fake = fakeClients(available);
    const store = createGpuStore(fake.factory);
    await store.getState().start();
    fake.clients[0].events.onCrash('the GPU worker crashed: boom');
    expect(store.getState().workerCrash).toBe('the GPU worker crashed: boom');
    await store.getState().rerunSelfTest();
    expect(store.getState().workerCrash).toBeUndefined();
    expect(fake.clients).toHaveLength(2);
    expect(store.getState().selfTest.status).toBe('done');
  });

  it('runs the CPU benchmark once and keeps its result', async () => {
    const fake = fakeClients({ available: false, crossOriginIsolated: true, hasNavigatorGpu: false });
    const store = createGpuStore(fake.factory);
    expect(store.getState().cpuBenchmark).toEqual({ status: 'idle' });
    await Promise.all([store.getState().measureCpu(), store.getState().measureCpu()]);
    await store.getState().measureCpu();
    expect(fake.clients.map((c) => c.benchmarks)).toEqual([1]);
    expect(store.getState().cpuBenchmark).toEqual({
      status: 'done',
      result: { flopsPerSecond: 8e8, repetitions: 5, ms: 100 },
    });
  });

  it('reruns on the same worker when all is well', async () => {
    const fake = fakeClients(available);
    const store = createGpuStore(fake.factory);
    await store.getState().start();
    await store.getState().rerunSelfTest();
    expect(fake.clients).toHaveLength(1);
    expect(fake.clients[0].probes).toBe(1);
    expect(fake.clients[0].selfTests).toBe(2);
  });
});
