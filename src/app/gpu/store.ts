/**
 * GPU panel state: what the worker found (adapter, isolation) and the self-test result.
 * The worker client is created lazily and recreated after a crash, so "Run self-test again"
 * also recovers from a dead worker or a lost device.
 */
import { create } from 'zustand';
import type {
  CpuBenchmark,
  PlanOutcome,
  PlanQuery,
  ProbeResult,
  SelfTestReport,
} from '../../worker/gpu-api.ts';
import { createGpuClient, type GpuClient, type GpuClientEvents } from './client.ts';
import { errorMessage } from './format.ts';

export type ProbeState =
  | { status: 'idle' }
  | { status: 'probing' }
  | { status: 'done'; result: ProbeResult }
  | { status: 'failed'; error: string };

export type SelfTestState =
  | { status: 'idle' }
  | { status: 'running'; startedAt: number; previous?: SelfTestReport }
  | { status: 'done'; report: SelfTestReport; finishedAt: number }
  | { status: 'failed'; error: string };

export type PlanState =
  | { status: 'idle' }
  | { status: 'planning'; key: string }
  | { status: 'done'; key: string; outcome: PlanOutcome }
  | { status: 'failed'; key: string; error: string };

export type CpuBenchmarkState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: CpuBenchmark }
  | { status: 'failed'; error: string };

export interface GpuState {
  probe: ProbeState;
  selfTest: SelfTestState;
  /** Message of the last device loss, until the user asks for a new device. */
  deviceLost: string | undefined;
  /** Message of the last worker crash, until the user asks for a new worker. */
  workerCrash: string | undefined;
  /** The execution plan of the current input (see plan-input.ts). */
  plan: PlanState;
  /** The CPU reference's measured speed (for the CPU estimate), once asked for. */
  cpuBenchmark: CpuBenchmarkState;
  /** Runs the worker's CPU micro-benchmark, once. */
  measureCpu(): Promise<void>;
  /** Plans `query` in the worker unless the plan for `key` is there or under way. */
  requestPlan(key: string, query: PlanQuery): Promise<void>;
  /** Probes the worker's device and, if there is one, runs the self-test. Runs once. */
  start(): Promise<void>;
  /** Runs the self-test again (re-probing first if the worker or device is gone). */
  rerunSelfTest(): Promise<void>;
}

export type ClientFactory = (events: GpuClientEvents) => GpuClient;

export function createGpuStore(makeClient: ClientFactory = createGpuClient) {
  let client: GpuClient | undefined;

  return create<GpuState>()((set, get) => {
    const getClient = (): GpuClient => {
      if (!client) {
        const created = makeClient({
          onDeviceLost: (message) => set({ deviceLost: message }),
          onCrash: (message) => {
            if (client === created) client = undefined;
            set({ workerCrash: message });
          },
        });
        client = created;
      }
      return client;
    };

    const probe = async (): Promise<ProbeResult | undefined> => {
      set({ probe: { status: 'probing' } });
      try {
        const result = await getClient().probe();
        set({ probe: { status: 'done', result } });
        return result;
      } catch (err) {
        set({ probe: { status: 'failed', error: errorMessage(err) } });
        return undefined;
      }
    };

    const selfTest = async () => {
      const current = get().selfTest;
      set({
        selfTest: {
          status: 'running',
          startedAt: performance.now(),
          previous: current.status === 'done' ? current.report : undefined,
        },
      });
      try {
        const report = await getClient().selfTest();
        set({ selfTest: { status: 'done', report, finishedAt: Date.now() } });
      } catch (err) {
        set({ selfTest: { status: 'failed', error: errorMessage(err) } });
      }
    };

    return {
      probe: { status: 'idle' },
      selfTest: { status: 'idle' },
      deviceLost: undefined,
      workerCrash: undefined,
      plan: { status: 'idle' },
      cpuBenchmark: { status: 'idle' },

      async measureCpu() {
        if (get().cpuBenchmark.status !== 'idle') return;
        set({ cpuBenchmark: { status: 'running' } });
        try {
          set({ cpuBenchmark: { status: 'done', result: await getClient().cpuBenchmark() } });
        } catch (err) {
          set({ cpuBenchmark: { status: 'failed', error: errorMessage(err) } });
        }
      },

      async requestPlan(key, query) {
        const current = get().plan;
        if (current.status !== 'idle' && current.status !== 'failed' && current.key === key) return;
        set({ plan: { status: 'planning', key } });
        try {
          const outcome = await getClient().plan(query);
          const now = get().plan;
          // A newer request replaced this one while it ran.
          if (now.status === 'planning' && now.key === key) set({ plan: { status: 'done', key, outcome } });
        } catch (err) {
          const now = get().plan;
          if (now.status === 'planning' && now.key === key) {
            set({ plan: { status: 'failed', key, error: errorMessage(err) } });
          }
        }
      },

      async start() {
        if (get().probe.status !== 'idle') return;
        const result = await probe();
        if (result?.available) await selfTest();
      },

      async rerunSelfTest() {
        if (get().selfTest.status === 'running' || get().probe.status === 'probing') return;
        const { probe: state, deviceLost, workerCrash } = get();
        const healthy =
          state.status === 'done' && state.result.available && deviceLost === undefined && !workerCrash;
        if (!healthy) {
          // A new probe acquires a new device (and a new worker after a crash); the old alerts go.
          set({ deviceLost: undefined, workerCrash: undefined });
          const result = await probe();
          if (!result?.available) return;
        }
        await selfTest();
      },
    };
  });
}

/** The app's GPU store, backed by the real worker. */
export const useGpuStore = createGpuStore();
