/**
 * The message contract of the GPU worker (src/worker/gpu.worker.ts), shared with the app.
 * The app imports only types from here, so no GPU code ends up in the page bundle.
 */

import type { SelfTestCheck, SelfTestReport } from '../engine/selftest.ts';
import type { AdapterSummary } from '../gpu/device.ts';
import type { CpuBenchmark } from './cpu-benchmark.ts';
import type { ParamsSummary, Precision } from './fold-api.ts';

export type { AdapterSummary, CpuBenchmark, SelfTestCheck, SelfTestReport };

export interface ProbeResult {
  /** True when the worker holds a live WebGPU device. */
  available: boolean;
  /** `crossOriginIsolated` as seen inside the worker. */
  crossOriginIsolated: boolean;
  /** Whether `navigator.gpu` exists in the worker at all (false: browser without WebGPU). */
  hasNavigatorGpu: boolean;
  adapter?: AdapterSummary;
  /** Why no device could be acquired (set when `available` is false). */
  error?: string;
}

/** What to plan: the input's sizes, the parameter set (full AF2 model_1_ptm when absent), precision. */
export interface PlanQuery {
  nRes: number;
  /** MSA cluster rows N_seq */
  nSeq: number;
  /** extra MSA rows N_extra */
  nExtra: number;
  precision: Precision;
  model?: { name: string; summary: ParamsSummary };
}

/** The parts of an ExecutionPlan the GPU panel shows. */
export interface PlanSummary {
  ok: true;
  /** The model planned for, and whether its sizes are approximated from a parameter summary. */
  model: string;
  approximate: boolean;
  device: string;
  precision: { requested: Precision; storage: Precision; note?: string };
  peak: { bytes: number; stage: string; persistentBytes: number };
  weightsBytes: number;
  largestBuffer: { name: string; bytes: number };
  maxStorageBufferBindingSize: number;
  /** The cap every buffer was planned under (≤ maxStorageBufferBindingSize). */
  maxBufferBytes: number;
  modules: { name: string; chunks: Record<string, number>; loops: Record<string, number> }[];
  ms: number;
}

/** A plan that cannot be made: PlanError's message and numbers. */
export interface PlanFailure {
  ok: false;
  model: string;
  message: string;
  stage?: string;
  needed?: number;
  limit?: number;
  limitName?: string;
}

export type PlanOutcome = PlanSummary | PlanFailure;

/** Called (through a comlink proxy) once per lost device, with WebGPU's reason and message. */
export type DeviceLostListener = (message: string) => void;

export interface GpuWorkerApi {
  /** Acquires the device on first use (once; again after a loss) and describes it. */
  probe(): Promise<ProbeResult>;
  /** Runs the kernel self-test against the CPU reference on the worker's device. */
  selfTest(): Promise<SelfTestReport>;
  /** The execution plan of a fold of this input on the worker's adapter (no GPU work). */
  plan(query: PlanQuery): Promise<PlanOutcome>;
  /** The CPU reference's speed on this computer: a ~0.1 s micro-benchmark, run once, then cached. */
  cpuBenchmark(): Promise<CpuBenchmark>;
  /** Registers the listener told about device loss; replaces any previous one. */
  onDeviceLost(listener: DeviceLostListener): void;
}
