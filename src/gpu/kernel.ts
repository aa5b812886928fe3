/**
 * Kernels as descriptors, and the per-device pipeline cache.
 *
 * A kernel family (shaders/<family>.wgsl + a TypeScript module next to its users) builds a
 * `KernelDescriptor` from its compile-time choices (tile sizes, epilogue, …), which become WGSL
 * `override` constants. Runtime sizes go in a uniform block named `params`. Pipelines are cached
 * per device by (name, entry point, constants).
 */
import { DeviceLimitError, GpuError } from './errors.ts';
import { ShaderStage } from './usage.ts';

export type BindingKind = 'storage' | 'read-only-storage' | 'uniform';

export interface BindingSpec {
  /** Name of the WGSL variable; binding index = position in the list, group 0. */
  name: string;
  kind: BindingKind;
}

export interface KernelDescriptor<D> {
  /** Family name, used in labels and the cache key. */
  name: string;
  /** WGSL source of the family (all variants share it; variants differ by constants). */
  source: string;
  entryPoint?: string;
  /** WGSL `override` constants. Part of the cache key. */
  constants: Record<string, number>;
  bindings: readonly BindingSpec[];
  /** Workgroup counts for runtime sizes `dims`. */
  workgroups(dims: D): [number, number, number];
  /** Contents of the uniform binding named `params` for runtime sizes `dims` (16-byte multiple). */
  uniforms?(dims: D): Uint32Array;
}

export interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  label: string;
}

export function kernelKey(k: KernelDescriptor<unknown>): string {
  const consts = Object.keys(k.constants)
    .sort()
    .map((c) => `${c}=${k.constants[c]}`)
    .join(',');
  return `${k.name}:${k.entryPoint ?? 'main'}{${consts}}`;
}

const bufferType: Record<BindingKind, GPUBufferBindingType> = {
  storage: 'storage',
  'read-only-storage': 'read-only-storage',
  uniform: 'uniform',
};

/** One cache per device; holds every pipeline built on it. */
export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<CompiledKernel>>();
  private readonly modules = new Map<string, GPUShaderModule>();

  constructor(readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  get<D>(k: KernelDescriptor<D>): Promise<CompiledKernel> {
    const key = kernelKey(k as KernelDescriptor<unknown>);
    let entry = this.pipelines.get(key);
    if (!entry) {
      entry = this.compile(k as KernelDescriptor<unknown>, key);
      this.pipelines.set(key, entry);
      entry.catch(() => this.pipelines.delete(key));
    }
    return entry;
  }

  private async compile(k: KernelDescriptor<unknown>, label: string): Promise<CompiledKernel> {
    const { device } = this;
    const storageCount = k.bindings.filter((b) => b.kind !== 'uniform').length;
    const maxStorage = device.limits.maxStorageBuffersPerShaderStage;
    if (storageCount > maxStorage) {
      throw new DeviceLimitError('maxStorageBuffersPerShaderStage', storageCount, maxStorage, label);
    }
    let module = this.modules.get(k.name);
    if (!module) {
      module = device.createShaderModule({ label: `${k.name}.wgsl`, code: k.source });
      this.modules.set(k.name, module);
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === 'error');
      if (errors.length) {
        this.modules.delete(k.name);
        const text = errors.map((m) => `${k.name}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
        throw new GpuError(`WGSL compilation failed for ${k.name}:\n${text}`);
      }
    }
    const layout = device.createBindGroupLayout({
      label: `${label} layout`,
      entries: k.bindings.map((b, i) => ({
        binding: i,
        visibility: ShaderStage.COMPUTE,
        buffer: { type: bufferType[b.kind] },
      })),
    });
    const pipeline = await device
      .createComputePipelineAsync({
        label,
        layout: device.createPipelineLayout({
          label: `${label} pipeline layout`,
          bindGroupLayouts: [layout],
        }),
        compute: { module, entryPoint: k.entryPoint ?? 'main', constants: k.constants },
      })
      .catch((err: Error) => {
        throw new GpuError(`pipeline ${label}: ${err.message}`);
      });
    return { pipeline, layout, label };
  }
}
