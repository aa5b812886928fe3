/**
 * Device acquisition: the adapter's real limits, the optional features the engine can use,
 * device loss turned into a clear state. Knows nothing about proteins.
 */
import { DeviceLostError, GpuError } from './errors.ts';

/** Limits the engine plans with; requested at the adapter's maximum, not WebGPU's defaults. */
export const PLANNED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxUniformBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxBindGroups',
] as const;

export type PlannedLimit = (typeof PLANNED_LIMITS)[number];

/** WebGPU's default limits (what every adapter guarantees) of the planned limits. */
export const WEBGPU_DEFAULT_LIMITS: Readonly<Record<PlannedLimit, number>> = {
  maxBufferSize: 268435456,
  maxStorageBufferBindingSize: 134217728,
  maxUniformBufferBindingSize: 65536,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBuffersPerShaderStage: 8,
  maxBindGroups: 4,
};

/** Optional features used when present. */
export const OPTIONAL_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<PlannedLimit, number>;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  hasF16: boolean;
  hasSubgroups: boolean;
  hasTimestamps: boolean;
  /** Set once the device is lost; every later use should throw it. */
  lost: DeviceLostError | undefined;
  /** Throws if the device was lost. */
  assertAlive(): void;
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const limits = {} as Record<PlannedLimit, number>;
  for (const name of PLANNED_LIMITS) limits[name] = Number(adapter.limits[name]);
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    // `isFallbackAdapter` moved from GPUAdapter to GPUAdapterInfo; read whichever exists.
    isFallbackAdapter: Boolean(
      (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ??
        (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    ),
    features: [...adapter.features].sort(),
    limits,
  };
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Label of the device, shown in WebGPU error messages. */
  label?: string;
  /** Called once if the device is lost after acquisition (not for an explicit destroy()). */
  onLost?: (err: DeviceLostError) => void;
}

/** Requests an adapter and a device with the adapter's full limits and the optional features it has. */
export async function acquireDevice(gpu: GPU | undefined, opts: AcquireOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuError(
      'WebGPU is not available here (navigator.gpu is undefined). Use a browser with WebGPU enabled ' +
        '(Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu), or in Node the npm package `webgpu`.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuError('no WebGPU adapter: requestAdapter() returned null');
  const summary = summarizeAdapter(adapter);
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const name of PLANNED_LIMITS) requiredLimits[name] = summary.limits[name];
  const device = await adapter.requestDevice({
    label: opts.label ?? 'webfold',
    requiredFeatures,
    requiredLimits,
  });

  const ctx: GpuContext = {
    device,
    adapter: summary,
    hasF16: device.features.has('shader-f16'),
    hasSubgroups: device.features.has('subgroups'),
    hasTimestamps: device.features.has('timestamp-query'),
    lost: undefined,
    assertAlive() {
      if (ctx.lost) throw ctx.lost;
    },
  };
  device.lost.then((info) => {
    if (info.reason === 'destroyed') return;
    ctx.lost = new DeviceLostError(`GPU device lost (${info.reason}): ${info.message}`);
    opts.onLost?.(ctx.lost);
  });
  device.addEventListener('uncapturederror', (ev) => {
    console.error(
      `webfold: uncaptured WebGPU error on ${device.label}: ${(ev as GPUUncapturedErrorEvent).error.message}`,
    );
  });
  return ctx;
}
