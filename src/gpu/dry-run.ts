/**
 * A dry-run GPU context: a GPUDevice that allocates nothing and runs nothing. Buffers are
 * records of their size, queue work is dropped, pipelines are placeholders and every read-back
 * returns zeros. Code written against the real device (the engine, the buffer pool, the Recorder)
 * runs on it unchanged, so its BufferPool sees exactly the acquire/release sequence the real fold
 * makes: that is how the engine predicts its own peak memory before a fold (engine/predict.ts).
 *
 * Limits and features are the real adapter's, because they decide chunk sizes and precision.
 * Nothing else is emulated: no validation, no shader compilation, no results.
 */
import { type AdapterSummary, type GpuContext, WEBGPU_DEFAULT_LIMITS } from './device.ts';

/** WebGPU's default limits, for any limit an adapter summary does not carry. */
const DEFAULT_LIMITS: Record<string, number> = {
  ...WEBGPU_DEFAULT_LIMITS,
  minStorageBufferOffsetAlignment: 256,
  minUniformBufferOffsetAlignment: 256,
};

const noop = () => {};
const done = () => Promise.resolve();

function dryBuffer(desc: GPUBufferDescriptor): GPUBuffer {
  let mapped: ArrayBuffer | undefined;
  const buffer = {
    label: desc.label ?? '',
    size: desc.size,
    usage: desc.usage,
    mapState: 'unmapped',
    mapAsync: done,
    getMappedRange: (offset = 0, size?: number) => {
      mapped = new ArrayBuffer(size ?? desc.size - offset);
      return mapped;
    },
    unmap: noop,
    destroy: noop,
  };
  return buffer as unknown as GPUBuffer;
}

function dryEncoder(): GPUCommandEncoder {
  const pass = { setPipeline: noop, setBindGroup: noop, dispatchWorkgroups: noop, end: noop, label: '' };
  return {
    label: '',
    beginComputePass: () => pass,
    copyBufferToBuffer: noop,
    clearBuffer: noop,
    resolveQuerySet: noop,
    finish: () => ({ label: '' }),
  } as unknown as GPUCommandEncoder;
}

/**
 * A dry-run context with `limits` and `features` (an adapter summary, or a real device's own
 * limits and features to mirror it exactly).
 */
export function dryRunContext(spec: {
  limits: Record<string, number>;
  features: Iterable<string>;
  adapter?: AdapterSummary;
}): GpuContext {
  const features = new Set(spec.features);
  const limits = { ...DEFAULT_LIMITS, ...spec.limits };
  const device = {
    label: 'dry run',
    limits,
    features,
    lost: new Promise(noop),
    queue: { submit: noop, writeBuffer: noop, onSubmittedWorkDone: done, label: '' },
    createBuffer: dryBuffer,
    createShaderModule: () => ({ getCompilationInfo: () => Promise.resolve({ messages: [] }) }),
    createBindGroupLayout: () => ({}),
    createPipelineLayout: () => ({}),
    createComputePipelineAsync: () => Promise.resolve({}),
    createBindGroup: () => ({}),
    createCommandEncoder: dryEncoder,
    createQuerySet: () => ({ destroy: noop }),
    addEventListener: noop,
    destroy: noop,
  } as unknown as GPUDevice;
  const adapter: AdapterSummary = spec.adapter ?? {
    vendor: 'dry run',
    architecture: '',
    device: '',
    description: 'a device that allocates nothing (memory prediction)',
    isFallbackAdapter: false,
    features: [...features].sort(),
    limits: limits as AdapterSummary['limits'],
  };
  return {
    device,
    adapter,
    hasF16: features.has('shader-f16'),
    hasSubgroups: features.has('subgroups'),
    hasTimestamps: features.has('timestamp-query'),
    lost: undefined,
    assertAlive: noop,
  };
}

/** A dry-run twin of a real context: the same limits and features. */
export function dryRunTwin(ctx: GpuContext): GpuContext {
  const limits: Record<string, number> = {};
  for (const k of Object.keys(DEFAULT_LIMITS)) {
    const v = (ctx.device.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  return dryRunContext({
    limits,
    features: ctx.device.features as unknown as Iterable<string>,
    adapter: ctx.adapter,
  });
}
