/**
 * Kernels as descriptors, and the per-device pipeline cache.
 *
 * A kernel family (shaders/<family>.wgsl + a TypeScript module next to its users) builds a
 * `KernelDescriptor` from its compile-time choices (tile sizes, epilogue, …), which become WGSL
 * `override` constants. Runtime sizes go in a uniform block named `params`. Pipelines are cached
 * per device by (name, entry point, constants, storage types).
 *
 * Storage types are the one preprocessing step of WGSL: a shader whose bindings may hold f16
 * (activations stored in half precision, arithmetic in f32) names their element types with
 * aliases (`act_t`, …), and the descriptor's `types` are prepended as `alias act_t = f16;` lines,
 * after `enable f16;` when any is f16. WGSL's `override` cannot change a type, hence this step.
 */
import { DeviceLimitError, GpuError } from './errors.ts';
import { ShaderStage } from './usage.ts';

/** Element type of a storage binding: f32, or f16 storage (shader-f16) with f32 arithmetic. */
export type StorageType = 'f32' | 'f16';

/** Bytes of one element of a storage type. */
export function storageBytes(t: StorageType): number {
  return t === 'f16' ? 2 : 4;
}

/** The WGSL lines a descriptor's storage types put ahead of its source. */
export function storageHeader(types: Record<string, StorageType> | undefined): string {
  const entries = Object.entries(types ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return '';
  const lines = entries.map(([alias, t]) => `alias ${alias} = ${t};`);
  if (entries.some(([, t]) => t === 'f16')) lines.unshift('enable f16;');
  return `${lines.join('\n')}\n`;
}

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
  /** Element types of the source's storage aliases (see the header). Part of the cache key. */
  types?: Record<string, StorageType>;
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
  return `${moduleKey(k)}:${k.entryPoint ?? 'main'}{${consts}}`;
}

/** The shader module's key: the family, and its storage types when any is not f32. */
function moduleKey(k: KernelDescriptor<unknown>): string {
  const half = Object.keys(k.types ?? {})
    .filter((a) => k.types?.[a] === 'f16')
    .sort();
  return half.length ? `${k.name}<${half.map((a) => `${a}=f16`).join(',')}>` : k.name;
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
    const half = Object.values(k.types ?? {}).includes('f16');
    if (half && !device.features.has('shader-f16')) {
      throw new GpuError(
        `${label}: f16 storage needs the WebGPU feature 'shader-f16', which this device does not have; use f32`,
      );
    }
    const mKey = moduleKey(k);
    let module = this.modules.get(mKey);
    if (!module) {
      const header = storageHeader(k.types);
      module = device.createShaderModule({ label: `${mKey}.wgsl`, code: header + k.source });
      this.modules.set(mKey, module);
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === 'error');
      if (errors.length) {
        this.modules.delete(mKey);
        // line numbers of the .wgsl file (the header's lines are not in it)
        const shift = header ? header.split('\n').length - 1 : 0;
        const text = errors
          .map((m) => `${k.name}.wgsl:${m.lineNum - shift}:${m.linePos}: ${m.message}`)
          .join('\n');
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
