/**
 * The message contract of the GPU worker (src/worker/gpu.worker.ts), shared with the app.
 * The app imports only types from here, so no GPU code ends up in the page bundle.
 */

import type { SelfTestCheck, SelfTestReport } from '../engine/selftest.ts';
import type { AdapterSummary } from '../gpu/device.ts';

export type { AdapterSummary, SelfTestCheck, SelfTestReport };

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

/** Called (through a comlink proxy) once per lost device, with WebGPU's reason and message. */
export type DeviceLostListener = (message: string) => void;

export interface GpuWorkerApi {
  /** Acquires the device on first use (once; again after a loss) and describes it. */
  probe(): Promise<ProbeResult>;
  /** Runs the kernel self-test against the CPU reference on the worker's device. */
  selfTest(): Promise<SelfTestReport>;
  /** Registers the listener told about device loss; replaces any previous one. */
  onDeviceLost(listener: DeviceLostListener): void;
}
